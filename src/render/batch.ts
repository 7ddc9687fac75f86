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
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { loadComposition } from "../compose/model.js";
import { mergeVariables, readVariableOverrides } from "../compose/variables.js";
import type { CompositionModel } from "../compose/types.js";
import { EnvironmentError, HyperframesError, RenderError, UsageError, VariablesError } from "../errors.js";
import { coerceRow, readRows, rowsFormatFor, type Row } from "../data/rows.js";
import { analyzePattern, planOutputs, VIDEO_EXTENSIONS } from "../data/output-pattern.js";
import {
  hashFiles,
  inputHash,
  loadManifest,
  saveManifest,
  type BatchManifest,
  type ManifestRow,
  type RowTimings,
} from "../data/manifest.js";
import { chooseWorkers, frameCountFor, render, type RenderOptions, type RenderProgress, type RenderResult } from "./render.js";
import { launchBrowser, type LaunchedBrowser } from "./launch.js";
import { VideoFrameCache } from "./frame-cache.js";
import { resolveOptions, FORMAT_TRAITS, type Format, type Quality } from "./options.js";
import { outputSize } from "./output-files.js";
import { outputStem } from "./output-name.js";
import { assertProjectFolder } from "../compose/project-dir.js";

export type { Row } from "../data/rows.js";
export type { BatchManifest, ManifestRow, ManifestRowStatus, RowTimings } from "../data/manifest.js";

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

const now = () => new Date().toISOString();

/**
 * Default rows in flight: 2 when there are 2+ cores (the capture pages are then split between the two
 * renders, so rows × pages ≈ cores), else 1. Two rows beat one row with twice the pages because one row's
 * page load, encode tail and verification overlap the other's capture (measured on 2 cores: 4 rows of a
 * 960x540 3 s composition in 3.7 s vs 4.4 s; 6 tiny rows in 0.9 s vs 1.1 s).
 */
export function defaultConcurrency(cores = availableParallelism()): number {
  return cores >= 2 ? 2 : 1;
}

function toHfError(e: unknown): HyperframesError {
  if (e instanceof HyperframesError) return e;
  const msg = (e as Error)?.message ?? String(e);
  return new RenderError("render_failed", `render failed: ${msg.split("\n")[0]}`, { cause: e, hint: "run again with --debug for details" });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove temp outputs (`.<name>.hf-tmp-<pid>-…`) left next to `output` by a killed process. */
function removeStaleTemps(output: string): void {
  const dir = path.dirname(output);
  if (!existsSync(dir)) return;
  const prefix = `.${path.basename(output)}.hf-tmp-`;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(f.slice(prefix.length))?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) rmSync(path.join(dir, f), { recursive: true, force: true });
  }
}

interface PreparedRow {
  index: number;
  data: Row;
  /** the variables passed to render (base + row fields, minus naming-only fields) */
  overrides: Record<string, unknown>;
  values?: Record<string, unknown>;
  error?: HyperframesError;
  output: string;
  hash: string;
}

class Run implements BatchRun {
  private readonly results: BatchRowResult[] = [];
  private finished = false;
  private fatal: unknown;
  private wake: (() => void)[] = [];
  private readonly ac = new AbortController();
  private readonly summary: Promise<BatchSummary>;

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
    const cwd = o.cwd ?? process.cwd();

    // ---- options, project, rows
    const resolved = resolveOptions<{ fps?: number; quality: Quality; format: Format; crf?: number; composition: string; strictVariables: boolean }>(
      "local",
      { ...(o as unknown as Record<string, unknown>), variables: undefined, format: o.format },
    );
    const project = assertProjectFolder(path.resolve(cwd, o.project), "--composition");
    const model: CompositionModel = await loadComposition(project, { entry: resolved.composition, entryFlag: "--composition" });
    const source = typeof o.rows === "string" ? path.resolve(cwd, o.rows) : undefined;
    const rawRows = typeof o.rows === "string" ? await readRows(source!) : o.rows;
    if (!Array.isArray(rawRows) || rawRows.length === 0)
      throw new UsageError("invalid_batch_rows", "the batch has no rows", { hint: "pass at least one row (an object of variable values)" });
    rawRows.forEach((r, i) => {
      if (!r || typeof r !== "object" || Array.isArray(r))
        throw new UsageError("invalid_batch_rows", `row ${i + 1} is not an object of variable values`, { hint: '[{"title": "A"}, {"title": "B"}]' });
    });
    const coerce = o.coerce ?? (source !== undefined && rowsFormatFor(source) === "csv");
    const rows = rawRows.map((r) => (coerce ? coerceRow(r, model.variables) : { ...r }));
    const base = readVariableOverrides({ variables: o.variables, variablesFile: o.variablesFile });

    // ---- format and output names
    const explicitPattern = o.outputPattern !== undefined;
    const patternInfo = explicitPattern ? analyzePattern(o.outputPattern!) : undefined;
    let format: Format = resolved.format;
    const patExt = patternInfo?.extension;
    if (patExt && (VIDEO_EXTENSIONS as readonly string[]).includes(patExt) && patExt !== FORMAT_TRAITS[format].extension) {
      if (o.format !== undefined)
        throw new UsageError("invalid_option", `--output-pattern ends in .${patExt} but --format is ${o.format}`, {
          hint: FORMAT_TRAITS[o.format].extension ? `use .${o.format} in the pattern, or --format ${patExt}` : `a ${o.format} is a folder: leave .${patExt} out of the pattern`,
        });
      format = patExt as Format;
    }
    const extension = FORMAT_TRAITS[format].extension;
    const pattern = o.outputPattern ?? path.join(project, "renders", `{id}_{index}${extension ? `.${extension}` : ""}`);
    // the default names follow the project folder when the id is generic ("main"); {id} in a pattern is the id
    const outputs = planOutputs(pattern, rows, { id: explicitPattern ? model.id || path.basename(project) : outputStem(model.id, project), format, cwd });
    const manifestPath =
      o.manifest === false
        ? undefined
        : o.manifest
          ? path.resolve(cwd, o.manifest)
          : explicitPattern
            ? path.resolve(cwd, patternInfo!.staticDir, "batch-manifest.json")
            : path.join(project, "renders", "batch-manifest.json");

    // ---- variables per row (a bad row fails alone) and input hashes
    const fps = resolved.fps ?? model.fps ?? 30;
    const transparent = FORMAT_TRAITS[format].transparent;
    const hashedOptions = {
      composition: model.entry,
      fps,
      quality: resolved.quality,
      format,
      crf: resolved.crf,
      frames: o.frames,
      capture: o.capture && o.capture !== "auto" ? o.capture : undefined,
    };
    const fileHashes = hashFiles(project, model.files);
    const declared = new Set(model.variables.map((d) => d.id));
    const namingFields = new Set([...pattern.matchAll(/\{row\.([^{}]+)\}/g)].map((m) => m[1]!));
    const prepared: PreparedRow[] = rows.map((data, index) => {
      const overrides: Record<string, unknown> = { ...base };
      // fields only used to name the file (e.g. an "id" column) are not variables
      for (const [k, v] of Object.entries(data)) if (declared.has(k) || !namingFields.has(k)) overrides[k] = v;
      const p: PreparedRow = { index, data, overrides, output: outputs[index]!, hash: "" };
      try {
        p.values = mergeVariables(model.variables, overrides, { strict: resolved.strictVariables }).values;
      } catch (e) {
        if (!(e instanceof VariablesError)) throw e;
        p.error = new VariablesError(e.code, `row ${index + 1}: ${e.message}`, { hint: e.hint, data: { ...e.data, row: index + 1 } });
      }
      p.hash = inputHash(fileHashes, p.values ?? overrides, hashedOptions);
      return p;
    });

    // ---- manifest: skip rows an earlier run finished with identical inputs
    const previous = manifestPath && o.resume !== false ? loadManifest(manifestPath, (m) => warn(m)) : undefined;
    const prevByOutput = new Map<string, ManifestRow>();
    for (const r of previous?.rows ?? []) if (r && typeof r.output === "string") prevByOutput.set(r.output, r);
    const manifest: BatchManifest = {
      kind: "hyperframes-batch-manifest",
      version: 1,
      project,
      composition: model.entry,
      compositionId: model.id,
      source,
      outputPattern: pattern,
      options: hashedOptions,
      state: "running",
      startedAt: now(),
      updatedAt: now(),
      counts: { total: 0, pending: 0, rendering: 0, done: 0, skipped: 0, failed: 0 },
      rows: [],
    };
    const toRender: PreparedRow[] = [];
    const reused: { p: PreparedRow; prev: ManifestRow }[] = [];
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
        reused.push({ p, prev });
      } else toRender.push(p);
      manifest.rows.push(mrow);
    }
    const save = () => {
      if (manifestPath) saveManifest(manifestPath, manifest);
    };
    save();

    // ---- concurrency and capture pages
    const cores = availableParallelism();
    const frameEstimate = frameCountFor(model.duration > 0 ? model.duration : 5, fps);
    const perRender = chooseWorkers(frameEstimate, model.width * model.height, o.workers);
    const concurrency = o.concurrency ?? defaultConcurrency(cores);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
      throw new UsageError("invalid_option", `--concurrency must be an integer from 1 to 16, got ${concurrency}`, { hint: "e.g. --concurrency 2" });
    const workers = o.workers ?? (concurrency > 1 ? Math.max(1, Math.min(perRender, Math.floor(cores / concurrency))) : undefined);

    // ---- progress bookkeeping
    let doneCount = 0;
    let failedCount = 0;
    let skippedCount = 0;
    const running = new Map<number, BatchProgress["running"][number]>();
    const renderTimes: number[] = [];
    const emitProgress = () => {
      if (!o.onProgress) return;
      const elapsedMs = Date.now() - t0;
      const rate = doneCount / Math.max(elapsedMs / 60000, 1e-9);
      const remaining = prepared.length - doneCount - failedCount - skippedCount;
      o.onProgress({
        total: prepared.length,
        done: doneCount,
        skipped: skippedCount,
        failed: failedCount,
        pending: remaining,
        running: [...running.values()].sort((a, b) => a.index - b.index),
        elapsedMs,
        rowsPerMinute: doneCount ? rate : 0,
        etaSeconds: doneCount ? (remaining / rate) * 60 : NaN,
      });
    };
    const start = (p: PreparedRow): BatchRowStart => ({ index: p.index, row: p.index + 1, output: p.output, data: p.data });

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
      skippedCount++;
      this.push({ ...start(p), status: "skipped", elapsedMs: 0, timings: prev.timings, warnings: [], inputHash: p.hash });
    }
    for (const p of prepared)
      if (p.error) {
        failedCount++;
        this.push({ ...start(p), status: "failed", error: p.error, elapsedMs: 0, warnings: [], inputHash: p.hash });
      }
    emitProgress();
    let stopped = false;
    if (o.failFast && failedCount > 0) {
      stopped = true;
      this.ac.abort();
    }

    // ---- one browser for the whole batch (relaunched if it dies)
    let launched: LaunchedBrowser | undefined;
    let launching: Promise<LaunchedBrowser> | undefined;
    let launches = 0;
    const wantBeginFrame = o.capture !== "screenshot" && !transparent;
    const getBrowser = async (): Promise<LaunchedBrowser> => {
      if (launched && launched.browser.connected) return launched;
      if (!launching) {
        const old = launched;
        launching = (async () => {
          await old?.close();
          launches++;
          launched = await launchBrowser({ browserPath: o.browser, beginFrame: wantBeginFrame, width: model.width, height: model.height, debug: o.debug, blockNetwork: !o.allowNetwork });
          return launched;
        })().finally(() => (launching = undefined));
      }
      return launching;
    };

    const {
      rows: _rows, coerce: _coerce, outputPattern: _pattern, cwd: _cwd, concurrency: _conc, failFast: _ff, manifest: _manifest, resume: _resume,
      onRowStart: _a, onStart: _s, onRow: _b, onRowProgress: _c, onProgress: _d, onWarning: _e, signal: _f, variables: _g, variablesFile: _h, project: _i,
      ...renderOnly
    } = o;
    // videos are decoded once for the whole batch (same file, timing and fps in every row)
    const frameCache = toRender.length && model.media.some((m) => m.tag === "video") ? new VideoFrameCache() : undefined;
    let fatal: unknown;
    const renderRow = async (p: PreparedRow) => {
      const mrow = manifest.rows[p.index]!;
      const rowWarnings: string[] = [];
      const t = { start: Date.now(), capture: 0, encode: 0, verify: 0, done: 0 };
      removeStaleTemps(p.output);
      Object.assign(mrow, { status: "rendering", startedAt: now(), error: undefined, finishedAt: undefined, timings: undefined, warnings: undefined });
      save();
      const info = start(p);
      running.set(p.index, { index: p.index, row: p.index + 1, output: p.output, phase: "prepare", frame: 0, frames: 0 });
      o.onRowStart?.(info);
      emitProgress();
      let browser: LaunchedBrowser;
      try {
        browser = await getBrowser();
      } catch (e) {
        // no usable browser: every row would fail the same way, so the batch stops
        running.delete(p.index);
        fatal ??= e;
        Object.assign(mrow, { status: "pending", startedAt: undefined });
        save();
        this.ac.abort();
        return;
      }
      let result: RenderResult;
      try {
        result = await render({
          ...renderOnly,
          project,
          composition: resolved.composition,
          format,
          output: p.output,
          variables: p.overrides,
          variablesFile: undefined,
          strictVariables: resolved.strictVariables,
          workers,
          signal,
          sharedBrowser: browser,
          videoFrameCache: frameCache,
          onWarning: (m) => {
            rowWarnings.push(m);
            warn(m, p.index + 1);
          },
          onProgress: (pr) => {
            const at = Date.now();
            if (pr.phase === "capture" && !t.capture) t.capture = at;
            if (pr.phase === "encode" && !t.encode) t.encode = at;
            if (pr.phase === "verify" && !t.verify) t.verify = at;
            if (pr.phase === "done") t.done = at;
            running.set(p.index, { index: p.index, row: p.index + 1, output: p.output, phase: pr.phase, frame: pr.frame, frames: pr.total });
            o.onRowProgress?.(info, pr);
            emitProgress();
          },
        });
      } catch (e) {
        running.delete(p.index);
        if (signal.aborted) {
          // interrupted (Ctrl-C, cancel(), failFast elsewhere): not this row's fault; it runs again next time
          Object.assign(mrow, { status: "pending", startedAt: undefined });
          save();
          emitProgress();
          return;
        }
        if (e instanceof EnvironmentError) {
          // no usable FFmpeg / browser: every row would fail the same way, so the batch stops
          fatal ??= e;
          Object.assign(mrow, { status: "pending", startedAt: undefined });
          save();
          this.ac.abort();
          return;
        }
        const err = toHfError(e);
        const elapsedMs = Date.now() - t.start;
        Object.assign(mrow, {
          status: "failed",
          error: { code: err.code, message: err.message, hint: err.hint },
          finishedAt: now(),
          timings: { prepareMs: 0, captureMs: 0, encodeMs: 0, verifyMs: 0, totalMs: elapsedMs },
          warnings: rowWarnings.length ? rowWarnings : undefined,
        });
        failedCount++;
        save();
        this.push({ ...info, status: "failed", error: err, elapsedMs, warnings: rowWarnings, inputHash: p.hash });
        emitProgress();
        if (o.failFast) {
          stopped = true;
          this.ac.abort();
        }
        return;
      }
      running.delete(p.index);
      const end = Date.now();
      const captureStart = t.capture || t.start;
      const encodeStart = t.encode || captureStart;
      const verifyStart = t.verify || t.done || end;
      const timings: RowTimings = {
        prepareMs: captureStart - t.start,
        captureMs: encodeStart - captureStart,
        encodeMs: verifyStart - encodeStart,
        verifyMs: t.verify ? (t.done || end) - t.verify : 0,
        totalMs: end - t.start,
      };
      Object.assign(mrow, {
        status: "done",
        finishedAt: now(),
        timings,
        frames: result.frames,
        sizeBytes: result.sizeBytes,
        warnings: rowWarnings.length ? rowWarnings : undefined,
      });
      doneCount++;
      renderTimes.push(timings.totalMs);
      save();
      this.push({ ...info, status: "done", result, elapsedMs: timings.totalMs, timings, warnings: rowWarnings, inputHash: p.hash });
      emitProgress();
    };

    let next = 0;
    const worker = async () => {
      while (!signal.aborted) {
        const p = toRender[next++];
        if (!p) return;
        try {
          await renderRow(p);
        } catch (e) {
          // not a row failure (e.g. the manifest cannot be written, or a callback threw): stop the batch
          fatal ??= e;
          this.ac.abort();
        }
      }
    };
    try {
      if (toRender.length && !signal.aborted) await Promise.all(Array.from({ length: Math.min(concurrency, toRender.length) }, worker));
    } finally {
      await launched?.close();
      frameCache?.dispose();
      // anything still marked rendering (a thrown error) goes back to pending
      for (const r of manifest.rows) if (r.status === "rendering") Object.assign(r, { status: "pending", startedAt: undefined });
      const cancelled = signal.aborted && !stopped && fatal === undefined;
      manifest.state = fatal !== undefined ? "error" : cancelled ? "cancelled" : stopped ? "stopped" : "finished";
      manifest.finishedAt = now();
      save();
    }
    if (fatal !== undefined) throw fatal;

    const elapsedMs = Date.now() - t0;
    const sorted = [...renderTimes].sort((a, b) => a - b);
    const results = [...this.results].sort((a, b) => a.index - b.index);
    return {
      total: prepared.length,
      done: doneCount,
      skipped: skippedCount,
      failed: failedCount,
      pending: prepared.length - doneCount - skippedCount - failedCount,
      cancelled: signal.aborted && !stopped,
      stopped,
      elapsedMs,
      rowsPerMinute: doneCount / Math.max(elapsedMs / 60000, 1e-9),
      rowTimes: sorted.length
        ? {
            minMs: sorted[0]!,
            medianMs: sorted[Math.floor((sorted.length - 1) / 2)]!,
            maxMs: sorted[sorted.length - 1]!,
            meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
          }
        : null,
      concurrency,
      workers,
      browserLaunches: launches,
      videoDecodes: frameCache ? { decoded: frameCache.misses, reused: frameCache.hits } : undefined,
      manifest: manifestPath,
      results,
    };
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
