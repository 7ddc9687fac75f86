/**
 * Stage 1 of render(), before anything is started: the options resolved (an output name's extension picks the
 * format when none is given), the composition model loaded, --fps and --frames/--range checked (the exact bounds
 * once the length is known), the variables merged, the warnings the options earn, the output named, what killed
 * renders left beside it swept, and the partial output created (which proves the folder writable).
 */
import path from "node:path";
import { loadComposition } from "../../compose/model.js";
import { readVariableOverrides, mergeVariables } from "../../compose/variables.js";
import type { CompositionModel } from "../../compose/types.js";
import { frameCount } from "../../compose/timing.js";
import { assertProjectFolder } from "../../compose/project-dir.js";
import { UsageError } from "../../errors.js";
import { resolveOptions, parseFrameRange, formatForExtension, FORMAT_TRAITS, type Format, type Quality } from "../options.js";
import { QUALITY_PRESETS, type QualityPreset } from "../encode.js";
import { outputStem, timestamp } from "../output-name.js";
import { prepareOutput, type PreparedOutput } from "../output-files.js";
import { sweepStaleTemps } from "../temp-files.js";
import type { RenderOptions } from "../render-types.js";
import type { RenderReporter } from "./context.js";

export interface RenderPlan {
  /** the project folder, checked */
  project: string;
  /** the entry HTML, as resolved */
  composition: string;
  model: CompositionModel;
  fps: number;
  format: Format;
  quality: Quality;
  preset: QualityPreset;
  crf: number | undefined;
  /** --workers as asked (undefined: chosen from the workload) */
  workers: number | undefined;
  /** the format keeps alpha (captured by screenshot, as PNG) */
  transparent: boolean;
  /** the format carries audio */
  withAudio: boolean;
  width: number;
  height: number;
  /** --range in seconds, if given (resolved against the length once it is known) */
  selection: { seconds: string; fps: number } | undefined;
  /** the composition's variables with the overrides applied */
  variables: Record<string, unknown>;
  /** where the output goes (absolute) */
  output: string;
  /** the partial output, moved to `output` on success and discarded otherwise */
  prepared: PreparedOutput;
  /** requests that leave the project are refused (no --allow-network) */
  blockNetwork: boolean;
}

type ResolvedRenderOptions = { fps?: number; quality: Quality; format: Format; crf?: number; workers?: number; composition: string; strictVariables: boolean };

export async function planRender(opts: RenderOptions, reporter: RenderReporter): Promise<RenderPlan> {
  // no explicit format: an output name's extension picks it (-o clip.webm)
  const outputExt = opts.output ? path.extname(opts.output).slice(1).toLowerCase() : "";
  const impliedFormat = opts.format ?? formatForExtension(outputExt);
  const resolved = resolveOptions<ResolvedRenderOptions>("local", { ...opts, format: impliedFormat } as unknown as Record<string, unknown>);
  const project = assertProjectFolder(opts.project, "--composition");

  const model = await loadComposition(project, { entry: resolved.composition, entryFlag: "--composition" });
  // validate --frames before any browser starts (the exact bounds are checked once the length is known)
  const fps = resolved.fps ?? model.fps ?? 30;
  const selection = opts.range !== undefined ? { seconds: opts.range, fps } : undefined;
  if (model.duration > 0) {
    const r = parseFrameRange(opts.frames, frameCount(model.duration, fps), selection);
    reporter.total = r.end - r.start;
  } else if (opts.frames || selection) parseFrameRange(opts.frames, Number.MAX_SAFE_INTEGER, selection);
  if (!Number.isInteger(fps) || fps < 1 || fps > 240) throw new UsageError("invalid_option", `--fps must be an integer from 1 to 240, got ${fps}`);
  const overrides = readVariableOverrides({
    variables: typeof opts.variables === "string" || typeof opts.variables === "object" ? opts.variables : undefined,
    variablesFile: opts.variablesFile,
  });
  const merged = mergeVariables(model.variables, overrides, { strict: resolved.strictVariables });
  for (const w of merged.warnings) reporter.warn(w);

  const { format, quality } = resolved;
  const { transparent, audio: withAudio, extension } = FORMAT_TRAITS[format];
  if (resolved.crf !== undefined && (format === "gif" || !extension)) reporter.warn(`--crf does not apply to a ${format}; it is ignored`);
  if (format === "gif" && fps > 50) reporter.warn(`a gif at ${fps} fps plays slower in browsers (frame delays are in 1/100 s, and under 2/100 s they are slowed down): use --fps 25 or less`);

  const output = path.resolve(opts.output ?? path.join(project, "renders", `${outputStem(model.id, project)}_${timestamp()}${extension ? `.${extension}` : ""}`));
  // what killed renders left (temp folders, partial outputs beside this one), then the output checks
  sweepStaleTemps([path.dirname(output)]);
  const prepared = prepareOutput(output, format, opts.output);
  const plan: RenderPlan = {
    project,
    composition: resolved.composition,
    model,
    fps,
    format,
    quality,
    preset: QUALITY_PRESETS[quality],
    crf: resolved.crf,
    workers: resolved.workers,
    transparent,
    withAudio,
    width: model.width,
    height: model.height,
    selection,
    variables: merged.values,
    output,
    prepared,
    blockNetwork: !opts.allowNetwork,
  };
  if (reporter.total) reporter.noteLength(reporter.total, plan);
  return plan;
}
