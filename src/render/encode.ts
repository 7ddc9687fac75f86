/**
 * The encoder: one FFmpeg process reading captured images from stdin, optionally muxing a pre-mixed audio
 * track, writing the output container. Spawned directly (no per-frame files on disk). JPEG frames go in as a
 * timestamped Matroska stream, which lets a frame identical to the previous one be left out: the fps filter
 * repeats the previous picture in its slot without it being sent or decoded again. PNG frames (high quality,
 * transparency) go in as a plain image sequence.
 * GIF is two passes: while frames arrive they are kept (stream copy) and FFmpeg builds a palette from all of
 * them (palettegen); at the end a second FFmpeg maps the kept frames onto it (paletteuse). A PNG sequence
 * needs no FFmpeg: the captured PNGs (alpha kept) are written as NNNN.png into the output folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { resolveFfmpeg, runFfmpeg } from "./ffmpeg.js";
import { mkvFramePrefix, mkvHeader } from "./mkv-stream.js";
import { RenderError } from "../errors.js";
import type { Format, Quality } from "./options.js";
import type { ImageFormat } from "./capture.js";

export interface QualityPreset {
  x264Preset: string;
  crf: number;
  vp9Crf: number;
  vp9Deadline: "realtime" | "good";
  vp9CpuUsed: number;
  jpegQuality: number;
  /** capture lossless PNG instead of JPEG */
  png: boolean;
}

export const QUALITY_PRESETS: Record<Quality, QualityPreset> = {
  draft: { x264Preset: "ultrafast", crf: 28, vp9Crf: 40, vp9Deadline: "realtime", vp9CpuUsed: 8, jpegQuality: 80, png: false },
  // standard: x264 veryfast at CRF 16 measures the same PSNR against the captured frames as the official
  // medium/CRF 18 (48.95 vs 48.78 dB on the 1080p bench) for half the encoder CPU, at ~20% larger files
  standard: { x264Preset: "veryfast", crf: 16, vp9Crf: 31, vp9Deadline: "good", vp9CpuUsed: 4, jpegQuality: 95, png: false },
  high: { x264Preset: "slow", crf: 15, vp9Crf: 24, vp9Deadline: "good", vp9CpuUsed: 2, jpegQuality: 95, png: true },
};

export interface EncoderOptions {
  output: string;
  format: Format;
  quality: Quality;
  crf?: number;
  fps: number;
  width: number;
  height: number;
  inputFormat: ImageFormat;
  /** pre-mixed audio file (wav) to mux, if any */
  audio?: string;
  /** total frames (the last few are always sent, even when they repeat) */
  frames: number;
  transparent: boolean;
  threads?: number;
  debug?: boolean;
  /** composition index of the first frame (png-sequence file names); default 0 */
  firstFrame?: number;
  /** folder for intermediate files (gif); default: next to the output */
  workDir?: string;
}

/**
 * The first filters for the captured frames: the frame rate (timestamped input), then the conversion to
 * limited-range BT.709 YUV. Chrome's JPEGs are full-range BT.601 YCbCr
 * 4:2:0: the colorspace filter re-matrixes them in place (same primaries and transfer, so no
 * linearisation), 6x cheaper than swscale's path through RGB and closer to the exact result than its
 * default flags (52 vs 47 dB against bicubic+accurate_rnd+full_chroma_int on the 1080p bench). PNG
 * (RGB) input goes through swscale with accurate rounding.
 */
function inputFilters(o: EncoderOptions): string {
  // a timestamped input leaves repeats out: the fps filter fills each frame slot with the latest picture (FFmpeg's
  // own constant-frame-rate sync would put the picture after a gap one frame early); after the conversion, so
  // a repeated picture is converted once
  if (timestampedInput(o))
    return `colorspace=ispace=bt470bg:iprimaries=bt709:itrc=bt709:irange=pc:space=bt709:primaries=bt709:trc=bt709:range=tv:fast=1,fps=${o.fps}`;
  return "scale=in_range=pc:out_range=tv:out_color_matrix=bt709:flags=bicubic+accurate_rnd+full_chroma_int";
}

/**
 * x264's own threads: its default (1.5 per core) costs ~20% more CPU than one thread, CPU the capture
 * browsers need. One ultrafast thread encodes 1080p at ~65 frames/s on a slow core, several times the
 * capture rate; bigger frames and slower presets keep the default.
 */
function x264Threads(o: EncoderOptions): number | undefined {
  return o.quality === "draft" && o.width * o.height <= 1920 * 1088 ? 1 : undefined;
}

/** The colour tags every output carries: what inputFilters() converts to. */
const BT709_TAGS = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"];

/** JPEG frames travel in Matroska with timestamps (repeats left out); PNG as a plain image sequence. */
const timestampedInput = (o: EncoderOptions): boolean => o.inputFormat === "jpeg";

/**
 * The last frames are always sent, repeats or not: the last one marks where the video ends (left out, the video
 * would come out short), and a run of consecutive frames at the end keeps FFmpeg builds that size the last
 * picture from the gap before it from padding extra frames.
 */
const ALWAYS_SENT_TAIL = 3;

export function encoderArgs(o: EncoderOptions): string[] {
  const p = QUALITY_PRESETS[o.quality];
  // -progress: key=value blocks on stdout (about twice a second) whose frame= is the count of frames encoded
  // so far, for the progress of the encoder's tail after the last frame is captured
  const args = ["-hide_banner", "-loglevel", o.debug ? "info" : "error", "-y", "-progress", "pipe:1"];
  // no probing: the default 5 MB probe holds back ~40 1080p frames, then FFmpeg encodes them in one burst
  // while every capture page waits on the full pipe (a ~1.5 s stall with one core idle)
  args.push("-probesize", "32", "-analyzeduration", "0");
  if (timestampedInput(o)) args.push("-f", "matroska", "-i", "pipe:0");
  else args.push("-f", "image2pipe", "-framerate", String(o.fps), "-c:v", o.inputFormat === "png" ? "png" : "mjpeg", "-i", "pipe:0");
  if (o.audio) args.push("-i", o.audio);
  args.push("-map", "0:v:0");
  if (o.audio) args.push("-map", "1:a:0");
  const evenW = o.width + (o.width % 2);
  const evenH = o.height + (o.height % 2);
  const pad = evenW !== o.width || evenH !== o.height ? `,pad=${evenW}:${evenH}` : "";
  if (o.format === "mp4") {
    args.push(
      "-vf", `${inputFilters(o)}${pad},format=yuv420p`,
      "-c:v", "libx264", "-preset", p.x264Preset, "-crf", String(o.crf ?? p.crf), "-bf", "0",
      // trellis=0 is x264's own ultrafast; FFmpeg's wrapper turns trellis on, which doubles the encoder's CPU
      // at 1080p for 0.2 dB (measured on the bench scene)
      "-x264-params", o.quality === "draft" ? "aq-mode=3:trellis=0" : "aq-mode=3:aq-strength=0.8:deblock=1,1",
      ...BT709_TAGS, "-color_range", "tv",
      "-movflags", "+faststart",
    );
    const threads = o.threads ?? x264Threads(o);
    if (threads) args.push("-threads", String(threads));
    if (o.audio) args.push("-c:a", "aac", "-b:a", "192k");
  } else if (o.format === "webm") {
    args.push(
      // BT.709 matrix to match the tags below (a bare format= conversion would use BT.601)
      "-vf", `${inputFilters(o)}${pad},format=${o.transparent ? "yuva420p" : "yuv420p"}`,
      "-c:v", "libvpx-vp9", "-crf", String(o.crf ?? p.vp9Crf), "-b:v", "0", "-row-mt", "1",
      "-deadline", p.vp9Deadline, "-cpu-used", String(p.vp9CpuUsed), "-auto-alt-ref", "0",
      ...BT709_TAGS,
    );
    if (o.transparent) args.push("-metadata:s:v:0", "alpha_mode=1");
    if (o.audio) args.push("-c:a", "libopus", "-b:a", "128k");
  } else {
    // BT.709 matrix, tagged, as for MP4 and WebM (a bare format= conversion would use BT.601)
    args.push("-vf", `${inputFilters(o)},format=${o.transparent ? "yuva444p10le" : "yuv444p10le"}`, ...BT709_TAGS, "-movflags", "+write_colr", "-c:v", "prores_ks", "-profile:v", "4444", "-vendor", "apl0", "-qscale:v", String(o.crf ?? (o.quality === "draft" ? 11 : o.quality === "standard" ? 6 : 3)));
    if (o.audio) args.push("-c:a", "aac", "-b:a", "192k");
  }
  // no -frames:v either: it stops the muxer at the last video frame and drops the audio still buffered; the
  // pipe closes after exactly `frames` images anyway
  args.push("-r", String(o.fps));
  // no -shortest: the mix is already exactly as long as the video, and -shortest cuts audio early on short renders
  args.push("-f", o.format === "mov" ? "mov" : o.format, o.output);
  return args;
}

/** GIF: the palette's statistics over all frames, and the dithering (draft: ordered, faster; else error diffusion). */
function gifPaletteUse(o: EncoderOptions): string {
  return o.quality === "draft" ? "paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle" : "paletteuse=dither=sierra2_4a:diff_mode=rectangle";
}

interface GifFiles {
  /** the captured frames, stream-copied (repeats still left out: the fps filter fills them in) */
  frames: string;
  palette: string;
}

function gifFiles(o: EncoderOptions): GifFiles {
  const dir = o.workDir ?? path.dirname(o.output);
  const base = o.workDir ? "gif" : `.${path.basename(o.output)}`;
  return { frames: path.join(dir, `${base}.frames.mkv`), palette: path.join(dir, `${base}.palette.png`) };
}

/** GIF pass 1, fed while frames are captured: keep the frames and build the palette from all of them. */
export function gifPass1Args(o: EncoderOptions, f: GifFiles): string[] {
  return [
    "-hide_banner", "-loglevel", o.debug ? "info" : "error", "-y", "-progress", "pipe:1", "-probesize", "32", "-analyzeduration", "0",
    "-f", "matroska", "-i", "pipe:0",
    "-map", "0:v:0", "-c:v", "copy", "-f", "matroska", f.frames,
    "-map", "0:v:0", "-vf", `fps=${o.fps},palettegen=stats_mode=full`, "-frames:v", "1", "-update", "1", "-f", "image2", f.palette,
  ];
}

/** GIF pass 2: the kept frames mapped onto the palette, looping forever. */
export function gifPass2Args(o: EncoderOptions, f: GifFiles): string[] {
  return [
    "-hide_banner", "-loglevel", o.debug ? "info" : "error", "-y",
    "-i", f.frames, "-i", f.palette,
    "-lavfi", `[0:v]fps=${o.fps}[v];[v][1:v]${gifPaletteUse(o)}`,
    "-loop", "0", "-f", "gif", o.output,
  ];
}

/** `0042.png`: a PNG sequence frame's file name, its composition frame index padded to 4 digits (or more). */
export function sequenceFrameName(index: number, lastIndex = index): string {
  return `${String(index).padStart(Math.max(4, String(lastIndex).length), "0")}.png`;
}

/** A PNG sequence: each captured PNG written to the output folder as NNNN.png, in order. */
function startSequenceWriter(o: EncoderOptions): Encoder {
  if (o.inputFormat !== "png") throw new RenderError("encoder_failed", "a png-sequence needs PNG captures");
  mkdirSync(o.output, { recursive: true });
  const first = o.firstFrame ?? 0;
  const last = first + o.frames - 1;
  let index = 0;
  return {
    process: undefined,
    get encoded() {
      return index;
    },
    encodeRate: () => 0,
    write: (img) => writeFile(path.join(o.output, sequenceFrameName(first + index++, last)), img),
    finish: async () => undefined,
    kill: () => undefined,
  };
}

export interface Encoder {
  /** the FFmpeg process (none for a png-sequence) */
  process: ChildProcess | undefined;
  /** frames FFmpeg has encoded so far (from its -progress reports, about twice a second) */
  readonly encoded: number;
  /** frames per second FFmpeg encoded between its first and latest report that moved (0 until two have) */
  encodeRate(): number;
  /** write one image; resolves when the pipe accepted it (backpressure) */
  write(img: Buffer): Promise<void>;
  /** close stdin and wait for FFmpeg to finish */
  finish(): Promise<void>;
  kill(): void;
}

/** FFmpeg's `-progress` reports on stdout: frames encoded so far, and the rate between the first and latest. */
function watchProgress(proc: ChildProcess): { encoded(): number; rate(): number } {
  let encoded = 0;
  let tail = "";
  let first: { t: number; n: number } | undefined;
  let last: { t: number; n: number } | undefined;
  proc.stdout!.on("data", (d: Buffer) => {
    const text = tail + d.toString();
    const cut = text.lastIndexOf("\n");
    tail = text.slice(cut + 1);
    for (const m of text.slice(0, cut + 1).matchAll(/^frame=\s*(\d+)/gm)) {
      const n = Number(m[1]);
      if (n <= encoded) continue;
      encoded = n;
      last = { t: Date.now(), n };
      first ??= last;
    }
  });
  return {
    encoded: () => encoded,
    rate: () => (first && last && last.t > first.t ? (last.n - first.n) / ((last.t - first.t) / 1000) : 0),
  };
}

/** How FFmpeg ends: `exited` resolves on exit 0, else rejects with encoder_failed and its last stderr lines. */
function watchExit(proc: ChildProcess, ff: string): { exited: Promise<void>; failed(): boolean } {
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  let failed = false;
  const exited = new Promise<void>((resolve, reject) => {
    proc.on("error", (e) => {
      failed = true;
      reject(new RenderError("encoder_failed", `could not start FFmpeg (${ff}): ${e.message}`, { hint: "run `hyperframes doctor`" }));
    });
    proc.on("close", (code, signal) => {
      if (code === 0) return resolve();
      failed = true;
      reject(
        new RenderError("encoder_failed", `FFmpeg failed (${code ?? signal}): ${stderr.trim().split("\n").slice(-3).join(" | ") || "no output"}`, {
          hint: "run with --debug to see FFmpeg's full output",
        }),
      );
    });
  });
  exited.catch(() => undefined);
  return { exited, failed: () => failed };
}

/**
 * Frames into FFmpeg's stdin, with backpressure. With timestamped (Matroska) input a frame identical to the
 * previous one is not sent (the fps filter repeats the picture), except in the last few frames.
 */
function frameWriter(o: EncoderOptions, proc: ChildProcess, exit: { exited: Promise<void>; failed(): boolean }): (img: Buffer) => Promise<void> {
  const timestamped = timestampedInput(o);
  if (timestamped) proc.stdin!.write(mkvHeader(o));
  let index = 0;
  let previous: Buffer | undefined;
  return (img) => {
    if (exit.failed()) return exit.exited.then(() => undefined);
    const i = index++;
    if (timestamped) {
      const repeat = previous !== undefined && (img === previous || img.equals(previous));
      previous = img;
      if (repeat && i < o.frames - ALWAYS_SENT_TAIL) return Promise.resolve();
      proc.stdin!.write(mkvFramePrefix(img.length, Math.round((i * 1e6) / o.fps)));
    }
    return new Promise<void>((resolve, reject) => {
      const ok = proc.stdin!.write(img, (err) => {
        // a broken pipe means FFmpeg is gone: report why it exited (encoder_failed), not the EPIPE
        if (err) exit.exited.then(() => reject(err), reject);
      });
      if (ok) resolve();
      else proc.stdin!.once("drain", () => resolve());
      exit.exited.catch(reject);
    });
  };
}

export function startEncoder(o: EncoderOptions): Encoder {
  if (o.format === "png-sequence") return startSequenceWriter(o);
  const gif = o.format === "gif" ? gifFiles(o) : undefined;
  if (gif && o.inputFormat !== "jpeg") throw new RenderError("encoder_failed", "a gif is encoded from JPEG captures");
  const pass2 = new AbortController();
  const ff = resolveFfmpeg().path;
  const proc = spawn(ff, gif ? gifPass1Args(o, gif) : encoderArgs(o), { stdio: ["pipe", "pipe", "pipe"] });
  const progress = watchProgress(proc);
  const exit = watchExit(proc, ff);
  proc.stdin!.on("error", () => undefined);
  const write = frameWriter(o, proc, exit);
  return {
    process: proc,
    get encoded() {
      return progress.encoded();
    },
    encodeRate: () => progress.rate(),
    write,
    async finish() {
      proc.stdin!.end();
      await exit.exited;
      if (gif)
        await runFfmpeg(gifPass2Args(o, gif), pass2.signal, (tail) => new RenderError("encoder_failed", `FFmpeg failed writing the gif: ${tail || "no output"}`, { hint: "run with --debug to see FFmpeg's full output" }));
    },
    kill() {
      pass2.abort();
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 2000);
      proc.once("close", () => clearTimeout(t));
    },
  };
}
