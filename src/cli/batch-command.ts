/**
 * `hyperframes render [dir] --batch rows.csv`: one video per data row (src/render/batch.ts).
 * Overall + per-row progress bars on a terminal, JSON events with --json (row-start, row-done, row-skipped,
 * row-failed, progress, warning, result). Exit code 0 when every row is done or skipped, 1 when a row
 * failed, 130 on Ctrl-C (the manifest stays consistent; re-running the command resumes).
 */
import path from "node:path";
import cliProgress from "cli-progress";
import { UsageError } from "../errors.js";
import { readRenderFlags } from "./render-flags.js";
import { createOutput, type Output } from "./output.js";
import type { RenderCliOptions } from "./commands/render.js";
import { abortOnSignals } from "./signals.js";
import { renderBatch, type BatchProgress, type BatchRowResult, type BatchSummary, type RenderBatchOptions } from "../render/batch.js";
import { analyzePattern } from "../data/output-pattern.js";

const rel = (p: string) => {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const eta = (s: number) => (!Number.isFinite(s) ? "--" : s < 60 ? `${Math.ceil(s)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`);
/** the error message without a leading "row N: " (the row is printed next to it already) */
const bare = (m: string) => m.replace(/^row \d+: /, "");

function parseConcurrency(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new UsageError("invalid_option", `--concurrency must be an integer from 1 to 16, got "${v}"`, { hint: "e.g. --concurrency 2" });
  return n;
}

/** Terminal progress: an overall bar plus one bar per row being rendered (TTY), or sparse lines. */
function batchReporter(json: boolean, quiet: boolean) {
  const out = createOutput(json);
  // --quiet: no bars, only the per-row result lines
  const tty = !json && !quiet && !!process.stderr.isTTY;
  let multi: cliProgress.MultiBar | undefined;
  let overall: cliProgress.SingleBar | undefined;
  const rowBars = new Map<number, cliProgress.SingleBar>();
  let lastEvent = 0;
  let total = 0;
  const line = (m: string) => {
    if (json) return;
    if (multi) multi.log(m + "\n");
    else process.stderr.write(m + "\n");
  };
  return {
    line,
    start(n: number) {
      total = n;
      if (!tty) return;
      multi = new cliProgress.MultiBar(
        { format: "{label} [{bar}] {value}/{total} {unit} {info}", hideCursor: true, stream: process.stderr, clearOnComplete: true, autopadding: true },
        cliProgress.Presets.shades_classic,
      );
      overall = multi.create(n, 0, { label: "batch ", unit: "rows  ", info: "" });
    },
    progress(p: BatchProgress) {
      if (json) {
        const t = Date.now();
        if (t - lastEvent < 250) return;
        lastEvent = t;
        out.event({
          type: "progress",
          ...p,
          rowsPerMinute: Number(p.rowsPerMinute.toFixed(2)),
          etaSeconds: Number.isFinite(p.etaSeconds) ? Number(p.etaSeconds.toFixed(1)) : null,
        });
        return;
      }
      if (!multi || !overall) return;
      const finished = p.done + p.failed + p.skipped;
      overall.update(finished, {
        info: `| ${p.failed ? `${p.failed} failed | ` : ""}${p.rowsPerMinute ? `${p.rowsPerMinute.toFixed(1)} rows/min | ` : ""}ETA ${eta(p.etaSeconds)}`,
      });
      for (const r of p.running) {
        let bar = rowBars.get(r.index);
        if (!bar) {
          bar = multi.create(Math.max(1, r.frames), 0, { label: `row ${String(r.row).padStart(String(total).length)}`, unit: "frames", info: "" });
          rowBars.set(r.index, bar);
        }
        if (r.frames) bar.setTotal(r.frames);
        bar.update(r.frame, { info: `| ${r.phase} ${path.basename(r.output)}` });
      }
      for (const [i, bar] of rowBars)
        if (!p.running.some((r) => r.index === i)) {
          multi.remove(bar);
          rowBars.delete(i);
        }
    },
    stop() {
      multi?.stop();
      multi = undefined;
      overall = undefined;
      rowBars.clear();
    },
  };
}

export async function runBatchCommand(dir: string, o: RenderCliOptions, ctx: { debug: boolean }): Promise<void> {
  const { timeout, concurrency, flags } = readBatchFlags(o);
  const json = !!o.json;
  const out = createOutput(json);
  const reporter = batchReporter(json, !!o.quiet);
  const sig = abortOnSignals(() => {
    reporter.stop();
    out.info("stopping… the rows being rendered are cancelled; run the same command again to resume (Ctrl-C again to force)");
  });
  const events = batchEvents(json, out, reporter);

  const run = renderBatch({
    ...(flags as object),
    project: dir,
    rows: o.batch!,
    outputPattern: o.outputPattern,
    concurrency,
    failFast: !!o.failFast,
    verify: o.verify !== false,
    capture: o.capture as "auto",
    readyTimeoutMs: timeout * 1000,
    debug: ctx.debug,
    signal: sig.signal,
    onLog: ctx.debug ? (l) => out.info(`[page] ${l}`) : undefined,
    ...events.handlers,
  });

  let s: BatchSummary;
  try {
    s = await run.done();
  } finally {
    reporter.stop();
    sig.dispose();
  }

  reportSummary(s, json, out, events.seenWarnings);
  if (s.cancelled) {
    out.info(`batch cancelled: ${s.pending} row${s.pending === 1 ? "" : "s"} left; run the same command again to resume`);
    process.exitCode = 130;
  } else if (s.failed > 0 || s.stopped) process.exitCode = 1;
}

/** The batch's flags, checked: --output refused, --timeout in seconds, --concurrency, the render flags. */
function readBatchFlags(o: RenderCliOptions): { timeout: number; concurrency: number | undefined; flags: Record<string, unknown> } {
  if (o.output)
    throw new UsageError("invalid_option", "--output names one file; a batch writes one file per row", {
      hint: 'use --output-pattern, e.g. --output-pattern "renders/{row.id}_{index}.mp4"',
    });
  const timeout = Number(o.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError("invalid_option", `--timeout must be a positive number of seconds, got "${o.timeout}"`);
  const concurrency = parseConcurrency(o.concurrency);
  const flags = readRenderFlags(o, "local") as Record<string, unknown>;
  // --format defaults to mp4 on the command line: a .webm/.mov/.gif pattern picks its format unless --format says otherwise
  const ext = o.outputPattern ? analyzePattern(o.outputPattern).extension : undefined;
  if (flags.format === "mp4" && (ext === "webm" || ext === "mov" || ext === "gif")) delete flags.format;
  return { timeout, concurrency, flags };
}

type BatchHandlers = Required<Pick<RenderBatchOptions, "onWarning" | "onStart" | "onProgress" | "onRowStart" | "onRow">>;

/** The batch's events as the command prints them (JSON events, or lines above the bars); warnings shown once each. */
function batchEvents(json: boolean, out: Output, reporter: ReturnType<typeof batchReporter>): { handlers: BatchHandlers; seenWarnings: Map<string, number> } {
  const seenWarnings = new Map<string, number>();
  let total = 0;
  const width = () => String(total).length;
  const tag = (row: number) => `row ${String(row).padStart(width())}/${total}`;
  const handlers: BatchHandlers = {
    onWarning: (m, row) => {
      if (json) return out.event({ type: "warning", row: row ?? null, message: m });
      const n = seenWarnings.get(m) ?? 0;
      seenWarnings.set(m, n + 1);
      if (n === 0) reporter.line(`warning: ${row ? `row ${row}: ` : ""}${m}`);
    },
    onStart: (plan) => {
      total = plan.total;
      out.event({ type: "batch-start", ...plan });
      if (plan.skipped) reporter.line(`${plan.skipped} of ${plan.total} rows already rendered with identical inputs: skipped`);
      if (plan.toRender)
        reporter.line(`rendering ${plan.toRender} row${plan.toRender === 1 ? "" : "s"}, ${plan.concurrency} at a time${plan.manifest ? ` (manifest: ${rel(plan.manifest)})` : ""}`);
      reporter.start(plan.total);
    },
    onProgress: (p) => reporter.progress(p),
    onRowStart: (r) => {
      out.event({ type: "row-start", row: r.row, index: r.index, output: r.output });
      if (!process.stderr.isTTY && !json) reporter.line(`${tag(r.row)} rendering ${rel(r.output)}`);
    },
    onRow: (r: BatchRowResult) => rowResult(r, out, reporter, tag),
  };
  return { handlers, seenWarnings };
}

/** One row's end: a row-done / row-skipped / row-failed event and, for done and failed, a line. */
function rowResult(r: BatchRowResult, out: Output, reporter: ReturnType<typeof batchReporter>, tag: (row: number) => string): void {
  if (r.status === "done") {
    out.event({
      type: "row-done",
      row: r.row,
      index: r.index,
      output: r.output,
      elapsedMs: r.elapsedMs,
      timings: r.timings,
      frames: r.result?.frames,
      sizeBytes: r.result?.sizeBytes,
      warnings: r.warnings,
    });
    reporter.line(`${tag(r.row)} done    ${rel(r.output)}  (${secs(r.elapsedMs)})`);
  } else if (r.status === "skipped") {
    out.event({ type: "row-skipped", row: r.row, index: r.index, output: r.output, reason: "already rendered with identical inputs" });
  } else {
    out.event({ type: "row-failed", row: r.row, index: r.index, output: r.output, elapsedMs: r.elapsedMs, error: r.error?.toJSON() });
    reporter.line(`${tag(r.row)} FAILED  ${bare(r.error?.message ?? "failed")}${r.error?.hint ? ` — ${r.error.hint}` : ""} [${r.error?.code}]`);
  }
}

/** The final `result` event (--json), or the summary lines: counts, row times, failed rows, the manifest. */
function reportSummary(s: BatchSummary, json: boolean, out: Output, seenWarnings: Map<string, number>): void {
  const failedRows = s.results.filter((r) => r.status === "failed");
  out.event({
    type: "result",
    ok: s.failed === 0 && s.pending === 0 && !s.cancelled && !s.stopped,
    total: s.total,
    done: s.done,
    skipped: s.skipped,
    failed: s.failed,
    pending: s.pending,
    cancelled: s.cancelled,
    stopped: s.stopped,
    elapsedMs: s.elapsedMs,
    rowsPerMinute: Number(s.rowsPerMinute.toFixed(2)),
    rowTimes: s.rowTimes,
    concurrency: s.concurrency,
    workers: s.workers ?? null,
    browserLaunches: s.browserLaunches,
    videoDecodes: s.videoDecodes ?? null,
    manifest: s.manifest ?? null,
    rows: s.results.map((r) => ({
      row: r.row,
      status: r.status,
      output: r.output,
      elapsedMs: r.elapsedMs,
      error: r.error ? { code: r.error.code, message: r.error.message, hint: r.error.hint } : undefined,
    })),
  });
  if (json) return;
  const parts = [`${s.done} rendered`];
  if (s.skipped) parts.push(`${s.skipped} skipped (already rendered)`);
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.pending) parts.push(`${s.pending} not started`);
  const times = s.rowTimes
    ? `; per row ${secs(s.rowTimes.minMs)}–${secs(s.rowTimes.maxMs)}, median ${secs(s.rowTimes.medianMs)}`
    : "";
  const lines = [
    `batch: ${s.total} row${s.total === 1 ? "" : "s"} — ${parts.join(", ")} in ${secs(s.elapsedMs)} (${s.rowsPerMinute.toFixed(1)} rows/min${times}; ${s.concurrency} at a time)`,
  ];
  for (const r of failedRows) lines.push(`  row ${r.row} failed: ${bare(r.error?.message ?? "")} [${r.error?.code}]`);
  if (s.manifest) lines.push(`manifest: ${rel(s.manifest)}`);
  const repeated = [...seenWarnings.values()].reduce((a, n) => a + n - 1, 0);
  if (repeated) lines.push(`(${repeated} repeated warning${repeated === 1 ? "" : "s"} not shown; see the manifest)`);
  out.result({}, lines.join("\n"));
}
