/**
 * The media a loaded composition page reported, made ready for capture: clips without data-duration get their
 * source's length (ffprobe; the browser may lack the codec), timed videos are decoded to frames at the
 * composition's frame times (served by the render server, shown by the runtime), and audible clips become
 * audio tracks for the mix. Shared by render() and snapshot(), so a still shows a video exactly as a render does.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import type { CaptureSession, PageReport } from "./capture.js";
import type { RenderServer } from "./server.js";
import type { VideoFrameCache } from "./frame-cache.js";
import type { AudioTrack } from "./audio.js";
import { extractVideoFrames, extractKey } from "./video-frames.js";
import { localFileForUrl, describeMedia } from "./media-source.js";
import { probe, type ProbeResult, type ProbeStream } from "./ffmpeg.js";

/** Per video key: where its frames are served, how many, and the source's own size (the <video>'s intrinsic size). */
export type { VideoFrameTable } from "../compose/runtime/protocol.js";
import type { VideoFrameTable } from "../compose/runtime/protocol.js";

export interface PreparedMedia {
  /** source lengths (s) of clips that had no data-duration, by media key */
  naturalLengths: Record<string, number>;
  /** decoded frames of each timed video, by media key */
  videoTable: VideoFrameTable;
  /** audible clips, for the audio mix */
  tracks: AudioTrack[];
}

export interface PrepareMediaOptions {
  report: PageReport;
  server: RenderServer;
  project: string;
  /** composition length (s) */
  duration: number;
  fps: number;
  /** a temp folder for decoded frames */
  work: string;
  /** collect audio tracks (false for silent outputs and stills) */
  audio: boolean;
  videoFrameCache?: VideoFrameCache;
  signal?: AbortSignal;
  warn: (message: string) => void;
  /** called before each video is decoded */
  onDecode?: (file: string) => void;
}

/** ffprobe each source once per render (a file is asked for its length, its size and again when it loops). */
function sourceInfo() {
  const seen = new Map<string, Promise<ProbeResult | undefined>>();
  const get = (file: string) => {
    let p = seen.get(file);
    if (!p) seen.set(file, (p = probe(file).catch(() => undefined)));
    return p;
  };
  const video = async (file: string): Promise<ProbeStream | undefined> => (await get(file))?.streams.find((st) => st.codec_type === "video");
  return {
    /** seconds, 0 when unknown */
    length: async (file: string): Promise<number> => Number((await get(file))?.format.duration ?? 0) || 0,
    /** the first video stream, if any */
    video,
    /** the display size of the first video stream, if any */
    size: async (file: string): Promise<{ width?: number; height?: number }> => {
      const v = await video(file);
      return v?.width && v?.height ? { width: v.width, height: v.height } : {};
    },
  };
}

/** Work out natural lengths, decode timed videos and list audio tracks (the report's media `end`s are updated). */
export async function prepareMedia(o: PrepareMediaOptions): Promise<PreparedMedia> {
  const { report, server, duration, fps } = o;
  const projectReal = realpathSync(o.project);
  const source = sourceInfo();
  const videoTable: VideoFrameTable = {};
  const extracted = new Map<string, { dir: string; count: number }>();
  const tracks: AudioTrack[] = [];
  const naturalLengths: Record<string, number> = {};
  for (const m of report.media) {
    if (!m.timed || m.hidden || m.end !== null || m.loop) continue;
    const file = localFileForUrl(m.src, server.url, projectReal);
    if (!file) continue;
    const len = await source.length(file);
    if (len > 0) {
      naturalLengths[m.key] = len;
      m.end = m.start + Math.max(0, (len - m.mediaStart) / m.playbackRate);
    }
  }
  // Every audible <audio>/<video> of the page is mixed, like the official renderer: outside the root or
  // without data-start too (the runtime gives those a window, see mediaWindow). Video frames are extracted
  // for every <video> in the same window: the official renderer plays a body-level a-roll outside the root.
  for (const m of report.media) {
    if (m.hidden) continue;
    const audible = m.hasAudio && m.volume > 0;
    if (m.tag !== "video" && !m.timed && !audible) continue;
    const file = localFileForUrl(m.src, server.url, projectReal);
    if (!file) {
      if (m.src) o.warn(`${describeMedia(m)} is not a local file of the project (${m.src}); it is skipped in the render`);
      else if (m.timed || m.tag === "audio") o.warn(`${describeMedia(m)} has no src; it is skipped`);
      continue;
    }
    if (m.tag === "video") {
      const windowSeconds = Math.min(m.end ?? duration, duration) - m.start;
      if (windowSeconds <= 0) continue;
      const req = { file, mediaStart: m.mediaStart, rate: m.playbackRate, loop: m.loop, windowSeconds, fps, stream: await source.video(file) };
      const key = extractKey(req);
      let ex = extracted.get(key);
      if (!ex) {
        const dir = path.join(o.work, `video-${extracted.size}`);
        o.onDecode?.(file);
        ex = o.videoFrameCache ? await o.videoFrameCache.get(req, o.signal) : { dir, count: await extractVideoFrames(req, dir, o.signal) };
        extracted.set(key, ex);
      }
      videoTable[m.key] = { urlPrefix: server.addFrames(`v${[...extracted.keys()].indexOf(key)}`, ex.dir), count: ex.count, ext: "jpg", ...(await source.size(file)) };
    }
    if (o.audio && audible) {
      const sourceSeconds = m.loop ? await source.length(file) : undefined;
      tracks.push({ file, start: m.start, end: m.end, mediaStart: m.mediaStart, rate: m.playbackRate, volume: m.volume, loop: m.loop, sourceSeconds, label: describeMedia(m) });
    }
  }
  return { naturalLengths, videoTable, tracks };
}

/** Hand the prepared lengths and video frames to a loaded capture page. */
export async function applyMedia(session: CaptureSession, media: PreparedMedia): Promise<void> {
  if (Object.keys(media.naturalLengths).length) await session.setMediaDurations(media.naturalLengths);
  if (Object.keys(media.videoTable).length) await session.setVideoFrames(media.videoTable);
}
