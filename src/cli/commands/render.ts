/**
 * `hyperframes render [dir]`: render a composition to a video file (or, with --batch, one video per data row).
 * Progress bar on a terminal, JSON events with --json; Ctrl-C stops everything and leaves no partial file.
 */
import path from "node:path";
import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { addRenderFlags, readRenderFlags } from "../render-flags.js";
import { createOutput, numberOption } from "../output.js";
import { render, type RenderProgress, type RenderResult } from "../../render/render.js";
import { UsageError } from "../../errors.js";
import { runBatchCommand } from "../batch-command.js";

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

/** One AbortController wired to SIGINT/SIGTERM: the first signal cancels cleanly, a second exits at once. */
export function abortOnSignals(onFirst?: () => void): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) {
      onFirst?.();
      ac.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: ac.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "--";
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/** Progress reporting: a bar on a TTY, JSON events with --json, sparse lines otherwise, nothing with --quiet. */
export function progressReporter(json: boolean, label = "render", quiet = false) {
  const out = createOutput(json);
  const tty = !json && !!process.stderr.isTTY;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = 0;
  let lastPct = -1;
  return {
    onProgress(p: RenderProgress) {
      if (quiet && !json) return;
      if (json) {
        const now = Date.now();
        if (p.phase !== "capture" || now - lastLine > 250 || p.frame === p.total) {
          lastLine = now;
          out.event({ type: "progress", ...p, fps: Number(p.fps.toFixed(2)), etaSeconds: Number(p.etaSeconds.toFixed(1)) });
        }
        return;
      }
      if (p.phase === "capture") {
        if (tty) {
          if (!bar) {
            bar = new cliProgress.SingleBar(
              { format: `${label} [{bar}] {percentage}% | {value}/{total} frames | {speed} fps | ETA {eta_s}`, hideCursor: true, stream: process.stderr, clearOnComplete: true },
              cliProgress.Presets.shades_classic,
            );
            bar.start(p.total, 0, { speed: "0.0", eta_s: "--" });
          }
          bar.update(p.frame, { speed: p.fps.toFixed(1), eta_s: fmtSeconds(p.etaSeconds) });
        } else {
          const pct = Math.floor((p.frame / Math.max(1, p.total)) * 10) * 10;
          if (pct !== lastPct) {
            lastPct = pct;
            process.stderr.write(`${label}: ${p.frame}/${p.total} frames (${pct}%) ${p.fps.toFixed(1)} fps\n`);
          }
        }
      } else if (p.message && !tty) {
        process.stderr.write(`${label}: ${p.message}\n`);
      } else if (bar) {
        bar.stop();
        bar = undefined;
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

export function summarize(r: RenderResult, cwd = process.cwd()): string {
  const rel = path.relative(cwd, r.output) || r.output;
  return `rendered ${rel}  (${r.width}x${r.height}, ${r.frames} frames @ ${r.fps} fps, ${r.durationSeconds.toFixed(2)} s${r.hasAudio ? ", audio" : ""}, ${(r.sizeBytes / 1e6).toFixed(2)} MB) in ${(r.elapsedMs / 1000).toFixed(1)} s — ${r.captureFps.toFixed(1)} frames/s, ${r.workers} worker${r.workers > 1 ? "s" : ""}, ${r.captureMethod}`;
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
    if (o.batch) return runBatchCommand(dir, o, { debug });
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
        onWarning: (m) => {
          if (json) out.event({ type: "warning", message: m });
          else out.warn(m);
        },
        onLog: debug ? (l) => out.info(`[page] ${l}`) : undefined,
      });
      reporter.stop();
      out.result({ type: "result", ...result, verify: result.verify ?? null }, summarize(result));
    } finally {
      reporter.stop();
      sig.dispose();
    }
  });
}
