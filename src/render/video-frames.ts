/**
 * Frame-exact <video>: every timed video is decoded with FFmpeg at the composition's frame times
 * (honouring data-media-start, data-playback-rate and loop) into numbered JPEGs in a temp folder,
 * (a looping clip: one period, from its media start to the end of the source),
 * which the render server serves and the runtime shows in place of the browser's own decoder.
 * Identical (file, start, rate, loop, window, fps) requests are extracted once and shared.
 */
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { runFfmpeg } from "./ffmpeg.js";
import { RenderError } from "../errors.js";

export interface VideoExtractRequest {
  file: string;
  mediaStart: number;
  rate: number;
  loop: boolean;
  /** seconds of composition time the clip is on screen (null = until the end of the render) */
  windowSeconds: number;
  fps: number;
}

export function extractKey(r: VideoExtractRequest): string {
  return JSON.stringify([r.file, r.mediaStart, r.rate, r.loop, Math.round(r.windowSeconds * 1000), r.fps]);
}

/** Extract frames 0..N-1 where frame i shows source time mediaStart + i*rate/fps. Returns the frame count. */
export async function extractVideoFrames(r: VideoExtractRequest, dir: string, signal?: AbortSignal): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const count = Math.max(1, Math.ceil(r.windowSeconds * r.fps - 1e-6));
  const args = ["-hide_banner", "-loglevel", "error", "-y"];
  // a looping clip wraps back to its media start: extract one period (media start → source end); the
  // runtime indexes it modulo its length
  if (r.mediaStart > 0) args.push("-ss", r.mediaStart.toFixed(6));
  args.push("-i", r.file, "-an", "-sn");
  // output frame i at time i/fps shows source time i*rate/fps after the seek point
  args.push("-vf", `setpts=(PTS-STARTPTS)/${r.rate},fps=${r.fps}:round=near`, "-frames:v", String(count), "-q:v", "2", "-start_number", "0", path.join(dir, "%d.jpg"));
  await runFfmpeg(
    args,
    signal,
    (tail) => new RenderError("video_extract_failed", `could not decode video ${r.file}: ${tail}`, { file: r.file, hint: "check that the file is a valid video FFmpeg can read" }),
  );
  return readdirSync(dir).filter((f) => f.endsWith(".jpg")).length;
}
