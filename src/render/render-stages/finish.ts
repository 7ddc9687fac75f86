/**
 * Stage 6 of render(): the output checked (verify.ts: frames, duration, audio, not all black; an all-black output
 * after a page error names that error), moved into place, and the result: what was rendered, how, with which
 * browser, and the warnings said on the way. The last progress report ("done") comes from here.
 */
import { OutputVerificationError } from "../../errors.js";
import { commitOutput, outputSize } from "../output-files.js";
import type { RenderResult } from "../render-types.js";
import { verifyOutput, type VerifyReport } from "../verify.js";
import type { Captured } from "./capture-encode.js";
import type { RenderContext } from "./context.js";
import type { RenderMedia } from "./media.js";
import type { PageSetup } from "./page.js";
import type { WorkerPool } from "./workers.js";

/** Read the partial output back (unless --no-verify). */
async function verify(ctx: RenderContext, page: PageSetup, media: RenderMedia, captured: Captured): Promise<VerifyReport | undefined> {
  const { opts, plan, reporter } = ctx;
  const { frameCount } = page;
  if (opts.verify === false) return undefined;
  reporter.progress({ stage: "verify", stageProgress: 0, frame: frameCount, encoded: frameCount, fps: frameCount / captured.captureSeconds, etaSeconds: 0, message: "checking the output" });
  try {
    const { fps, width, height, transparent, format } = plan;
    return await verifyOutput(plan.prepared.tmp, { frames: frameCount, fps, width, height, audio: !!media.audioFile, skipBlackCheck: transparent, format, firstFrame: page.range.start });
  } catch (e) {
    // an all-black render after a page error: the error is the likely cause, so say it in the message
    if (e instanceof OutputVerificationError && e.code === "output_all_black" && page.report.errors.length)
      throw new OutputVerificationError("output_all_black", `every sampled frame of the render is black; the page threw during load: ${page.report.errors[0]}`, {
        file: e.file,
        hint: "fix that script error (run with --debug to see the browser console); pass --no-verify if black is intended",
        cause: e,
      });
    throw e;
  }
}

export async function finishRender(ctx: RenderContext, page: PageSetup, media: RenderMedia, workers: WorkerPool, captured: Captured): Promise<RenderResult> {
  const { plan, reporter, live } = ctx;
  const { output } = plan;
  const { frameCount, launched } = page;
  const verified = await verify(ctx, page, media, captured);
  commitOutput(plan.prepared.tmp, output);
  live.committed = true;
  const caps = launched.capabilities;
  const result: RenderResult = {
    output,
    frames: frameCount,
    durationSeconds: frameCount / plan.fps,
    fps: plan.fps,
    width: plan.width,
    height: plan.height,
    format: plan.format,
    quality: plan.quality,
    elapsedMs: Date.now() - reporter.t0,
    captureFps: frameCount / Math.max(captured.captureSeconds, 1e-3),
    workers: workers.workers,
    captureMethod: page.method,
    captureReason: page.captureReason,
    browser: launched.resolved.description,
    browserVersion: caps.version,
    browserProcess: launched.singleProcess ? "single" : "multi",
    browserProcessReason: launched.processReason,
    hasAudio: !!media.audioFile,
    reusedFrames: captured.reused,
    sizeBytes: outputSize(output),
    warnings: reporter.warnings,
    verify: verified,
    variables: plan.variables,
  };
  reporter.progress({ stage: "done", stageProgress: 1, frame: frameCount, encoded: frameCount, fps: result.captureFps, etaSeconds: 0 });
  return result;
}
