/**
 * `hyperframes doctor`: which Node, browser and FFmpeg the toolkit would use, and whether they work. The
 * browser is launched and probed afresh (the result replaces the cached one): can it capture with
 * HeadlessExperimental.beginFrame, does it survive --single-process.
 */
import type { Command } from "commander";
import { createOutput } from "../output.js";
import { isHyperframesError } from "../../errors.js";

interface DoctorFlags {
  json?: boolean;
  browser?: string;
}

export const REQUIRED_NODE = "20.19.0";
export const CHECKED_ENCODERS = ["libx264", "libvpx-vp9", "prores_ks", "aac", "libopus"] as const;

export function nodeVersionOk(version: string, min = REQUIRED_NODE): boolean {
  const a = version.replace(/^v/, "").split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) > (b[i] ?? 0)) return true;
    if ((a[i] ?? 0) < (b[i] ?? 0)) return false;
  }
  return true;
}

function errorInfo(e: unknown): { code: string; message: string; hint?: string } {
  if (isHyperframesError(e)) return { code: e.code, message: e.message, hint: e.hint };
  return { code: "internal_error", message: (e as Error)?.message ?? String(e) };
}

export function register(program: Command): void {
  program
    .command("doctor")
    .description("check the environment: Node version, the browser and FFmpeg used for rendering, and FFmpeg's encoders")
    .option("--browser <path>", "check this Chrome/Chromium executable instead of the automatic choice")
    .option("--json", "machine-readable output on stdout")
    .addHelpText(
      "after",
      `
Exit code: 0 when everything needed to render was found, 2 when the browser or FFmpeg is missing.

Examples:
  $ hyperframes doctor
  $ hyperframes doctor --browser /usr/bin/chromium --json`,
    )
    .action(doctorAction);
}

type Check = Record<string, unknown>;

/** The action: check Node, the browser (probed afresh), FFmpeg, ffprobe and the encoders; exit code 2 when not ready. */
async function doctorAction(flags: DoctorFlags): Promise<void> {
  const out = createOutput(Boolean(flags.json));
  const node = { version: process.version, required: `>=${REQUIRED_NODE}`, ok: nodeVersionOk(process.version) };
  const [{ resolveBrowser }, { probeBrowser }, { ffmpegEncoders, resolveFfmpeg, resolveFfprobe }] = await Promise.all([
    import("../../render/browser.js"),
    import("../../render/launch.js"),
    import("../../render/ffmpeg.js"),
  ]);

  let browser: Check = {};
  try {
    const b = resolveBrowser(flags.browser);
    browser = { ok: true, source: b.source, kind: b.kind, path: b.executablePath, description: b.description };
    const caps = await probeBrowser(b, { force: true });
    Object.assign(browser, {
      version: caps.version ?? null,
      capture: caps.beginFrame ? "beginframe" : "screenshot",
      captureReason: caps.beginFrameReason,
      process: caps.singleProcess ? "single" : "multi",
      processReason: caps.singleProcessReason,
      probeMs: caps.probeMs,
    });
  } catch (e) {
    browser = { ...browser, ok: false, error: errorInfo(e) };
  }

  const ffmpeg = toolCheck(resolveFfmpeg);
  const ffprobe = toolCheck(resolveFfprobe);
  let encoders: Record<string, boolean> = {};
  if (ffmpeg.ok) {
    const list = new Set(ffmpegEncoders());
    encoders = Object.fromEntries(CHECKED_ENCODERS.map((e) => [e, list.has(e)]));
  }

  const ok = node.ok && browser.ok === true && ffmpeg.ok === true;
  out.result({ type: "doctor", ok, node, browser, ffmpeg, ffprobe, encoders }, doctorText(ok, node, browser, ffmpeg, ffprobe, encoders));
  if (!ok) process.exitCode = 2;
}

/** FFmpeg or ffprobe: where it is and its version, or why it was not found. */
function toolCheck(resolve: () => { path: string; source: string; version: string }): Check {
  try {
    const r = resolve();
    return { ok: true, path: r.path, source: r.source, version: r.version };
  } catch (e) {
    return { ok: false, error: errorInfo(e) };
  }
}

/** The report for a terminal: a ✓/✖ line (and details) per check, the encoders, the verdict. */
function doctorText(ok: boolean, node: { version: string; required: string; ok: boolean }, browser: Check, ffmpeg: Check, ffprobe: Check, encoders: Record<string, boolean>): string {
  const mark = (b: unknown) => (b ? "✓" : "✖");
  const errLine = (x: Check) => {
    const e = x.error as { message: string; hint?: string };
    return `${e.message}${e.hint ? ` — ${e.hint}` : ""}`;
  };
  const lines = [
    `${mark(node.ok)} node     ${node.version} (${node.ok ? "ok" : `needs ${node.required}`})`,
    browser.ok
      ? [
          `✓ browser  ${browser.path}`,
          `           source ${browser.source}${browser.version ? `, ${browser.version}` : ""} (probed in ${((browser.probeMs as number) / 1000).toFixed(1)} s)`,
          `           capture ${browser.capture}: ${browser.captureReason}`,
          `           process ${browser.process === "single" ? "single-process" : "multi-process"}: ${browser.processReason}`,
        ].join("\n")
      : `✖ browser  ${errLine(browser)}`,
    ffmpeg.ok ? `✓ ffmpeg   ${ffmpeg.path}\n           source ${ffmpeg.source}, version ${ffmpeg.version}` : `✖ ffmpeg   ${errLine(ffmpeg)}`,
    ffprobe.ok ? `✓ ffprobe  ${ffprobe.path}\n           source ${ffprobe.source}, version ${ffprobe.version}` : `! ffprobe  ${errLine(ffprobe)}`,
  ];
  if (ffmpeg.ok) lines.push(`  encoders ${CHECKED_ENCODERS.map((e) => `${encoders[e] ? "✓" : "✖"} ${e}`).join("  ")}`);
  lines.push(ok ? "ready to render" : "not ready to render: fix the ✖ items above");
  return lines.join("\n");
}
