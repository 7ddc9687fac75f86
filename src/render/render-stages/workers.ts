/**
 * Stage 4 of render(): the capture workers. How many (workload.ts: by frames and pixels, at most one per frame),
 * each in a browser of its own unless the browser is shared (a batch, or HYPERFRAMES_SHARED_BROWSER=1), each
 * page loaded and given the media; the first page is worker 0. startWorkerSession() is also how a crashed
 * worker is replaced (in a new browser).
 */
import type { CaptureSession } from "../capture.js";
import { launchBrowser } from "../launch.js";
import { applyMedia } from "../media-prep.js";
import { chooseWorkers } from "../workload.js";
import { throwIfAborted, type RenderContext } from "./context.js";
import type { RenderMedia } from "./media.js";
import { launchOptions, openSession, type PageSetup } from "./page.js";

export interface WorkerPool {
  /** one ready capture page per worker, the first page first */
  pool: CaptureSession[];
  workers: number;
}

/** A ready capture page: in a new browser of its own (ownBrowser) or in the first one. */
export async function startWorkerSession(ctx: RenderContext, page: PageSetup, media: RenderMedia, ownBrowser: boolean): Promise<CaptureSession> {
  let browser = page.launched.browser;
  if (ownBrowser) {
    const b = await launchBrowser(launchOptions(ctx, page.wantBeginFrame));
    ctx.live.extraBrowsers.push(b);
    browser = b.browser;
  }
  const s = await openSession(ctx, page, browser);
  await s.load();
  await applyMedia(s, media.prepared);
  return s;
}

export async function startCaptureWorkers(ctx: RenderContext, page: PageSetup, media: RenderMedia): Promise<WorkerPool> {
  const { opts, plan, reporter } = ctx;
  const { frameCount } = page;
  const workers = Math.max(1, Math.min(chooseWorkers(frameCount, plan.width * plan.height, plan.workers), frameCount));
  // one browser process per worker spreads compositing/encoding over cores (a shared browser serialises it)
  const perWorkerBrowser = !opts.sharedBrowser && process.env.HYPERFRAMES_SHARED_BROWSER !== "1";
  let workersReady = 0;
  const workerProgress = () =>
    reporter.progress({
      stage: "load",
      stageProgress: 0.6 + (0.4 * workersReady) / Math.max(1, workers - 1),
      frame: 0,
      fps: 0,
      etaSeconds: 0,
      message: `starting capture workers (${workersReady + 1}/${workers} ready)`,
    });
  if (workers > 1) workerProgress();
  const extra = await Promise.all(
    Array.from({ length: workers - 1 }, () =>
      startWorkerSession(ctx, page, media, perWorkerBrowser).then((s) => {
        workersReady++;
        workerProgress();
        return s;
      }),
    ),
  );
  throwIfAborted(ctx);
  return { pool: [page.first, ...extra], workers };
}
