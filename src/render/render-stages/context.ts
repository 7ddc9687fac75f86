/**
 * The state render() passes from stage to stage (render.ts runs them in order): the caller's options, the plan
 * (plan.ts), what the render says while it runs (RenderReporter: warnings, progress reports, the long-render
 * note) and what it has started (RenderResources in teardown.ts). A stage reads what it needs here, records what
 * it starts in `live` (so teardown stops it whatever happens next) and returns what later stages use.
 */
import { RenderCancelledError, type CompositionError } from "../../errors.js";
import { refusalError } from "../render-checks.js";
import type { RenderOptions, RenderProgress } from "../render-types.js";
import { longRender } from "../workload.js";
import type { RenderPlan } from "./plan.js";
import type { RenderResources } from "./teardown.js";

/** A progress report as a stage gives it (the reporter adds the phase, the total and the elapsed time). */
export type StageProgress = Omit<RenderProgress, "elapsedMs" | "phase" | "total" | "encoded"> & { encoded?: number };

/** What a render says while it runs: warnings (kept for the result, passed to onWarning) and progress. */
export class RenderReporter {
  readonly t0 = Date.now();
  readonly warnings: string[] = [];
  /** frames to render; 0 until known (no report before: a total of 0 would be no progress at all) */
  total = 0;
  private noted = false;

  constructor(private readonly opts: RenderOptions) {}

  readonly warn = (m: string): void => {
    this.warnings.push(m);
    this.opts.onWarning?.(m);
  };

  readonly progress = (p: StageProgress): void => {
    if (!this.total) return;
    const phase: RenderProgress["phase"] = p.stage === "capture" || p.stage === "encode" || p.stage === "verify" || p.stage === "done" ? p.stage : "prepare";
    this.opts.onProgress?.({ phase, ...p, total: this.total, encoded: p.encoded ?? 0, elapsedMs: Date.now() - this.t0 });
  };

  /** A long render says its frame count and a rough estimate first (once, as soon as the length is known). */
  noteLength(frames: number, plan: Pick<RenderPlan, "fps" | "width" | "height" | "quality" | "workers">): void {
    const long = !this.noted && longRender(frames, plan.fps, plan.width, plan.height, plan.quality, plan.workers);
    this.noted = true;
    if (long) this.opts.onLongRender?.(long);
  }
}

export interface RenderContext {
  readonly opts: RenderOptions;
  readonly plan: RenderPlan;
  readonly reporter: RenderReporter;
  /** everything started so far (servers, browsers, pages, the encoder, temp files) */
  readonly live: RenderResources;
}

export function throwIfAborted(ctx: RenderContext): void {
  if (ctx.opts.signal?.aborted) throw new RenderCancelledError();
}

/** The error for what the render refused (files outside the project, network requests); undefined: nothing was. */
export function refusalOf(ctx: RenderContext, cause?: unknown): CompositionError | undefined {
  const server = ctx.live.server;
  return server && refusalError(server.refusals, ctx.plan.composition, cause);
}

/** Fail with what the render refused, if anything. */
export function checkRefusals(ctx: RenderContext, cause?: unknown): void {
  const e = refusalOf(ctx, cause);
  if (e) throw e;
}
