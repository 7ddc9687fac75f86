/**
 * Batch renders — the public shapes of renderBatch() (options, plan, row start/result, progress, summary,
 * the run handle) and the prepared row the stages pass around. Owns no logic.
 */
import type { HyperframesError } from "../../errors.js";
import type { Row } from "../../data/rows.js";
import type { RowTimings } from "../../data/manifest.js";
import type { RenderOptions, RenderProgress, RenderResult } from "../render.js";

type SharedRenderOptions = Omit<
  RenderOptions,
  "project" | "output" | "variables" | "variablesFile" | "signal" | "onProgress" | "onWarning" | "sharedBrowser"
>;

export interface RenderBatchOptions extends SharedRenderOptions {
  /** project directory */
  project: string;
  /** the rows (one video each), or a .json / .ndjson / .csv file to read them from */
  rows: Row[] | string;
  /** convert text values to the declared number/boolean types; default: true for CSV files, else false */
  coerce?: boolean;
  /** values applied to every row before the row's own fields (object, JSON text, or `variablesFile`) */
  variables?: Record<string, unknown> | string;
  variablesFile?: string;
  /**
   * output file names: {index} (1-based row number), {row.<field>}, {id} (composition id).
   * Relative patterns resolve against `cwd`. Default `<project>/renders/{id}_{index}.<format>`.
   */
  outputPattern?: string;
  /** folder relative output patterns resolve against (default process.cwd()) */
  cwd?: string;
  /** rows rendered at once; default 1 or 2 so that rows × capture pages ≈ CPU cores */
  concurrency?: number;
  /** stop at the first failing row (rows not started stay "pending") */
  failFast?: boolean;
  /**
   * manifest file; default `batch-manifest.json` in the output pattern's folder (the folder part before the
   * first placeholder), i.e. `<project>/renders/batch-manifest.json` for the default pattern. false: none.
   */
  manifest?: string | false;
  /** skip rows an earlier run rendered with identical inputs (default true; needs a manifest) */
  resume?: boolean;
  signal?: AbortSignal;
  /** the plan, once rows, outputs and the manifest are checked (before any render) */
  onStart?: (plan: BatchPlan) => void;
  /** a row starts rendering */
  onRowStart?: (row: BatchRowStart) => void;
  /** a row finished: done, failed or skipped */
  onRow?: (result: BatchRowResult) => void;
  /** render progress of one row */
  onRowProgress?: (row: BatchRowStart, progress: RenderProgress) => void;
  /** overall progress, after every row change and every row progress event */
  onProgress?: (progress: BatchProgress) => void;
  /** warnings; `row` is the 1-based row number when the warning is about one row */
  onWarning?: (message: string, row?: number) => void;
}

export interface BatchPlan {
  total: number;
  /** rows that will be rendered */
  toRender: number;
  /** rows an earlier run already rendered with identical inputs */
  skipped: number;
  /** rows refused before rendering (their variables do not fit the schema) */
  invalid: number;
  concurrency: number;
  workers?: number;
  manifest?: string;
  outputPattern: string;
}

export interface BatchRowStart {
  /** 0-based position in `rows` */
  index: number;
  /** 1-based row number (as in {index} and in messages) */
  row: number;
  output: string;
  data: Row;
}

export interface BatchRowResult extends BatchRowStart {
  /** done: rendered now; skipped: rendered by an earlier run with the same inputs; failed: see `error` */
  status: "done" | "failed" | "skipped";
  result?: RenderResult;
  error?: HyperframesError;
  /** wall time of this row's render (0 for skipped rows and rows whose data was refused) */
  elapsedMs: number;
  timings?: RowTimings;
  warnings: string[];
  inputHash: string;
}

export interface BatchProgress {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** not finished yet (includes the running rows) */
  pending: number;
  running: { index: number; row: number; output: string; phase: RenderProgress["phase"]; frame: number; frames: number }[];
  elapsedMs: number;
  /** rows rendered per minute so far in this run */
  rowsPerMinute: number;
  etaSeconds: number;
}

export interface BatchSummary {
  total: number;
  /** rendered by this run */
  done: number;
  /** already rendered with identical inputs */
  skipped: number;
  failed: number;
  /** not attempted (cancelled, or stopped by failFast) */
  pending: number;
  cancelled: boolean;
  /** stopped early by failFast */
  stopped: boolean;
  elapsedMs: number;
  /** rows rendered per minute of wall time */
  rowsPerMinute: number;
  /** per-row render times (rows rendered by this run) */
  rowTimes: { minMs: number; medianMs: number; maxMs: number; meanMs: number } | null;
  concurrency: number;
  /** capture pages per render (undefined: chosen per render) */
  workers?: number;
  browserLaunches: number;
  /** video clips decoded by FFmpeg vs. answered from the batch's frame cache */
  videoDecodes?: { decoded: number; reused: number };
  manifest?: string;
  /** row results in row order (pending rows are absent) */
  results: BatchRowResult[];
}

/** A running batch: iterate it for row results as they finish, or await `done()` for the summary. */
export interface BatchRun extends AsyncIterable<BatchRowResult> {
  /** the summary once every row has finished (rejects only on errors that stop the whole batch) */
  done(): Promise<BatchSummary>;
  /** stop: running rows are cancelled (back to "pending"), nothing new starts; done() resolves cancelled */
  cancel(): void;
}

/** One row after its variables were checked and its output named. */
export interface PreparedRow {
  index: number;
  data: Row;
  /** the variables passed to render (base + row fields, minus naming-only fields) */
  overrides: Record<string, unknown>;
  values?: Record<string, unknown>;
  error?: HyperframesError;
  output: string;
  hash: string;
}
