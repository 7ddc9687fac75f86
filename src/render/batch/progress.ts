/**
 * Batch renders — progress: row counts, the rows rendering right now and their phase, per-row render
 * times; emits BatchProgress events and computes the summary's rates.
 */
import type { RenderProgress } from "../render.js";
import type { BatchProgress, BatchSummary, PreparedRow } from "./types.js";

export class ProgressTracker {
  done = 0;
  failed = 0;
  skipped = 0;
  private readonly running = new Map<number, BatchProgress["running"][number]>();
  /** render times of the rows done by this run */
  private readonly renderTimes: number[] = [];

  constructor(
    private readonly total: number,
    private readonly t0: number,
    private readonly onProgress?: (progress: BatchProgress) => void,
  ) {}

  /** rows not finished yet (includes the running rows) */
  get pending(): number {
    return this.total - this.done - this.skipped - this.failed;
  }

  /** a row is rendering (or just started: phase "prepare") */
  rowPhase(p: PreparedRow, phase: RenderProgress["phase"], frame: number, frames: number): void {
    this.running.set(p.index, { index: p.index, row: p.index + 1, output: p.output, phase, frame, frames });
  }

  /** a row stopped rendering (finished, failed or interrupted) */
  rowStopped(p: PreparedRow): void {
    this.running.delete(p.index);
  }

  rowDone(totalMs: number): void {
    this.done++;
    this.renderTimes.push(totalMs);
  }

  emit(): void {
    if (!this.onProgress) return;
    const elapsedMs = Date.now() - this.t0;
    const rate = this.done / Math.max(elapsedMs / 60000, 1e-9);
    const remaining = this.total - this.done - this.failed - this.skipped;
    this.onProgress({
      total: this.total,
      done: this.done,
      skipped: this.skipped,
      failed: this.failed,
      pending: remaining,
      running: [...this.running.values()].sort((a, b) => a.index - b.index),
      elapsedMs,
      rowsPerMinute: this.done ? rate : 0,
      etaSeconds: this.done ? (remaining / rate) * 60 : NaN,
    });
  }

  /** wall time, rate and per-row render times for the summary */
  totals(): Pick<BatchSummary, "elapsedMs" | "rowsPerMinute" | "rowTimes"> {
    const elapsedMs = Date.now() - this.t0;
    const sorted = [...this.renderTimes].sort((a, b) => a - b);
    return {
      elapsedMs,
      rowsPerMinute: this.done / Math.max(elapsedMs / 60000, 1e-9),
      rowTimes: sorted.length
        ? {
            minMs: sorted[0]!,
            medianMs: sorted[Math.floor((sorted.length - 1) / 2)]!,
            maxMs: sorted[sorted.length - 1]!,
            meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
          }
        : null,
    };
  }
}
