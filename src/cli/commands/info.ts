/** `hyperframes info [dir]`: what a composition contains (size, length, clips by track, variables, media, files). */
import path from "node:path";
import type { Command } from "commander";
import { createOutput } from "../output.js";
import { DEFAULT_FPS, frameCount } from "../../compose/timing.js";
import { fileSize } from "../../compose/files.js";
import type { ClipInfo, CompositionModel, SubCompositionInfo } from "../../compose/types.js";
import type { FontResolution } from "../../compose/fonts/deterministic.js";
// the composition model (HTML parser) loads when the command runs: other commands start without it


interface InfoFlags {
  json?: boolean;
  entry?: string;
}

const t = (v: number | null): string => (v == null ? "?" : `${Math.round(v * 1000) / 1000}`);

function clipRange(c: { start: number | null; duration: number | null }): string {
  const end = c.start != null && c.duration != null ? c.start + c.duration : null;
  return `${t(c.start)}s–${end == null ? "end" : `${t(end)}s`}`;
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function tracksOf(clips: ClipInfo[]): { track: number; clips: ClipInfo[] }[] {
  const by = new Map<number, ClipInfo[]>();
  for (const c of clips) by.set(c.track, [...(by.get(c.track) ?? []), c]);
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([track, cs]) => ({ track, clips: [...cs].sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity)) }));
}

function subJson(s: SubCompositionInfo): Record<string, unknown> {
  return {
    id: s.id,
    src: s.src,
    file: s.file,
    start: s.start,
    duration: s.duration,
    location: s.location,
    loaded: !!s.model,
    ...(s.model
      ? {
          width: s.model.width,
          height: s.model.height,
          clips: s.model.clips.length,
          variables: s.model.variables.map((v) => ({ id: v.id, type: v.type, default: v.default })),
          subCompositions: s.model.subCompositions.map(subJson),
        }
      : {}),
  };
}

/** The fonts the page resolves to, or undefined when it does not compile (lint says why). */
async function fontsOf(model: CompositionModel): Promise<FontResolution | undefined> {
  const { pageFonts } = await import("../../compose/page.js");
  try {
    return pageFonts(model.dir, model.entry);
  } catch {
    return undefined;
  }
}

export function describeModel(model: CompositionModel, fonts?: FontResolution): Record<string, unknown> {
  const fps = model.fps ?? DEFAULT_FPS;
  const files = model.files.map((f) => ({ path: f, bytes: fileSize(path.join(model.dir, f)) }));
  return {
    dir: model.dir,
    entry: model.entry,
    id: model.id,
    width: model.width,
    height: model.height,
    duration: model.duration,
    fps,
    fpsSource: model.fps !== undefined ? "data-fps" : "default",
    frames: model.duration > 0 ? frameCount(model.duration, fps) : 0,
    noTimeline: model.noTimeline,
    tracks: tracksOf(model.clips).map((tr) => ({
      track: tr.track,
      clips: tr.clips.map((c) => ({
        id: c.id,
        kind: c.kind,
        start: c.start,
        duration: c.duration,
        end: c.start != null && c.duration != null ? c.start + c.duration : null,
        compositionId: c.compositionId,
        location: c.location,
      })),
    })),
    clipCount: model.clips.length,
    clips: model.clips,
    subCompositions: model.subCompositions.map(subJson),
    variables: model.variables.map((v) => ({ id: v.id, type: v.type, label: v.label, default: v.default, ...(v.options ? { options: v.options.map((o) => o.value) } : {}) })),
    media: model.media,
    files: { count: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0), list: files },
    externalUrls: model.externalUrls,
    fonts: fonts && { bundled: Object.fromEntries(fonts.mapped), system: fonts.unresolved },
  };
}

function subLines(subs: SubCompositionInfo[], indent: string): string[] {
  const out: string[] = [];
  for (const s of subs) {
    out.push(`${indent}${s.id}  ${s.file || s.src}  ${clipRange(s)}${s.model ? `  ${s.model.width}x${s.model.height}, ${s.model.clips.length} clip${s.model.clips.length === 1 ? "" : "s"}` : "  (not loaded)"}`);
    if (s.model) out.push(...subLines(s.model.subCompositions, indent + "  "));
  }
  return out;
}

export function register(program: Command): void {
  program
    .command("info")
    .description("show what a composition contains: size, duration, frames, clips by track, variables, media, files")
    .argument("[dir]", "project folder (default: the current folder)")
    .option("--entry <file>", "entry HTML file, relative to the project", "index.html")
    .option("--json", "machine-readable output on stdout")
    .addHelpText(
      "after",
      `
Examples:
  $ hyperframes info                   describe the project in the current folder
  $ hyperframes info my-video --json   the same as JSON`,
    )
    .action(async (dir: string | undefined, flags: InfoFlags) => {
      const out = createOutput(Boolean(flags.json));
      const { loadComposition } = await import("../../compose/model.js");
      const model = await loadComposition(path.resolve(dir ?? "."), { entry: flags.entry });
      const fonts = await fontsOf(model);
      const d = describeModel(model, fonts);
      const lines: string[] = [];
      lines.push(`${model.id}  (${model.entry} in ${model.dir})`);
      lines.push(`  size        ${model.width}x${model.height}`);
      lines.push(
        `  duration    ${model.duration > 0 ? `${t(model.duration)}s` : "not declared (inferred at render time)"}  at ${d.fps} fps${d.fpsSource === "default" ? " (default)" : ""}  = ${d.frames} frames`,
      );
      if (model.noTimeline) lines.push("  timeline    none (data-no-timeline)");
      lines.push("", `Clips (${model.clips.length}) by track:`);
      const w = Math.max(0, ...model.clips.map((c) => c.id.length));
      for (const tr of tracksOf(model.clips)) {
        lines.push(`  track ${tr.track}`);
        for (const c of tr.clips)
          lines.push(`    ${c.id.padEnd(w)}  ${c.kind.padEnd(11)}  ${clipRange(c)}${c.compositionId !== model.id ? `  (in ${c.compositionId})` : ""}`);
      }
      if (model.subCompositions.length) lines.push("", "Sub-compositions:", ...subLines(model.subCompositions, "  "));
      if (model.variables.length) {
        lines.push("", "Variables:");
        const w = Math.max(...model.variables.map((v) => v.id.length));
        for (const v of model.variables)
          lines.push(`  ${v.id.padEnd(w)}  ${v.type.padEnd(7)}  default ${JSON.stringify(v.default)}${v.options ? `  options ${v.options.map((o) => o.value).join("|")}` : ""}`);
      }
      if (model.media.length) {
        lines.push("", "Media:");
        for (const m of model.media) {
          const bits = [m.tag, m.id ?? "(no id)", m.src ?? "(no src)"];
          if (m.start != null) bits.push(clipRange(m));
          if (m.mediaStart) bits.push(`media start ${t(m.mediaStart)}s`);
          if (m.playbackRate !== 1) bits.push(`rate ${m.playbackRate}`);
          if (m.tag !== "img") bits.push(m.hasAudio ? `audio ${m.volume !== 1 ? `volume ${m.volume}` : "on"}` : "no audio");
          if (m.muted) bits.push("muted");
          if (m.loop) bits.push("loop");
          lines.push(`  ${bits.join("  ")}`);
        }
      }
      if (fonts && (fonts.mapped.size || fonts.unresolved.length)) {
        lines.push("", "Fonts:");
        for (const [name, to] of fonts.mapped) lines.push(`  ${name}  → bundled ${to}`);
        for (const name of fonts.unresolved) lines.push(`  ${name}  → system font (not bundled: ship it with @font-face for the same result everywhere)`);
      }
      const files = d.files as { count: number; bytes: number };
      lines.push("", `Files: ${files.count} referenced, ${humanBytes(files.bytes)}`);
      for (const f of model.files) lines.push(`  ${f}`);
      if (model.externalUrls.length) lines.push("", "External URLs (need the network):", ...model.externalUrls.map((u) => `  ${u}`));
      out.result({ type: "info", ...d }, lines.join("\n"));
    });
}
