/**
 * The audio mix: every audible <audio>/<video> clip is trimmed from its media start, time-stretched by its
 * playback rate, scaled by data-volume (plain linear gain), delayed to its start, padded and trimmed to
 * the render length, and summed. Output: 48 kHz stereo PCM WAV, muxed by the encoder.
 * A mono source is copied to both channels at its own level, as the official renderer does (FFmpeg's
 * default mono → stereo conversion would spread it at −3 dB per channel).
 */
import { probe, runFfmpeg } from "./ffmpeg.js";
import { RenderError } from "../errors.js";

export interface AudioTrack {
  file: string;
  /** composition time the clip starts (s) */
  start: number;
  /** composition time the clip ends (s), or null = until the end */
  end: number | null;
  mediaStart: number;
  rate: number;
  volume: number;
  loop: boolean;
  /** source length in seconds (needed to loop from the media start) */
  sourceSeconds?: number;
  label: string;
}

function atempoChain(rate: number): string {
  const parts: string[] = [];
  let r = rate;
  while (r > 2) {
    parts.push("atempo=2");
    r /= 2;
  }
  while (r < 0.5) {
    parts.push("atempo=0.5");
    r /= 0.5;
  }
  if (Math.abs(r - 1) > 1e-6) parts.push(`atempo=${r.toFixed(6)}`);
  return parts.join(",");
}

/** Channel count of a file's first audio stream (0 when unknown). */
async function audioChannels(file: string): Promise<number> {
  try {
    const info = await probe(file);
    return info.streams.find((s) => s.codec_type === "audio")?.channels ?? 0;
  } catch {
    return 0;
  }
}

/** Mix tracks into `out` (wav). `rangeStart`/`duration` select the rendered part of the composition. */
export async function mixAudio(tracks: AudioTrack[], out: string, rangeStart: number, duration: number, signal?: AbortSignal): Promise<void> {
  const channels = await Promise.all(tracks.map((t) => audioChannels(t.file)));
  const args = ["-hide_banner", "-loglevel", "error", "-y"];
  const filters: string[] = [];
  const labels: string[] = [];
  tracks.forEach((t, i) => {
    if (t.mediaStart > 0) args.push("-ss", t.mediaStart.toFixed(6));
    args.push("-i", t.file);
    const clipEnd = Math.min(t.end ?? Infinity, rangeStart + duration);
    const clipStart = Math.max(t.start, rangeStart);
    const skip = Math.max(0, rangeStart - t.start); // seconds of composition time already past
    const len = clipEnd - clipStart;
    if (len <= 0) return;
    const delayMs = Math.round((clipStart - rangeStart) * 1000);
    // a looping track wraps back to its media start: repeat the period [media start, source end)
    const period = t.loop && t.sourceSeconds ? Math.round((t.sourceSeconds - t.mediaStart) * 48000) : 0;
    const chain = [
      "aresample=48000",
      ...(channels[i] === 1
        ? ["aformat=sample_fmts=fltp:channel_layouts=mono", "pan=stereo|c0=c0|c1=c0"]
        : ["aformat=sample_fmts=fltp:channel_layouts=stereo"]),
      // a finite repeat count: an endless aloop never lets FFmpeg finish
      period > 0 ? `aloop=loop=${Math.ceil(((skip + len) * t.rate * 48000) / period) + 1}:size=${period}` : "",
      `atrim=start=${(skip * t.rate).toFixed(6)}:duration=${(len * t.rate).toFixed(6)}`,
      "asetpts=PTS-STARTPTS",
      atempoChain(t.rate),
      `volume=${t.volume.toFixed(6)}`,
      delayMs > 0 ? `adelay=${delayMs}|${delayMs}` : "",
      "apad",
      `atrim=duration=${duration.toFixed(6)}`,
    ].filter(Boolean);
    filters.push(`[${i}:a]${chain.join(",")}[a${i}]`);
    labels.push(`[a${i}]`);
  });
  if (labels.length === 0) {
    args.push("-f", "lavfi", "-t", duration.toFixed(6), "-i", "anullsrc=r=48000:cl=stereo");
    args.push("-c:a", "pcm_s16le", out);
  } else {
    const mix =
      labels.length === 1
        ? `${labels[0]}anull[out]`
        : `${labels.join("")}amix=inputs=${labels.length}:duration=longest:dropout_transition=0,volume=${labels.length}[out]`;
    filters.push(mix);
    args.push("-filter_complex", filters.join(";"), "-map", "[out]", "-ar", "48000", "-ac", "2", "-c:a", "pcm_s16le", "-t", duration.toFixed(6), out);
  }
  await runFfmpeg(
    args,
    signal,
    (tail) =>
      new RenderError("audio_mix_failed", `mixing audio failed: ${tail}`, {
        hint: `check the audio files: ${tracks.map((t) => t.label).join(", ")}`,
      }),
  );
}
