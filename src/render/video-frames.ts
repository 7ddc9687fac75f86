/**
 * Frame-exact <video>: every timed video is decoded with FFmpeg at the composition's frame times
 * (honouring data-media-start, data-playback-rate and loop) into numbered JPEGs in a temp folder,
 * (a looping clip: one period, from its media start to the end of the source),
 * which the render server serves and the runtime shows in place of the browser's own decoder.
 * Identical (file, start, rate, loop, window, fps) requests are extracted once and shared.
 *
 * Colours: a JPEG is decoded by the browser as full-range BT.601, so each frame is converted from the
 * source's own YUV matrix and range to that, as the browser would show the video: the matrix the stream is
 * tagged with, else the browser's guess for an untagged one (BT.709 from 720 lines up, except VP9 and AV1;
 * BT.601 below), as in the official renderer.
 */
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { runFfmpeg, type ProbeStream } from "./ffmpeg.js";
import { RenderError } from "../errors.js";

export interface VideoExtractRequest {
  file: string;
  mediaStart: number;
  rate: number;
  loop: boolean;
  /** seconds of composition time the clip is on screen (null = until the end of the render) */
  windowSeconds: number;
  fps: number;
  /** the source's video stream as ffprobe reported it (its colour tags and size); unknown: read as BT.601 */
  stream?: Pick<ProbeStream, "color_space" | "color_range" | "height" | "codec_name">;
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
  args.push("-vf", `setpts=(PTS-STARTPTS)/${r.rate},fps=${r.fps}:round=near,${colourFilter(r.stream)}`, "-frames:v", String(count), "-q:v", "2", "-start_number", "0", path.join(dir, "%d.jpg"));
  await runFfmpeg(
    args,
    signal,
    (tail) => new RenderError("video_extract_failed", `could not decode video ${r.file}: ${tail}`, { file: r.file, hint: "check that the file is a valid video FFmpeg can read" }),
  );
  return readdirSync(dir).filter((f) => f.endsWith(".jpg")).length;
}

/** FFmpeg's names for the YUV matrices ffprobe reports (its `color_space`). */
const MATRIX: Record<string, string> = {
  bt709: "bt709",
  smpte170m: "smpte170m",
  bt470bg: "bt470",
  bt2020nc: "bt2020",
  bt2020c: "bt2020",
  smpte240m: "smpte240m",
  fcc: "fcc",
};

/** The YUV matrix a browser decodes a video stream with: its tag, else the guess for an untagged stream. */
function videoMatrix(v: NonNullable<VideoExtractRequest["stream"]>): string {
  const tagged = v.color_space ? MATRIX[v.color_space] : undefined;
  if (tagged) return tagged;
  return (v.height ?? 0) >= 720 && v.codec_name !== "vp9" && v.codec_name !== "av1" ? "bt709" : "smpte170m";
}

/** The scale filter that turns the source's YUV into full-range BT.601 (what a JPEG decoder assumes). */
function colourFilter(v: VideoExtractRequest["stream"]): string {
  const matrix = v ? videoMatrix(v) : "smpte170m";
  const range = v?.color_range === "pc" ? "full" : "limited";
  // BT.601 already: only the range changes (FFmpeg's YUV-to-YUV step, one rounding, as before)
  if (matrix === "smpte170m" || matrix === "bt470") return "format=yuvj420p";
  // another matrix: through RGB, since FFmpeg's YUV-to-YUV scaling keeps the matrix as it is and its YUV-to-RGB
  // step applies it
  return `scale=in_color_matrix=${matrix}:in_range=${range},format=rgb24,scale=out_color_matrix=bt601:out_range=full,format=yuvj420p`;
}
