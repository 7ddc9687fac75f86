/**
 * How big a render is: how many capture workers it gets, and for a long one (over LONG_RENDER_SECONDS of video)
 * a rough estimate of how long it will take, said before any time is spent.
 */
import { availableParallelism, totalmem } from "node:os";

export function chooseWorkers(frames: number, pixels: number, requested?: number): number {
  if (requested) return requested;
  const cores = availableParallelism();
  const memBudget = Math.max(1, Math.floor((totalmem() * 0.5) / (512 * 1024 * 1024)));
  let n = Math.min(Math.max(1, cores), memBudget, Math.max(1, Math.floor(frames / 30)));
  if (pixels > 1920 * 1080) n = Math.min(n, 2);
  return Math.max(1, Math.min(n, 8));
}

/** Videos longer than this (seconds) get a notice with their frame count and an estimate before the render starts. */
export const LONG_RENDER_SECONDS = 600;

/**
 * Capture throughput of one worker in megapixel-frames per second: ~6 on a busy 2-core VM (1280x720 draft,
 * 2 workers, begin-frame capture: 11 frames/s). Higher quality presets and heavy pages are slower, fast
 * machines faster: the estimate is an order of magnitude, and the progress bar's ETA replaces it once frames flow.
 */
const MEGAPIXEL_FRAMES_PER_WORKER_SECOND = 6;
const QUALITY_COST = { draft: 1, standard: 1.3, high: 2.5 } as const;

export interface LongRender {
  frames: number;
  fps: number;
  /** seconds of video */
  durationSeconds: number;
  workers: number;
  /** rough wall time of the render on this machine, in seconds */
  estimateSeconds: number;
}

/** The notice for a render longer than LONG_RENDER_SECONDS of video (undefined for a shorter one). */
export function longRender(frames: number, fps: number, width: number, height: number, quality: keyof typeof QUALITY_COST, requestedWorkers?: number): LongRender | undefined {
  const durationSeconds = frames / fps;
  if (durationSeconds <= LONG_RENDER_SECONDS) return undefined;
  const workers = chooseWorkers(frames, width * height, requestedWorkers);
  const rate = Math.min(60 * workers, (workers * MEGAPIXEL_FRAMES_PER_WORKER_SECOND) / Math.max(0.05, (width * height) / 1e6) / QUALITY_COST[quality]);
  return { frames, fps, durationSeconds, workers, estimateSeconds: Math.round(frames / rate) };
}
