/**
 * Batch renders — one row's render: what every row shares within a run (RowEnv), the row's own state while it
 * renders (RowRun: its start, when each phase began, its warnings), the render() options it gets, and its
 * phase times once done. The Run in batch.ts decides what a row's success or failure means for the batch.
 */
import { HyperframesError, RenderError } from "../../errors.js";
import type { RowTimings } from "../../data/manifest.js";
import type { VideoFrameCache } from "../frame-cache.js";
import type { LaunchedBrowser } from "../launch.js";
import type { RenderOptions } from "../render.js";
import type { BatchSetup } from "./plan.js";
import type { ManifestStore } from "./manifest-store.js";
import type { ProgressTracker } from "./progress.js";
import type { SharedBrowser } from "./shared-browser.js";
import type { BatchRowStart, PreparedRow, RenderBatchOptions } from "./types.js";

/** What every row's render shares within one run. */
export interface RowEnv {
  setup: BatchSetup;
  store: ManifestStore;
  progress: ProgressTracker;
  browser: SharedBrowser;
  frameCache: VideoFrameCache | undefined;
  /** rows rendered at once */
  concurrency: number;
  /** capture pages per row's render */
  workers: number | undefined;
  signal: AbortSignal;
}

/** When a row's phases began (0: not reached). */
export interface PhaseTimes {
  start: number;
  capture: number;
  encode: number;
  verify: number;
  done: number;
}

/** One row while it renders. */
export interface RowRun {
  p: PreparedRow;
  info: BatchRowStart;
  t: PhaseTimes;
  /** the warnings its render gave */
  warnings: string[];
}

export function rowStart(p: PreparedRow): BatchRowStart {
  return { index: p.index, row: p.index + 1, output: p.output, data: p.data };
}

export function startRow(p: PreparedRow): RowRun {
  return { p, info: rowStart(p), t: { start: Date.now(), capture: 0, encode: 0, verify: 0, done: 0 }, warnings: [] };
}

export function toHfError(e: unknown): HyperframesError {
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

/** The render() options of one row: its output and variables, the shared browser, and callbacks that track its phases. */
export function rowRenderOptions(o: RenderBatchOptions, env: RowEnv, row: RowRun, browser: LaunchedBrowser): RenderOptions {
  const { setup, progress } = env;
  const { p, info, t } = row;
  return {
    ...renderOnlyOptions(o),
    project: setup.project,
    composition: setup.resolved.composition,
    format: setup.format,
    output: p.output,
    variables: p.overrides,
    variablesFile: undefined,
    strictVariables: setup.resolved.strictVariables,
    workers: env.workers,
    signal: env.signal,
    sharedBrowser: browser,
    videoFrameCache: env.frameCache,
    onWarning: (m) => {
      row.warnings.push(m);
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
  };
}

/** A finished row's phase times, from when each phase started (`t`) and when the render returned (`end`). */
export function rowTimings(t: PhaseTimes, end: number): RowTimings {
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
