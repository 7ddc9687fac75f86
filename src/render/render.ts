/**
 * `render()`: the local render pipeline, run as stages over one RenderContext (render-stages/):
 *   plan.ts      options, model, frame range, variables, output name and partial output
 *   page.ts      file server (+runtime) → browser → capture method → first page loaded (duration, frame range)
 *   media.ts     video clips decoded to frames, the audio mix, both handed to the page
 *   workers.ts   N capture pages (a browser each), ready
 *   capture-encode.ts  strided frames through a reorder buffer into FFmpeg's stdin, the encoder's tail
 *   finish.ts    verify → rename into place → the result
 *   teardown.ts  everything started is stopped on success, error or abort (no orphan Chrome/FFmpeg, no partial
 *                file), and a failure becomes the typed error it is
 */
import { frameCount } from "../compose/timing.js";
import type { RenderOptions, RenderResult } from "./render-types.js";
import { RenderReporter, type RenderContext } from "./render-stages/context.js";
import { planRender } from "./render-stages/plan.js";
import { setUpPage } from "./render-stages/page.js";
import { prepareRenderMedia } from "./render-stages/media.js";
import { startCaptureWorkers } from "./render-stages/workers.js";
import { captureAndEncode } from "./render-stages/capture-encode.js";
import { finishRender } from "./render-stages/finish.js";
import { RenderResources, renderError } from "./render-stages/teardown.js";

export { chooseWorkers } from "./workload.js";

/** The contract's frame count rule (compose/timing.ts), under the name the public API has exported. */
export const frameCountFor = frameCount;

export type { RenderStage, RenderProgress, RenderOptions, RenderResult } from "./render-types.js";
export { refusalError } from "./render-checks.js";

export async function render(opts: RenderOptions): Promise<RenderResult> {
  const reporter = new RenderReporter(opts);
  // the plan starts nothing (its last step creates the partial output, which teardown discards from here on)
  const plan = await planRender(opts, reporter);
  const live = new RenderResources(opts, plan);
  const ctx: RenderContext = { opts, plan, reporter, live };
  if (!plan.blockNetwork)
    reporter.warn("--allow-network: the composition may reach the network while rendering; what it loads can change the video from one render to the next, and it can send data out");

  try {
    const page = await setUpPage(ctx);
    const media = await prepareRenderMedia(ctx, page);
    const workers = await startCaptureWorkers(ctx, page, media);
    const captured = await captureAndEncode(ctx, page, media, workers);
    return await finishRender(ctx, page, media, workers, captured);
  } catch (e) {
    throw renderError(ctx, e);
  } finally {
    await live.release();
  }
}
