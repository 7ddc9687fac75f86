/**
 * Batch renders — the plan: options and project resolved, rows read and checked, output names and the
 * manifest path chosen, every row's variables merged (a bad row fails alone) and its input hash computed;
 * then the rows in flight and capture pages per render.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { loadComposition } from "../../compose/model.js";
import { mergeVariables, readVariableOverrides } from "../../compose/variables.js";
import type { CompositionModel } from "../../compose/types.js";
import { assertProjectFolder } from "../../compose/project-dir.js";
import { UsageError, VariablesError } from "../../errors.js";
import { coerceRow, readRows, rowsFormatFor } from "../../data/rows.js";
import { analyzePattern, planOutputs, VIDEO_EXTENSIONS } from "../../data/output-pattern.js";
import { hashFiles, inputHash } from "../../data/manifest.js";
import { chooseWorkers, frameCountFor } from "../render.js";
import { resolveOptions, FORMAT_TRAITS, type Format, type Quality } from "../options.js";
import { outputStem } from "../output-name.js";
import type { PreparedRow, RenderBatchOptions } from "./types.js";

/** Everything decided before the manifest is read. */
export interface BatchSetup {
  cwd: string;
  resolved: { fps?: number; quality: Quality; format: Format; crf?: number; composition: string; strictVariables: boolean };
  /** absolute project folder */
  project: string;
  model: CompositionModel;
  /** the rows file, when the rows came from one */
  source: string | undefined;
  format: Format;
  pattern: string;
  manifestPath: string | undefined;
  fps: number;
  transparent: boolean;
  /** render options that are part of every row's input hash */
  hashedOptions: Record<string, unknown>;
  prepared: PreparedRow[];
}

/** Resolve the options, read the project and the rows, name the outputs and prepare every row. */
export async function planBatch(o: RenderBatchOptions): Promise<BatchSetup> {
  const cwd = o.cwd ?? process.cwd();
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
  return { cwd, resolved, project, model, source, format, pattern, manifestPath, fps, transparent, hashedOptions, prepared };
}

/**
 * Default rows in flight: 2 when there are 2+ cores (the capture pages are then split between the two
 * renders, so rows × pages ≈ cores), else 1. Two rows beat one row with twice the pages because one row's
 * page load, encode tail and verification overlap the other's capture (measured on 2 cores: 4 rows of a
 * 960x540 3 s composition in 3.7 s vs 4.4 s; 6 tiny rows in 0.9 s vs 1.1 s).
 */
export function defaultConcurrency(cores = availableParallelism()): number {
  return cores >= 2 ? 2 : 1;
}

/** Rows in flight and capture pages per render (undefined: chosen per render). */
export function chooseConcurrency(o: RenderBatchOptions, model: CompositionModel, fps: number): { concurrency: number; workers: number | undefined } {
  const cores = availableParallelism();
  const frameEstimate = frameCountFor(model.duration > 0 ? model.duration : 5, fps);
  const perRender = chooseWorkers(frameEstimate, model.width * model.height, o.workers);
  const concurrency = o.concurrency ?? defaultConcurrency(cores);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
    throw new UsageError("invalid_option", `--concurrency must be an integer from 1 to 16, got ${concurrency}`, { hint: "e.g. --concurrency 2" });
  const workers = o.workers ?? (concurrency > 1 ? Math.max(1, Math.min(perRender, Math.floor(cores / concurrency))) : undefined);
  return { concurrency, workers };
}
