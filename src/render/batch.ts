/**
 * `renderBatch()`: one video per data row, each row's fields applied as composition variables.
 *
 *   rows → variables checked per row (strict: a bad row fails alone) → output names (collisions refused
 *   up front) → manifest (rows done by an earlier run with identical inputs are skipped) → ONE browser
 *   shared by every render, `concurrency` rows in flight → per-row results as they finish.
 *
 * A failing row never stops the others (unless `failFast`). The manifest is rewritten atomically after
 * every change; an abort leaves it consistent (interrupted rows back to "pending") and render() leaves
 * no partial video. The run is both an async iterable of row results and a promise of the summary:
 *
 *   const run = renderBatch({ project, rows, outputPattern: "out/{row.id}.mp4" });
 *   for await (const r of run) console.log(r.row, r.status, r.output);
 *   const summary = await run.done();
 */
import { EnvironmentError, HyperframesError, RenderError } from "../errors.js";
import type { RowTimings } from "../data/manifest.js";
import { render, type RenderResult } from "./render.js";
import { VideoFrameCache } from "./frame-cache.js";
import { chooseConcurrency, planBatch, type BatchSetup } from "./batch/plan.js";
import { ManifestStore } from "./batch/manifest-store.js";
import { ProgressTracker } from "./batch/progress.js";
import { SharedBrowser } from "./batch/shared-browser.js";
import type { BatchRowResult, BatchRowStart, BatchRun, BatchSummary, PreparedRow, RenderBatchOptions } from "./batch/types.js";

export type { Row } from "../data/rows.js";
export type { BatchManifest, ManifestRow, ManifestRowStatus, RowTimings } from "../data/manifest.js";
export type { BatchPlan, BatchProgress, BatchRowResult, BatchRowStart, BatchRun, BatchSummary, RenderBatchOptions } from "./batch/types.js";
export { defaultConcurrency } from "./batch/plan.js";

function toHfError(e: unknown): HyperframesError {
  if (e instanceof HyperframesError) return e;
  const msg = (e as Error)?.message ?? String(e);
  return new RenderError("render_failed", `render failed: ${msg.split("\n")[0]}`, { cause: e, hint: "run again with --debug for details" });
}

/** The options render() gets from every row: the batch's options minus the batch-only ones. */
function renderOnlyOptions(o: RenderBatchOptions) {
  const {
    rows: _rows, coerce: _coerce, outputPattern: _pattern, cwd: _cwd, concurrency: _conc, failFast: _ff, manifest: _manifest, resume: _resume,
    onRowStart: _a, onStart: _s, onRow: _b, onRowProgress: _c, onProgress: _d, onWarning: _e, signal: _f, variables: _g, variablesFile: _h, project: _i,
    ...renderOnly
  } = o;
  return renderOnly;
}

/** What every row's render shares within one run. */
interface RowEnv {
  setup: BatchSetup;
  store: ManifestStore;
  progress: ProgressTracker;
  browser: SharedBrowser;
  frameCache: VideoFrameCache | undefined;
  workers: number | undefined;
  signal: AbortSignal;
}

class Run implements BatchRun {
  private readonly results: BatchRowResult[] = [];
  private finished = false;
  private fatal: unknown;
  private wake: (() => void)[] = [];
  private readonly ac = new AbortController();
  private readonly summary: Promise<BatchSummary>;
  /** stopped early by failFast */
  private stopped = false;
  /** what stops the whole batch (no browser or FFmpeg, the manifest cannot be written): run() rethrows it */
  private batchError: unknown;

  constructor(private readonly o: RenderBatchOptions) {
    if (o.signal?.aborted) this.ac.abort();
    else o.signal?.addEventListener("abort", () => this.ac.abort(), { once: true });
    this.summary = this.run().then(
      (s) => {
        this.finish();
        return s;
      },
      (e) => {
        this.fatal = e;
        this.finish();
        throw e;
      },
    );
    // done() hands the rejection to the caller; don't let an un-awaited run crash the process
    this.summary.catch(() => undefined);
  }

  done(): Promise<BatchSummary> {
    return this.summary;
  }

  cancel(): void {
    this.ac.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BatchRowResult> {
    let k = 0;
    try {
      for (;;) {
        if (k < this.results.length) {
          yield this.results[k++]!;
          continue;
        }
        if (this.finished) {
          if (this.fatal !== undefined) throw this.fatal;
          return;
        }
        await new Promise<void>((r) => this.wake.push(r));
      }
    } finally {
      // leaving the loop early (break / throw in the body) stops the batch
      if (!this.finished) this.cancel();
    }
  }

  private push(r: BatchRowResult): void {
    this.results.push(r);
    this.o.onRow?.(r);
    for (const w of this.wake.splice(0)) w();
  }

  private finish(): void {
    this.finished = true;
    for (const w of this.wake.splice(0)) w();
  }

  private async run(): Promise<BatchSummary> {
    const o = this.o;
    const t0 = Date.now();
    const signal = this.ac.signal;
    const warn = (m: string, row?: number) => o.onWarning?.(m, row);

    // ---- plan: options, project, rows, output names, variables per row
    const setup = await planBatch(o);
    const { project, model, source, pattern, manifestPath, fps, transparent, hashedOptions, prepared } = setup;

    // ---- manifest: skip rows an earlier run finished with identical inputs
    const store = new ManifestStore(
      manifestPath,
      { project, composition: model.entry, compositionId: model.id, source, outputPattern: pattern, options: hashedOptions },
      prepared,
      o.resume !== false,
      (m) => warn(m),
    );
    const { toRender, reused } = store;

    // ---- concurrency and capture pages
    const { concurrency, workers } = chooseConcurrency(o, model, fps);

    // ---- rows known before any render: skipped and refused
    const progress = new ProgressTracker(prepared.length, t0, o.onProgress);
    o.onStart?.({
      total: prepared.length,
      toRender: toRender.length,
      skipped: reused.length,
      invalid: prepared.filter((p) => p.error).length,
      concurrency,
      workers,
      manifest: manifestPath,
      outputPattern: pattern,
    });
    for (const { p, prev } of reused) {
      progress.skipped++;
      this.push({ ...rowStart(p), status: "skipped", elapsedMs: 0, timings: prev.timings, warnings: [], inputHash: p.hash });
    }
    for (const p of prepared)
      if (p.error) {
        progress.failed++;
        this.push({ ...rowStart(p), status: "failed", error: p.error, elapsedMs: 0, warnings: [], inputHash: p.hash });
      }
    progress.emit();
    if (o.failFast && progress.failed > 0) {
      this.stopped = true;
      this.ac.abort();
    }

    // ---- one browser for the whole batch (relaunched if it dies), `concurrency` rows in flight
    const browser = new SharedBrowser({
      browserPath: o.browser,
      beginFrame: o.capture !== "screenshot" && !transparent,
      width: model.width,
      height: model.height,
      debug: o.debug,
      blockNetwork: !o.allowNetwork,
    });
    // videos are decoded once for the whole batch (same file, timing and fps in every row)
    const frameCache = toRender.length && model.media.some((m) => m.tag === "video") ? new VideoFrameCache() : undefined;
    const env: RowEnv = { setup, store, progress, browser, frameCache, workers, signal };
    let next = 0;
    const worker = async () => {
      while (!signal.aborted) {
        const p = toRender[next++];
        if (!p) return;
        try {
          await this.renderRow(env, p);
        } catch (e) {
          // not a row failure (e.g. the manifest cannot be written, or a callback threw): stop the batch
          this.stopWith(e);
        }
      }
    };
    try {
      if (toRender.length && !signal.aborted) await Promise.all(Array.from({ length: Math.min(concurrency, toRender.length) }, worker));
    } finally {
      await browser.close();
      frameCache?.dispose();
      const cancelled = signal.aborted && !this.stopped && this.batchError === undefined;
      store.close(this.batchError !== undefined ? "error" : cancelled ? "cancelled" : this.stopped ? "stopped" : "finished");
    }
    if (this.batchError !== undefined) throw this.batchError;

    return {
      total: prepared.length,
      done: progress.done,
      skipped: progress.skipped,
      failed: progress.failed,
      pending: progress.pending,
      cancelled: signal.aborted && !this.stopped,
      stopped: this.stopped,
      ...progress.totals(),
      concurrency,
      workers,
      browserLaunches: browser.launches,
      videoDecodes: frameCache ? { decoded: frameCache.misses, reused: frameCache.hits } : undefined,
      manifest: manifestPath,
      results: [...this.results].sort((a, b) => a.index - b.index),
    };
  }

  /** A problem that stops the whole batch (the first one wins): running rows are cancelled. */
  private stopWith(e: unknown): void {
    this.batchError ??= e;
    this.ac.abort();
  }

  /** Render one row: manifest and progress follow it; a failure is the row's own unless it stops the batch. */
  private async renderRow(env: RowEnv, p: PreparedRow): Promise<void> {
    const o = this.o;
    const { setup, store, progress, signal } = env;
    const rowWarnings: string[] = [];
    const t = { start: Date.now(), capture: 0, encode: 0, verify: 0, done: 0 };
    store.rendering(p);
    const info = rowStart(p);
    progress.rowPhase(p, "prepare", 0, 0);
    o.onRowStart?.(info);
    progress.emit();
    let browser: Awaited<ReturnType<SharedBrowser["get"]>>;
    try {
      browser = await env.browser.get();
    } catch (e) {
      // no usable browser: every row would fail the same way, so the batch stops
      progress.rowStopped(p);
      this.batchError ??= e;
      store.interrupted(p);
      this.ac.abort();
      return;
    }
    let result: RenderResult;
    try {
      result = await render({
        ...renderOnlyOptions(o),
        project: setup.project,
        composition: setup.resolved.composition,
        format: setup.format,
        output: p.output,
        variables: p.overrides,
        variablesFile: undefined,
        strictVariables: setup.resolved.strictVariables,
        workers: env.workers,
        signal,
        sharedBrowser: browser,
        videoFrameCache: env.frameCache,
        onWarning: (m) => {
          rowWarnings.push(m);
          o.onWarning?.(m, p.index + 1);
        },
        onProgress: (pr) => {
          const at = Date.now();
          if (pr.phase === "capture" && !t.capture) t.capture = at;
          if (pr.phase === "encode" && !t.encode) t.encode = at;
          if (pr.phase === "verify" && !t.verify) t.verify = at;
          if (pr.phase === "done") t.done = at;
          progress.rowPhase(p, pr.phase, pr.frame, pr.total);
          o.onRowProgress?.(info, pr);
          progress.emit();
        },
      });
    } catch (e) {
      progress.rowStopped(p);
      if (signal.aborted) {
        // interrupted (Ctrl-C, cancel(), failFast elsewhere): not this row's fault; it runs again next time
        store.interrupted(p);
        progress.emit();
        return;
      }
      if (e instanceof EnvironmentError) {
        // no usable FFmpeg / browser: every row would fail the same way, so the batch stops
        this.batchError ??= e;
        store.interrupted(p);
        this.ac.abort();
        return;
      }
      const err = toHfError(e);
      const elapsedMs = Date.now() - t.start;
      progress.failed++;
      store.failed(p, err, elapsedMs, rowWarnings);
      this.push({ ...info, status: "failed", error: err, elapsedMs, warnings: rowWarnings, inputHash: p.hash });
      progress.emit();
      if (o.failFast) {
        this.stopped = true;
        this.ac.abort();
      }
      return;
    }
    progress.rowStopped(p);
    const timings = rowTimings(t, Date.now());
    store.done(p, result, timings, rowWarnings);
    progress.rowDone(timings.totalMs);
    this.push({ ...info, status: "done", result, elapsedMs: timings.totalMs, timings, warnings: rowWarnings, inputHash: p.hash });
    progress.emit();
  }
}

function rowStart(p: PreparedRow): BatchRowStart {
  return { index: p.index, row: p.index + 1, output: p.output, data: p.data };
}

/** A finished row's phase times, from when each phase started (`t`) and when the render returned (`end`). */
function rowTimings(t: { start: number; capture: number; encode: number; verify: number; done: number }, end: number): RowTimings {
  const captureStart = t.capture || t.start;
  const encodeStart = t.encode || captureStart;
  const verifyStart = t.verify || t.done || end;
  return {
    prepareMs: captureStart - t.start,
    captureMs: encodeStart - captureStart,
    encodeMs: verifyStart - encodeStart,
    verifyMs: t.verify ? (t.done || end) - t.verify : 0,
    totalMs: end - t.start,
  };
}


/**
 * Render one video per row. Returns at once; the batch runs in the background. Iterate the returned run
 * (`for await (const r of run)`) for row results as they finish, pass `onRow`, and/or `await run.done()`
 * for the summary. Rows that fail are reported and the others continue (unless `failFast`).
 */
export function renderBatch(opts: RenderBatchOptions): BatchRun {
  return new Run(opts);
}
