/**
 * `hyperframes render [dir]`: render a composition to a video file (or, with --batch, one video per data row).
 * Progress bar on a terminal, JSON events with --json; Ctrl-C stops everything and leaves no partial file.
 */
import path from "node:path";
import { Command, Option } from "commander";
import { addRenderFlags, readRenderFlags } from "../render-flags.js";
import { createOutput, numberOption, redactSecrets } from "../output.js";
import { progressReporter } from "../progress.js";
import { abortOnSignals } from "../signals.js";
// the render pipeline (puppeteer, the file server, FFmpeg) loads only when a render runs: see the action
import type { RenderProgress, RenderResult } from "../../render/render.js";
import { UsageError } from "../../errors.js";
import { addOfficialRenderFlags, mapOfficialValues, refuseUnsupported, type OfficialFlagValues } from "../official-flags.js";

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

/** `--strict` / `--strict-all`: lint first, and refuse on errors (and, with --strict-all, on warnings). */
async function lintFirst(dir: string, entry: string, warningsToo: boolean): Promise<void> {
  const { lintProject, formatFinding } = await import("../../compose/lint.js");
  const r = await lintProject(path.resolve(dir), { entry });
  const bad = r.findings.filter((f) => f.severity === "error" || warningsToo);
  if (bad.length)
    throw new UsageError("lint_failed", `lint found ${r.errorCount} error(s) and ${r.warningCount} warning(s); not rendering (--strict${warningsToo ? "-all" : ""}):\n${bad.slice(0, 10).map(formatFinding).join("\n")}`, {
      hint: `fix them (\`hyperframes lint ${dir}\` lists them all), or render without --strict${warningsToo ? "-all" : ""}`,
    });
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
    .option("--fail-fast", "stop the batch at the first failing row");
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
  cmd.action(async (dir: string, o: RenderCliOptions, command: Command) => {
    const debug = !!command.optsWithGlobals().debug;
    refuseUnsupported(o as unknown as OfficialFlagValues);
    const notes = mapOfficialValues(o as unknown as Record<string, unknown>);
    for (const n of notes) process.stderr.write(`note: ${n}\n`);
    const strict = o as unknown as OfficialFlagValues;
    if (strict.strict || strict.strictAll) await lintFirst(dir, String((o as unknown as Record<string, unknown>).composition ?? "index.html"), !!strict.strictAll);
    if (o.batch) return (await import("../batch-command.js")).runBatchCommand(dir, o, { debug });
    if (o.outputPattern || o.concurrency || o.failFast)
      throw new UsageError("invalid_option", "--output-pattern, --concurrency and --fail-fast only apply with --batch", { hint: "add --batch rows.csv, or drop them" });
    const json = !!o.json;
    const out = createOutput(json);
    const timeout = Number(o.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError("invalid_option", `--timeout must be a positive number of seconds, got "${o.timeout}"`);
    const flags = readRenderFlags(o, "local");
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
  });
}
