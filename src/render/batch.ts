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
import { EnvironmentError } from "../errors.js";
import { render, type RenderResult } from "./render.js";
import { VideoFrameCache } from "./frame-cache.js";
import { chooseConcurrency, planBatch, type BatchSetup } from "./batch/plan.js";
import { ManifestStore } from "./batch/manifest-store.js";
import { ProgressTracker } from "./batch/progress.js";
import { SharedBrowser } from "./batch/shared-browser.js";
import { rowRenderOptions, rowStart, rowTimings, startRow, toHfError, type RowEnv, type RowRun } from "./batch/row.js";
import type { BatchRowResult, BatchRun, BatchSummary, PreparedRow, RenderBatchOptions } from "./batch/types.js";

export type { Row } from "../data/rows.js";
export type { BatchManifest, ManifestRow, ManifestRowStatus, RowTimings } from "../data/manifest.js";
export type { BatchPlan, BatchProgress, BatchRowResult, BatchRowStart, BatchRun, BatchSummary, RenderBatchOptions } from "./batch/types.js";
export { defaultConcurrency } from "./batch/plan.js";

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

    // ---- plan: options, project, rows, output names, variables per row
    const setup = await planBatch(o);
    const { project, model, source, pattern, manifestPath, fps, transparent, hashedOptions, prepared } = setup;

    // ---- manifest: skip rows an earlier run finished with identical inputs
    const store = new ManifestStore(
      manifestPath,
      { project, composition: model.entry, compositionId: model.id, source, outputPattern: pattern, options: hashedOptions },
      prepared,
      o.resume !== false,
      (m) => o.onWarning?.(m, undefined),
    );

    // ---- concurrency and capture pages
    const { concurrency, workers } = chooseConcurrency(o, model, fps);

    // ---- rows known before any render: skipped and refused
    const progress = new ProgressTracker(prepared.length, t0, o.onProgress);
    this.reportKnownRows(setup, store, progress, concurrency, workers);

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
    const frameCache = store.toRender.length && model.media.some((m) => m.tag === "video") ? new VideoFrameCache() : undefined;
    const env: RowEnv = { setup, store, progress, browser, frameCache, concurrency, workers, signal };
    await this.renderRows(env);
    if (this.batchError !== undefined) throw this.batchError;
    return this.summarize(env);
  }

  /** The start of the run (onStart), then the rows known before any render: skipped (done earlier) and refused. */
  private reportKnownRows(setup: BatchSetup, store: ManifestStore, progress: ProgressTracker, concurrency: number, workers: number | undefined): void {
    const { prepared } = setup;
    const { toRender, reused } = store;
    this.o.onStart?.({
      total: prepared.length,
      toRender: toRender.length,
      skipped: reused.length,
      invalid: prepared.filter((p) => p.error).length,
      concurrency,
      workers,
      manifest: setup.manifestPath,
      outputPattern: setup.pattern,
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
    if (this.o.failFast && progress.failed > 0) {
      this.stopped = true;
      this.ac.abort();
    }
  }

  /** Render the rows `concurrency` at a time; then close the browser and the frame cache, and the manifest with how the run ended. */
  private async renderRows(env: RowEnv): Promise<void> {
    const { store, signal } = env;
    const toRender = store.toRender;
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
      if (toRender.length && !signal.aborted) await Promise.all(Array.from({ length: Math.min(env.concurrency, toRender.length) }, worker));
    } finally {
      await env.browser.close();
      env.frameCache?.dispose();
      const cancelled = signal.aborted && !this.stopped && this.batchError === undefined;
      store.close(this.batchError !== undefined ? "error" : cancelled ? "cancelled" : this.stopped ? "stopped" : "finished");
    }
  }

  private summarize(env: RowEnv): BatchSummary {
    const { progress, frameCache } = env;
    return {
      total: env.setup.prepared.length,
      done: progress.done,
      skipped: progress.skipped,
      failed: progress.failed,
      pending: progress.pending,
      cancelled: env.signal.aborted && !this.stopped,
      stopped: this.stopped,
      ...progress.totals(),
      concurrency: env.concurrency,
      workers: env.workers,
      browserLaunches: env.browser.launches,
      videoDecodes: frameCache ? { decoded: frameCache.misses, reused: frameCache.hits } : undefined,
      manifest: env.setup.manifestPath,
      results: [...this.results].sort((a, b) => a.index - b.index),
    };
  }

  /** A problem that stops the whole batch (the first one wins): running rows are cancelled. */
  private stopWith(e: unknown): void {
    this.batchError ??= e;
    this.ac.abort();
  }

  /** No usable browser or FFmpeg at this row: every row would fail the same way, so the batch stops (the row runs again next time). */
  private stopAtRow(env: RowEnv, p: PreparedRow, e: unknown): void {
    this.batchError ??= e;
    env.store.interrupted(p);
    this.ac.abort();
  }

  /** Render one row: manifest and progress follow it; a failure is the row's own unless it stops the batch. */
  private async renderRow(env: RowEnv, p: PreparedRow): Promise<void> {
    const { store, progress } = env;
    const row = startRow(p);
    store.rendering(p);
    progress.rowPhase(p, "prepare", 0, 0);
    this.o.onRowStart?.(row.info);
    progress.emit();
    let browser: Awaited<ReturnType<SharedBrowser["get"]>>;
    try {
      browser = await env.browser.get();
    } catch (e) {
      progress.rowStopped(p);
      this.stopAtRow(env, p, e);
      return;
    }
    let result: RenderResult;
    try {
      result = await render(rowRenderOptions(this.o, env, row, browser));
    } catch (e) {
      this.rowFailed(env, row, e);
      return;
    }
    progress.rowStopped(p);
    const timings = rowTimings(row.t, Date.now());
    store.done(p, result, timings, row.warnings);
    progress.rowDone(timings.totalMs);
    this.push({ ...row.info, status: "done", result, elapsedMs: timings.totalMs, timings, warnings: row.warnings, inputHash: p.hash });
    progress.emit();
  }

  /** A row's render failed: interrupted (it runs again next time), the batch's end, or the row's own failure. */
  private rowFailed(env: RowEnv, row: RowRun, e: unknown): void {
    const { store, progress } = env;
    const { p, info } = row;
    progress.rowStopped(p);
    if (env.signal.aborted) {
      // interrupted (Ctrl-C, cancel(), failFast elsewhere): not this row's fault; it runs again next time
      store.interrupted(p);
      progress.emit();
      return;
    }
    // no usable FFmpeg / browser: every row would fail the same way
    if (e instanceof EnvironmentError) return this.stopAtRow(env, p, e);
    const err = toHfError(e);
    const elapsedMs = Date.now() - row.t.start;
    progress.failed++;
    store.failed(p, err, elapsedMs, row.warnings);
    this.push({ ...info, status: "failed", error: err, elapsedMs, warnings: row.warnings, inputHash: p.hash });
    progress.emit();
    if (this.o.failFast) {
      this.stopped = true;
      this.ac.abort();
    }
  }
}

/**
 * Render one video per row. Returns at once; the batch runs in the background. Iterate the returned run
 * (`for await (const r of run)`) for row results as they finish, pass `onRow`, and/or `await run.done()`
 * for the summary. Rows that fail are reported and the others continue (unless `failFast`).
 */
export function renderBatch(opts: RenderBatchOptions): BatchRun {
  return new Run(opts);
}
