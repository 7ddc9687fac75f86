/**
 * Test helpers that read rendered media back with the same FFmpeg/ffprobe the toolkit uses:
 * exact probe (packet counts), frames decoded to raw RGB(A) by index, pixel reads, audio levels,
 * and tiny generated source media (colour-per-frame video, sine tone).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { resolveFfmpeg, resolveFfprobe } from "../../src/render/ffmpeg.js";

export type RGB = [number, number, number];
export type RGBA = [number, number, number, number];

export interface ProbeStream {
  index: number;
  codec_type: string;
  codec_name: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_space?: string;
  color_primaries?: string;
  color_transfer?: string;
  color_range?: string;
  r_frame_rate?: string;
  nb_read_packets?: string;
  nb_frames?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
  tags?: Record<string, string>;
}
export interface Probe {
  streams: ProbeStream[];
  format: { duration?: string; format_name?: string; tags?: Record<string, string> };
  video: ProbeStream;
  audio?: ProbeStream;
  /** exact number of video packets (ffprobe -count_packets) */
  frames: number;
  durationSeconds: number;
}

export const ffmpegPath = (): string => resolveFfmpeg().path;
export const ffprobePath = (): string => resolveFfprobe().path;

/** ffprobe with -count_packets: exact frame count, codecs, pixel format, colour tags, duration. */
export function probeFile(file: string): Probe {
  const r = spawnSync(ffprobePath(), ["-v", "error", "-count_packets", "-show_streams", "-show_format", "-of", "json", file], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`ffprobe ${file} failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { streams: ProbeStream[]; format: Probe["format"] };
  const video = j.streams.find((s) => s.codec_type === "video");
  if (!video) throw new Error(`${file} has no video stream`);
  return {
    ...j,
    video,
    audio: j.streams.find((s) => s.codec_type === "audio"),
    frames: Number(video.nb_read_packets ?? -1),
    durationSeconds: Number(j.format.duration ?? video.duration ?? NaN),
  };
}

export interface DecodedFrames {
  width: number;
  height: number;
  channels: 3 | 4;
  frames: Buffer[];
}

/**
 * Decode every frame of a (tiny) video to raw rgb24 (or rgba). `vp9Alpha` decodes VP9 with libvpx so the
 * alpha plane (stored as side data in WebM) is kept.
 */
export async function decodeFrames(file: string, opts: { rgba?: boolean; vp9Alpha?: boolean } = {}): Promise<DecodedFrames> {
  const p = probeFile(file);
  const width = p.video.width!;
  const height = p.video.height!;
  const channels = opts.rgba ? 4 : 3;
  const args = ["-v", "error"];
  if (opts.vp9Alpha) args.push("-c:v", "libvpx-vp9");
  args.push("-i", file, "-an", "-vsync", "0", "-f", "rawvideo", "-pix_fmt", opts.rgba ? "rgba" : "rgb24", "pipe:1");
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(ffmpegPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    proc.stdout!.on("data", (d: Buffer) => chunks.push(d));
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg decode of ${file} failed: ${err}`))));
  });
  const all = Buffer.concat(chunks);
  const size = width * height * channels;
  const frames: Buffer[] = [];
  for (let o = 0; o + size <= all.length; o += size) frames.push(all.subarray(o, o + size));
  return { width, height, channels, frames };
}

/** The pixel at (x, y) of decoded frame `index`. */
export function pixel(d: DecodedFrames, index: number, x: number, y: number): number[] {
  const f = d.frames[index];
  if (!f) throw new Error(`frame ${index} does not exist (the video has ${d.frames.length} frames)`);
  const o = (y * d.width + x) * d.channels;
  return Array.from(f.subarray(o, o + d.channels));
}

/** Decode one frame (0-based `index`) and return the rgb24 pixel at (x, y). */
export async function frameRgbAt(file: string, index: number, x: number, y: number): Promise<RGB> {
  const p = probeFile(file);
  const width = p.video.width!;
  const height = p.video.height!;
  const r = spawnSync(
    ffmpegPath(),
    ["-v", "error", "-i", file, "-an", "-vf", `select=eq(n\\,${index})`, "-vsync", "0", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    { maxBuffer: 256 << 20 },
  );
  if (r.status !== 0 || r.stdout.length < width * height * 3) throw new Error(`could not decode frame ${index} of ${file}: ${r.stderr}`);
  const o = (y * width + x) * 3;
  return [r.stdout[o]!, r.stdout[o + 1]!, r.stdout[o + 2]!];
}

/** Largest per-channel difference between two colours. */
export function colourDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Human-readable mismatch report for expect messages. */
export function describeColour(c: ArrayLike<number>): string {
  return `rgb(${Array.from(c).join(",")})`;
}

/** Mean volume (dB, ffmpeg volumedetect) of `file` between `from` and `to` seconds. */
export function meanVolumeDb(file: string, from = 0, to?: number): number {
  const args = ["-hide_banner", "-nostats", "-ss", String(from)];
  if (to !== undefined) args.push("-t", String(to - from));
  args.push("-i", file, "-vn", "-af", "volumedetect", "-f", "null", "-");
  const r = spawnSync(ffmpegPath(), args, { encoding: "utf8" });
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(r.stderr);
  if (!m) return -Infinity;
  return m[1] === "-inf" ? -Infinity : Number(m[1]);
}

function runFfmpeg(args: string[]): void {
  mkdirSync(path.dirname(args[args.length - 1]!), { recursive: true });
  const r = spawnSync(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-y", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed: ${r.stderr}`);
}

/** The colour of source frame `i` in makeColourVideo: each frame a distinct, well-separated, non-black solid colour. */
export function sourceFrameColour(i: number): RGB {
  // 3 levels per channel, black skipped → 26 colours; frames step through them
  const k = 1 + (i % 26);
  const level = (n: number) => Math.min(255, 128 * (n % 3));
  return [level(k), level(Math.floor(k / 3)), level(Math.floor(k / 9))];
}

/** A small lossless H.264 video whose frame i is a solid sourceFrameColour(i), `frames` frames at `fps`. */
export function makeColourVideo(file: string, frames: number, fps = 30, width = 64, height = 36): void {
  const k = "(1+mod(N,26))";
  const level = (e: string) => `min(255,128*mod(${e},3))`;
  runFfmpeg([
    "-f", "lavfi", "-i", `nullsrc=s=${width}x${height}:r=${fps}:d=${frames / fps}`,
    "-vf", `format=rgb24,geq=r='${level(k)}':g='${level(`floor(${k}/3)`)}':b='${level(`floor(${k}/9)`)}',format=yuv444p`,
    "-frames:v", String(frames), "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-g", "1", "-r", String(fps), file,
  ]);
}

/** A sine tone WAV (mono 48 kHz). */
export function makeTone(file: string, seconds: number, freq = 440): void {
  runFfmpeg(["-f", "lavfi", "-i", `sine=frequency=${freq}:sample_rate=48000:duration=${seconds}`, "-c:a", "pcm_s16le", file]);
}

/** Default colour tolerance for draft-quality H.264 solid areas (max per-channel difference). */
export const COLOUR_TOL = 48;

/** x of the first pixel in row `y` of frame `index` whose colour is within `tol` of `colour` (-1 if none). */
export function leftEdge(d: DecodedFrames, index: number, y: number, colour: ArrayLike<number>, tol = COLOUR_TOL): number {
  for (let x = 0; x < d.width; x++) if (colourDistance(pixel(d, index, x, y), colour) <= tol) return x;
  return -1;
}

/** Number of pixels in the rectangle whose colour is within `tol` of `colour`. */
export function countPixels(d: DecodedFrames, index: number, rect: { x: number; y: number; w: number; h: number }, colour: ArrayLike<number>, tol = COLOUR_TOL): number {
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.h; y++) for (let x = rect.x; x < rect.x + rect.w; x++) if (colourDistance(pixel(d, index, x, y), colour) <= tol) n++;
  return n;
}

/** Largest per-byte difference between the same frame of two decodes (0 = identical). */
export function maxFrameDifference(a: DecodedFrames, b: DecodedFrames, index: number): number {
  const fa = a.frames[index]!;
  const fb = b.frames[index]!;
  let m = 0;
  for (let i = 0; i < fa.length; i++) {
    const d = Math.abs(fa[i]! - fb[i]!);
    if (d > m) m = d;
  }
  return m;
}
