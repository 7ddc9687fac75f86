/**
 * Batch renders — the manifest store: builds this run's manifest (rows an earlier run finished with
 * identical inputs become "skipped"), owns every row's status changes as named transitions, and rewrites
 * the file after each one.
 */
import { existsSync } from "node:fs";
import type { HyperframesError } from "../../errors.js";
import { loadManifest, saveManifest, type BatchManifest, type ManifestRow, type RowTimings } from "../../data/manifest.js";
import type { RenderResult } from "../render.js";
import { outputSize } from "../output-files.js";
import type { PreparedRow } from "./types.js";

const now = () => new Date().toISOString();

/** What the manifest records about the run as a whole. */
export type ManifestHeader = Pick<BatchManifest, "project" | "composition" | "compositionId" | "source" | "outputPattern" | "options">;

export class ManifestStore {
  readonly manifest: BatchManifest;
  /** rows to render now */
  readonly toRender: PreparedRow[] = [];
  /** rows an earlier run already rendered with identical inputs */
  readonly reused: { p: PreparedRow; prev: ManifestRow }[] = [];

  /**
   * Start this run's manifest from `prepared`, reusing what the manifest at `file` (when `resume`) says,
   * and write it once.
   */
  constructor(
    readonly file: string | undefined,
    header: ManifestHeader,
    prepared: PreparedRow[],
    resume: boolean,
    warn: (m: string) => void,
  ) {
    // ---- skip rows an earlier run finished with identical inputs
    const previous = file && resume ? loadManifest(file, (m) => warn(m)) : undefined;
    const prevByOutput = new Map<string, ManifestRow>();
    for (const r of previous?.rows ?? []) if (r && typeof r.output === "string") prevByOutput.set(r.output, r);
    this.manifest = {
      kind: "hyperframes-batch-manifest",
      version: 1,
      ...header,
      state: "running",
      startedAt: now(),
      updatedAt: now(),
      counts: { total: 0, pending: 0, rendering: 0, done: 0, skipped: 0, failed: 0 },
      rows: [],
    };
    for (const p of prepared) {
      const prev = prevByOutput.get(p.output);
      const mrow: ManifestRow = { row: p.index + 1, status: "pending", output: p.output, inputHash: p.hash };
      if (p.error) {
        Object.assign(mrow, { status: "failed", error: { code: p.error.code, message: p.error.message, hint: p.error.hint }, finishedAt: now() });
      } else if (
        prev &&
        (prev.status === "done" || prev.status === "skipped") &&
        prev.inputHash === p.hash &&
        existsSync(p.output) &&
        (prev.sizeBytes === undefined || outputSize(p.output) === prev.sizeBytes)
      ) {
        Object.assign(mrow, { status: "skipped", startedAt: prev.startedAt, finishedAt: prev.finishedAt, timings: prev.timings, frames: prev.frames, sizeBytes: prev.sizeBytes });
        this.reused.push({ p, prev });
      } else this.toRender.push(p);
      this.manifest.rows.push(mrow);
    }
    this.save();
  }

  save(): void {
    if (this.file) saveManifest(this.file, this.manifest);
  }

  private row(p: PreparedRow): ManifestRow {
    return this.manifest.rows[p.index]!;
  }

  /** pending → rendering */
  rendering(p: PreparedRow): void {
    Object.assign(this.row(p), { status: "rendering", startedAt: now(), error: undefined, finishedAt: undefined, timings: undefined, warnings: undefined });
    this.save();
  }

  /** rendering → pending: interrupted, or stopped by a batch-wide problem; it runs again next time */
  interrupted(p: PreparedRow): void {
    Object.assign(this.row(p), { status: "pending", startedAt: undefined });
    this.save();
  }

  /** rendering → failed */
  failed(p: PreparedRow, err: HyperframesError, elapsedMs: number, warnings: string[]): void {
    Object.assign(this.row(p), {
      status: "failed",
      error: { code: err.code, message: err.message, hint: err.hint },
      finishedAt: now(),
      timings: { prepareMs: 0, captureMs: 0, encodeMs: 0, verifyMs: 0, totalMs: elapsedMs },
      warnings: warnings.length ? warnings : undefined,
    });
    this.save();
  }

  /** rendering → done */
  done(p: PreparedRow, result: RenderResult, timings: RowTimings, warnings: string[]): void {
    Object.assign(this.row(p), {
      status: "done",
      finishedAt: now(),
      timings,
      frames: result.frames,
      sizeBytes: result.sizeBytes,
      warnings: warnings.length ? warnings : undefined,
    });
    this.save();
  }

  /** The run is over: rows still marked rendering (a thrown error) go back to pending; the final state is written. */
  close(state: BatchManifest["state"]): void {
    for (const r of this.manifest.rows) if (r.status === "rendering") Object.assign(r, { status: "pending", startedAt: undefined });
    this.manifest.state = state;
    this.manifest.finishedAt = now();
    this.save();
  }
}
