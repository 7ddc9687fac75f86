/**
 * The frame pipeline of a render: capture pages take frames strided (page k takes k, k+N, …), an in-order
 * writer feeds the encoder with a bounded lead, and a crashed page or browser is replaced once.
 */
import { HyperframesError, RenderCancelledError } from "../errors.js";
import type { CaptureSession } from "./capture.js";
import type { Encoder } from "./encode.js";
import type { RenderProgress } from "./render-types.js";

/** A page or browser that died under us (as opposed to an error of the composition or of ours). */
export function isCrash(e: unknown): boolean {
  if (e instanceof HyperframesError) return false;
  return /Target closed|Session closed|crash|disconnected|Protocol error|detached|Connection closed/i.test((e as Error)?.message ?? "");
}

export interface FramePipelineOptions {
  /** ready capture pages, one per worker */
  pool: CaptureSession[];
  frameCount: number;
  /** composition frame index of the first frame rendered */
  firstFrame: number;
  encoder: Encoder;
  signal?: AbortSignal;
  warn(message: string): void;
  /** a fresh page (in a new browser) for one that crashed */
  replaceSession(old: CaptureSession): Promise<CaptureSession>;
  progress(p: Omit<RenderProgress, "elapsedMs" | "phase" | "total" | "encoded"> & { encoded?: number }): void;
}

export async function runFramePipeline(o: FramePipelineOptions): Promise<{ captured: number; reused: number; captureSeconds: number }> {
  // Strided assignment (worker k takes frames k, k+N, …) with an in-order writer and a bounded lead.
  const results = new Map<number, Buffer>();
  let nextToWrite = 0;
  let captured = 0;
  let reused = 0;
  const captureStart = Date.now();
  const maxLead = o.pool.length * 4;
  let wakeWriter: (() => void) | null = null;
  const waiters: (() => void)[] = [];
  let failure: unknown;
  /**
   * Seconds left, the encoder's tail included: the capture's ETA plus the frames captured but not yet
   * encoded at the encoder's rate. A slower encoder (VP9, ProRes) holds the capture back through the pipe,
   * so the capture ETA is already at its pace, and what sits inside FFmpeg is the tail after the last frame.
   */
  const etaWithTail = (capturedNow: number, captureRate: number): number => {
    const captureEta = (o.frameCount - capturedNow) / Math.max(captureRate, 1e-3);
    const encodeRate = o.encoder.encodeRate() || captureRate;
    return captureEta + Math.max(0, capturedNow - o.encoder.encoded) / Math.max(encodeRate, 1e-3);
  };

  const writer = (async () => {
    while (nextToWrite < o.frameCount) {
      const buf = results.get(nextToWrite);
      if (!buf) {
        if (failure) return;
        await new Promise<void>((r) => (wakeWriter = r));
        continue;
      }
      results.delete(nextToWrite);
      await o.encoder.write(buf);
      nextToWrite++;
      while (waiters.length) waiters.shift()!();
    }
  })();
  // FFmpeg gone (it failed, or a cancel killed it mid-write: EPIPE): stop the capture pages, which may be
  // waiting for the writer, and keep the rejection handled; `await writer` below still reports it
  writer.catch((e: unknown) => {
    failure ??= e;
    while (waiters.length) waiters.shift()!();
  });

  let crashRetries = 0;
  const runWorker = async (initial: CaptureSession, k: number) => {
    let session = initial;
    for (let i = k; i < o.frameCount; i += o.pool.length) {
      if (failure) return;
      if (o.signal?.aborted) throw new RenderCancelledError();
      while (i - nextToWrite > maxLead && !failure) await new Promise<void>((r) => waiters.push(r));
      let frame;
      try {
        frame = await session.capture(o.firstFrame + i);
      } catch (e) {
        if (o.signal?.aborted) throw new RenderCancelledError();
        if (!isCrash(e) || crashRetries >= 1 || failure) throw e;
        crashRetries++;
        o.warn(`the browser page crashed at frame ${o.firstFrame + i} (${(e as Error).message.split("\n")[0]}); retrying once with a new browser`);
        session = await o.replaceSession(session);
        frame = await session.capture(o.firstFrame + i);
      }
      if (frame.reused) reused++;
      results.set(i, frame.data);
      captured++;
      if (wakeWriter) {
        const w = wakeWriter;
        wakeWriter = null;
        w();
      }
      const elapsed = (Date.now() - captureStart) / 1000;
      const rate = captured / Math.max(elapsed, 1e-3);
      o.progress({ stage: "capture", stageProgress: captured / o.frameCount, frame: captured, encoded: Math.min(o.encoder.encoded, o.frameCount), fps: rate, etaSeconds: etaWithTail(captured, rate) });
    }
  };
  try {
    await Promise.all(o.pool.map((s, k) => runWorker(s, k)));
  } catch (e) {
    failure = e;
    if (wakeWriter) (wakeWriter as () => void)();
    while (waiters.length) waiters.shift()!();
    throw e;
  }
  await writer;
  return { captured, reused, captureSeconds: (Date.now() - captureStart) / 1000 };
}
