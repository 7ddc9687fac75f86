/**
 * Checks a finished render before it is reported as a success: the right codec and size, the exact frame
 * count, the duration, an audio stream exactly when the composition has audio, and not every frame black.
 * A gif is checked the same way except its duration (GIF frame delays are whole 1/100 s); a png-sequence
 * folder by its files: one NNNN.png per frame, numbered without gaps, each a PNG of the composition's size.
 */
import { spawnTethered } from "./tether.js";
import { openSync, readSync, closeSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Format } from "./options.js";
import { probe, resolveFfmpeg } from "./ffmpeg.js";
import { OutputVerificationError } from "../errors.js";

export interface VerifyExpectations {
  frames: number;
  fps: number;
  width: number;
  height: number;
  audio: boolean;
  /** skip the all-black check (e.g. for transparent output, where black = transparent) */
  skipBlackCheck?: boolean;
  /** the output format (default: a video file) */
  format?: Format;
  /** png-sequence: the composition index of the first frame (its file name); default 0 */
  firstFrame?: number;
}

export interface VerifyReport {
  frames: number;
  durationSeconds: number;
  videoCodec: string;
  audioCodec?: string;
  width: number;
  height: number;
  /** max luma (full range, 0-255) seen over the sampled frames */
  maxLuma: number;
}

/**
 * Pure black is 0 here: the grey conversion is pinned to full range. (Limited-range black is 16, and FFmpeg
 * builds differ in which range they give grey, so a threshold on the default conversion is not portable.)
 */
const BLACK_MAX_LUMA = 6;

/** Brightest pixel (full-range luma) of the frames FFmpeg decodes with `decodeArgs`, shrunk to 64x36 grey. */
function maxLuma(file: string, decodeArgs: string[], filter: string, outputArgs: string[] = []): Promise<number> {
  const args = ["-hide_banner", "-loglevel", "error", ...decodeArgs, "-i", file, "-vf", `${filter}scale=64:36:flags=area:out_range=full,format=gray`, ...outputArgs, "-vsync", "0", "-f", "rawvideo", "pipe:1"];
  return new Promise((resolve, reject) => {
    const p = spawnTethered(resolveFfmpeg().path, args, ["pipe", "pipe"]);
    let max = 0;
    p.stdout!.on("data", (d: Buffer) => {
      for (const b of d) if (b > max) max = b;
    });
    p.on("error", reject);
    p.on("close", () => resolve(max));
  });
}

/**
 * Max luma over the video. Keyframes first: they decode on their own, so this
 * costs a few frames' decoding instead of the whole file's (0.8 s for 10 s of 1080p). Only when every
 * keyframe is black (a fade-in, or a short clip with one keyframe) are ~8 evenly spaced frames decoded.
 */
async function maxLumaOfSamples(file: string, frames: number): Promise<number> {
  const keyframes = await maxLuma(file, ["-skip_frame", "nokey"], "", ["-frames:v", "16"]);
  if (keyframes > BLACK_MAX_LUMA) return keyframes;
  const step = Math.max(1, Math.floor(frames / 8));
  return maxLuma(file, [], `select=not(mod(n\\,${step})),`);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR (the first 24 bytes), or undefined when it is not a PNG. */
function pngSize(file: string): { width: number; height: number } | undefined {
  const head = Buffer.alloc(24);
  const fd = openSync(file, "r");
  try {
    if (readSync(fd, head, 0, 24, 0) < 24) return undefined;
  } finally {
    closeSync(fd);
  }
  if (!head.subarray(0, 8).equals(PNG_SIGNATURE) || head.toString("ascii", 12, 16) !== "IHDR") return undefined;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** A png-sequence folder: exactly one NNNN.png per frame, in order from `firstFrame`, each a PNG of the right size. */
function verifySequence(dir: string, exp: VerifyExpectations): VerifyReport {
  const files = readdirSync(dir).filter((f) => /^\d+\.png$/.test(f)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  if (files.length !== exp.frames)
    throw new OutputVerificationError("output_frame_count", `the PNG sequence has ${files.length} frames, expected ${exp.frames}`, {
      file: dir,
      hint: "this is a bug in the renderer; please report it with --debug output",
    });
  const first = exp.firstFrame ?? 0;
  files.forEach((f, i) => {
    if (parseInt(f, 10) !== first + i)
      throw new OutputVerificationError("output_frame_count", `the PNG sequence skips frame ${first + i} (found ${f})`, { file: dir });
    const size = pngSize(path.join(dir, f));
    if (!size) throw new OutputVerificationError("output_unreadable", `${f} of the PNG sequence is not a PNG`, { file: dir });
    if (size.width !== exp.width || size.height !== exp.height)
      throw new OutputVerificationError("output_wrong_size", `${f} of the PNG sequence is ${size.width}x${size.height}, expected ${exp.width}x${exp.height}`, { file: dir });
  });
  return { frames: files.length, durationSeconds: files.length / exp.fps, videoCodec: "png", width: exp.width, height: exp.height, maxLuma: 255 };
}

export async function verifyOutput(file: string, exp: VerifyExpectations): Promise<VerifyReport> {
  if (exp.format === "png-sequence") return verifySequence(file, exp);
  let info;
  try {
    info = await probe(file, true);
  } catch (e) {
    throw new OutputVerificationError("output_unreadable", `the rendered file could not be read back: ${(e as Error).message.split("\n")[0]}`, { file });
  }
  const v = info.streams.find((s) => s.codec_type === "video");
  const a = info.streams.find((s) => s.codec_type === "audio");
  if (!v) throw new OutputVerificationError("output_no_video", "the rendered file has no video stream", { file });
  const frames = Number(v.nb_read_packets ?? v.nb_frames ?? 0);
  const even = (n: number) => n + (n % 2);
  const wOk = v.width === exp.width || v.width === even(exp.width);
  const hOk = v.height === exp.height || v.height === even(exp.height);
  if (!wOk || !hOk)
    throw new OutputVerificationError("output_wrong_size", `the rendered video is ${v.width}x${v.height}, expected ${exp.width}x${exp.height}`, { file });
  if (frames !== exp.frames)
    throw new OutputVerificationError("output_frame_count", `the rendered video has ${frames} frames, expected ${exp.frames}`, {
      file,
      hint: "this is a bug in the renderer or FFmpeg; please report it with --debug output",
    });
  const duration = Number(info.format.duration ?? v.duration ?? 0);
  const expDuration = exp.frames / exp.fps;
  if (exp.format !== "gif" && Math.abs(duration - expDuration) > Math.max(0.1, 2 / exp.fps))
    throw new OutputVerificationError("output_duration", `the rendered file lasts ${duration.toFixed(3)} s, expected ${expDuration.toFixed(3)} s`, { file });
  if (exp.audio && !a)
    throw new OutputVerificationError("output_audio_missing", "the composition has audio but the rendered file has no audio stream", { file });
  if (exp.audio && a) {
    const ad = Number(a.duration ?? 0);
    if (ad > 0 && Math.abs(ad - expDuration) > Math.max(0.1, 2 / exp.fps))
      throw new OutputVerificationError("output_audio_duration", `the audio track lasts ${ad.toFixed(3)} s, expected ${expDuration.toFixed(3)} s`, {
        file,
        hint: "this is a bug in the renderer or FFmpeg; please report it with --debug output",
      });
  }
  if (!exp.audio && a)
    throw new OutputVerificationError("output_unexpected_audio", "the rendered file has an audio stream but the composition has no audio", { file });
  const maxLuma = exp.skipBlackCheck ? 255 : await maxLumaOfSamples(file, frames);
  if (maxLuma <= BLACK_MAX_LUMA)
    throw new OutputVerificationError("output_all_black", "every sampled frame of the render is black", {
      file,
      hint: "the page probably failed to draw: check the page errors printed above (or run with --debug); pass --no-verify if black is intended",
    });
  return { frames, durationSeconds: duration, videoCodec: v.codec_name, audioCodec: a?.codec_name, width: v.width!, height: v.height!, maxLuma };
}
