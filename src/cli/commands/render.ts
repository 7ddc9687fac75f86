/**
 * `hyperframes render [dir]`: render a composition to a video file (or, with --batch, one video per data row).
 * Progress bar on a terminal, JSON events with --json; Ctrl-C stops everything and leaves no partial file.
 */
import path from "node:path";
import { Command, Option } from "commander";
import { addRenderFlags, readRenderFlags } from "../render-flags.js";
import { createOutput, numberOption, redactSecrets, type Output } from "../output.js";
import { progressReporter } from "../progress.js";
import { abortOnSignals } from "../signals.js";
// the render pipeline (puppeteer, the file server, FFmpeg) loads only when a render runs: see the action
import type { RenderProgress, RenderResult } from "../../render/render.js";
import type { LongRender } from "../../render/workload.js";
import { UsageError } from "../../errors.js";
import { addOfficialRenderFlags, mapOfficialValues, refuseUnsupported, type OfficialFlagValues } from "../official-flags.js";
import { lintGate, lintGateMode, type LintGateFlags } from "../lint-gate.js";

export interface RenderCliOptions {
  output?: string;
  json?: boolean;
  quiet?: boolean;
  verify?: boolean;
  capture?: string;
  timeout?: string | number;
  batch?: string;
  outputPattern?: string;
  concurrency?: string;
  failFast?: boolean;
  [k: string]: unknown;
}

const clock = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}` : `${Math.floor(s / 60)}`) + `:${String(Math.floor(s % 60)).padStart(2, "0")}`;

/** "a long render: 36000 frames (20:00 of video at 30 fps); rough estimate ~1 h 40 min here …" */
export function describeLongRender(l: LongRender): string {
  const est = l.estimateSeconds >= 3600 ? `${Math.floor(l.estimateSeconds / 3600)} h ${Math.round((l.estimateSeconds % 3600) / 60)} min` : `${Math.max(1, Math.round(l.estimateSeconds / 60))} min`;
  return `a long render: ${l.frames} frames (${clock(l.durationSeconds)} of video at ${l.fps} fps); rough estimate ~${est} with ${l.workers} worker${l.workers === 1 ? "" : "s"} on this machine (Ctrl-C stops it cleanly)`;
}

export function summarize(r: RenderResult, cwd = process.cwd()): string {
  const rel = path.relative(cwd, r.output) || r.output;
  // the capture method and why: the probe's finding in short, or what chose screenshots
  const why =
    r.captureMethod === "beginframe"
      ? `probed${r.browserProcess === "multi" ? ", multi-process" : ""}`
      : /^transparent/.test(r.captureReason)
        ? "transparent output"
        : r.captureReason === "--capture screenshot"
          ? "--capture screenshot"
          : "the browser lacks beginFrame";
  return `rendered ${rel}  (${r.width}x${r.height}, ${r.frames} frames @ ${r.fps} fps, ${r.durationSeconds.toFixed(2)} s${r.hasAudio ? ", audio" : ""}, ${(r.sizeBytes / 1e6).toFixed(2)} MB) in ${(r.elapsedMs / 1000).toFixed(1)} s — ${r.captureFps.toFixed(1)} frames/s, ${r.workers} worker${r.workers > 1 ? "s" : ""}, ${r.captureMethod} (${why})`;
}

export function register(program: Command): void {
  const cmd = program
    .command("render")
    .argument("[dir]", "project folder", ".")
    .description("render a composition to a video file (mp4, webm, mov, gif) or a folder of PNG frames (png-sequence)")
    .option("-o, --output <file>", "output file (default: <dir>/renders/<id>_<timestamp>.<format>)")
    .option("--json", "machine-readable progress and result (JSON lines on stdout)")
    .option("--quiet", "no progress output: only warnings, errors and the result line")
    .option("--no-verify", "skip the output check (frame count, duration, audio, not all black)")
    .addOption(new Option("--capture <method>", "frame capture method").choices(["auto", "beginframe", "screenshot"]).default("auto"))
    .addOption(numberOption("--timeout <seconds>", "how long the page may take to become ready", 60))
    .option("--batch <file>", "render one video per row of a JSON, NDJSON or CSV file (fields = variables)")
    .option("--output-pattern <pattern>", 'batch output names, e.g. "renders/{row.id}_{index}.mp4"')
    .option("--concurrency <n>", "batch rows rendered in parallel")
    .option("--fail-fast", "stop the batch at the first failing row")
    .option("--force", "render even when lint reports errors (by default a composition lint rejects is not rendered)");
  addRenderFlags(cmd, "local");
  addOfficialRenderFlags(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  $ hyperframes render                                   render ./index.html to ./renders/
  $ hyperframes render my-video --quality draft -o out.mp4
  $ hyperframes render my-video --fps 60 --format webm   transparent background kept
  $ hyperframes render my-video --variables '{"title":"Hi"}' --strict-variables
  $ hyperframes render my-video --frames 0:30 --json     first second only, JSON events
  $ hyperframes render my-video --batch rows.csv --output-pattern "renders/{row.id}.mp4"`,
  );
  cmd.action(renderAction);
}

/** The action: checks, the lint gate, then one render, or the batch (src/cli/batch-command.ts). */
async function renderAction(dir: string, o: RenderCliOptions, command: Command): Promise<void> {
  const debug = !!command.optsWithGlobals().debug;
  refuseUnsupported(o as unknown as OfficialFlagValues);
  const notes = mapOfficialValues(o as unknown as Record<string, unknown>);
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  const gate = lintGateMode(o as LintGateFlags);
  if (!o.batch && (o.outputPattern || o.concurrency || o.failFast))
    throw new UsageError("invalid_option", "--output-pattern, --concurrency and --fail-fast only apply with --batch", { hint: "add --batch rows.csv, or drop them" });
  const json = !!o.json;
  const out = createOutput(json);
  // lint before anything renders (a batch: once, before its first row); the output checks follow in render(),
  // also before any browser starts
  const lintFirst = () =>
    lintGate(dir, String(o.composition ?? "index.html"), gate, (m) => (json ? out.event({ type: "warning", message: m }) : out.warn(m)));
  if (o.batch) {
    await lintFirst();
    return (await import("../batch-command.js")).runBatchCommand(dir, o, { debug });
  }
  const timeout = Number(o.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError("invalid_option", `--timeout must be a positive number of seconds, got "${o.timeout}"`);
  const flags = readRenderFlags(o, "local");
  await lintFirst();
  await renderOne(dir, o, { json, out, debug, timeout, flags });
}

/** One render with its progress (bar, lines or JSON events), Ctrl-C → cancel, and the result line. */
async function renderOne(
  dir: string,
  o: RenderCliOptions,
  { json, out, debug, timeout, flags }: { json: boolean; out: Output; debug: boolean; timeout: number; flags: ReturnType<typeof readRenderFlags> },
): Promise<void> {
  const reporter = progressReporter(json, "render", !!o.quiet);
  const sig = abortOnSignals(() => {
    reporter.stop();
    out.info("stopping… (press Ctrl-C again to force)");
  });
  try {
    reporter.start();
    const { render } = await import("../../render/render.js");
    const result = await render({
      ...(flags as object),
      project: dir,
      output: o.output,
      verify: o.verify !== false,
      capture: o.capture as "auto",
      readyTimeoutMs: timeout * 1000,
      signal: sig.signal,
      debug,
      onProgress: reporter.onProgress,
      onLongRender: (l) => {
        if (json) out.event({ type: "long-render", ...l });
        else reporter.log(`note: ${describeLongRender(l)}`);
      },
      onWarning: (m: string) => {
        if (json) out.event({ type: "warning", message: m });
        else reporter.log(`warning: ${redactSecrets(m)}`);
      },
      onLog: debug ? (l: string) => reporter.log(`[page] ${redactSecrets(l)}`) : undefined,
    });
    reporter.stop();
    out.result({ type: "result", ...result, verify: result.verify ?? null }, summarize(result));
  } finally {
    reporter.stop();
    sig.dispose();
  }
}
