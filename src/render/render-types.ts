/** The public shapes of `render()`: its options, progress reports and result. */
import type { Format, Quality } from "./options.js";
import type { VideoFrameCache } from "./frame-cache.js";
import type { LaunchedBrowser } from "./launch.js";
import type { CaptureMethod } from "./capture.js";
import type { VerifyReport } from "./verify.js";
import type { LongRender } from "./workload.js";
import type { ProgressView } from "./progress-text.js";

/**
 * The stages of a render, in order: load (browser, composition page; again for the capture workers), decode
 * (video clips to frames), audio (the mix), capture, encode (the encoder finishing after the last captured
 * frame), verify (the output read back), done. decode and audio only when the composition has media.
 */
export type RenderStage = ProgressView["stage"];

/**
 * A progress report. The first one comes once the number of frames is known: at the start when the
 * composition declares its duration, else once the page has reported it (so `total` is never 0).
 */
export interface RenderProgress extends ProgressView {
  /** the coarse phase: prepare (load, decode, audio), capture, encode, verify, done */
  phase: "prepare" | "capture" | "encode" | "verify" | "done";
}

export interface RenderOptions {
  /** project directory */
  project: string;
  /** output file; default `<project>/renders/<name>_<timestamp>.<ext>` */
  output?: string;
  /** entry HTML (default index.html) */
  composition?: string;
  fps?: number;
  quality?: Quality;
  format?: Format;
  variables?: Record<string, unknown> | string;
  variablesFile?: string;
  strictVariables?: boolean;
  crf?: number;
  workers?: number;
  /** "START:END" (END excluded) or "A-B" (both included), 0-based frames */
  frames?: string;
  /** "S1-S2" in seconds (S2 excluded); instead of frames */
  range?: string;
  browser?: string;
  signal?: AbortSignal;
  onProgress?: (p: RenderProgress) => void;
  onWarning?: (msg: string) => void;
  /** a render of more than 10 minutes of video: its frame count and a rough estimate, said before it starts */
  onLongRender?: (info: LongRender) => void;
  /** page console errors / warnings */
  onLog?: (line: string) => void;
  /** check the output (frame count, duration, audio, not black); default true */
  verify?: boolean;
  /** capture method; default beginframe when the browser supports it */
  capture?: CaptureMethod | "auto";
  /** ms to wait for the page to become ready (default 60000) */
  readyTimeoutMs?: number;
  debug?: boolean;
  /**
   * let the composition reach the network (default false: every request not served from the project is
   * blocked and the render fails listing them)
   */
  allowNetwork?: boolean;
  /** reuse an already-launched browser (batch renders) */
  sharedBrowser?: LaunchedBrowser;
  /** share decoded video frames with other renders (batch renders); frames are kept by the cache */
  videoFrameCache?: VideoFrameCache;
}

export interface RenderResult {
  output: string;
  frames: number;
  durationSeconds: number;
  fps: number;
  width: number;
  height: number;
  format: Format;
  quality: Quality;
  elapsedMs: number;
  captureFps: number;
  workers: number;
  captureMethod: CaptureMethod;
  /** why this capture method: the probe's finding, the transparent format, or --capture */
  captureReason: string;
  browser: string;
  /** the browser's version, as it reports it */
  browserVersion?: string;
  /** single: --single-process; multi: separate processes (screenshot capture, or single-process fails) */
  browserProcess: "single" | "multi";
  browserProcessReason: string;
  hasAudio: boolean;
  reusedFrames: number;
  sizeBytes: number;
  warnings: string[];
  verify?: VerifyReport;
  variables: Record<string, unknown>;
}
