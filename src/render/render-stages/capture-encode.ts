/**
 * Stage 5 of render(): frames captured and encoded. The encoder (encode.ts) starts on the partial output, the
 * frame pipeline (frame-pipeline.ts) feeds it from the worker pool (a crashed worker is replaced once, in a new
 * browser), the pages close, and the encoder's tail (frames still inside FFmpeg) is reported as the encode stage
 * until FFmpeg exits.
 */
import { startEncoder, type Encoder } from "../encode.js";
import { runFramePipeline } from "../frame-pipeline.js";
import { checkRefusals, throwIfAborted, type RenderContext } from "./context.js";
import type { RenderMedia } from "./media.js";
import type { PageSetup } from "./page.js";
import { startWorkerSession, type WorkerPool } from "./workers.js";

export interface Captured {
  /** frames the capture pages reused (a static stretch: the previous frame unchanged) */
  reused: number;
  captureSeconds: number;
}

export async function captureAndEncode(ctx: RenderContext, page: PageSetup, media: RenderMedia, workers: WorkerPool): Promise<Captured> {
  const { opts, plan, reporter, live } = ctx;
  const encoder = (live.encoder = startEncoder({
    output: plan.prepared.tmp,
    format: plan.format,
    quality: plan.quality,
    crf: plan.crf,
    fps: plan.fps,
    width: plan.width,
    height: plan.height,
    inputFormat: page.imageFormat,
    audio: media.audioFile,
    frames: page.frameCount,
    transparent: plan.transparent,
    debug: opts.debug,
    firstFrame: page.range.start,
    workDir: live.work,
  }));

  const { reused, captureSeconds } = await runFramePipeline({
    pool: workers.pool,
    frameCount: page.frameCount,
    firstFrame: page.range.start,
    encoder,
    signal: opts.signal,
    warn: reporter.warn,
    replaceSession: async (old) => {
      await old.close().catch(() => undefined);
      return startWorkerSession(ctx, page, media, true);
    },
    progress: reporter.progress,
  });
  checkRefusals(ctx);
  for (const s of workers.pool) await s.close();
  live.sessions.length = 0;
  await finishEncode(ctx, encoder, page.frameCount);
  throwIfAborted(ctx);
  return { reused, captureSeconds };
}

/** Wait for FFmpeg to finish, reporting the encoder's tail (decoder, filters, the encoder's look-ahead). */
async function finishEncode(ctx: RenderContext, encoder: Encoder, frameCount: number): Promise<void> {
  const encodeProgress = () => {
    const done = Math.min(encoder.encoded, frameCount);
    const r = encoder.encodeRate();
    ctx.reporter.progress({
      stage: "encode",
      stageProgress: done / frameCount,
      frame: frameCount,
      encoded: done,
      fps: r,
      etaSeconds: r > 0 ? (frameCount - done) / r : 0,
      message: "finishing the encode",
    });
  };
  encodeProgress();
  const encodeTicker = setInterval(encodeProgress, 250);
  try {
    await encoder.finish();
  } finally {
    clearInterval(encodeTicker);
  }
}
