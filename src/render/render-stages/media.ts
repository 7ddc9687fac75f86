/**
 * Stage 3 of render(): the media the first page reported, made ready for capture (media-prep.ts: clip lengths,
 * video clips decoded to frames, audio tracks), the tracks that sound within the frame range mixed to one WAV,
 * and the first page given the lengths and frames. Every later capture page gets the same (applyMedia).
 */
import path from "node:path";
import { mixAudio, type AudioTrack } from "../audio.js";
import { prepareMedia, applyMedia, type PreparedMedia } from "../media-prep.js";
import { throwIfAborted, type RenderContext } from "./context.js";
import type { PageSetup } from "./page.js";

export interface RenderMedia {
  prepared: PreparedMedia;
  /** the audio mix of the frame range (undefined: no audible track in it, or a silent format) */
  audioFile: string | undefined;
}

export async function prepareRenderMedia(ctx: RenderContext, page: PageSetup): Promise<RenderMedia> {
  const { opts, plan, reporter } = ctx;
  const { report } = page;
  const videoCount = Math.max(1, report.media.filter((m) => m.timed && !m.hidden && m.tag === "video").length);
  let decoded = 0;
  const prepared = await prepareMedia({
    report,
    server: page.server,
    project: plan.project,
    duration: page.duration,
    fps: plan.fps,
    work: ctx.live.work,
    audio: plan.withAudio,
    videoFrameCache: opts.videoFrameCache,
    signal: opts.signal,
    warn: reporter.warn,
    onDecode: (file) => reporter.progress({ stage: "decode", stageProgress: decoded++ / videoCount, frame: 0, fps: 0, etaSeconds: 0, message: `decoding ${path.basename(file)}` }),
  });
  if (!plan.withAudio && report.media.some((m) => m.timed && !m.hidden && m.hasAudio && m.volume > 0))
    reporter.warn(`the composition has audio; a ${plan.format} has none, so it is left out`);
  throwIfAborted(ctx);
  const audioFile = await mixRange(ctx, page, prepared.tracks);
  throwIfAborted(ctx);
  await applyMedia(page.first, prepared);
  return { prepared, audioFile };
}

/** Mix the tracks that sound within the frame range into the temp folder (undefined: none does). */
async function mixRange(ctx: RenderContext, page: PageSetup, tracks: AudioTrack[]): Promise<string | undefined> {
  if (tracks.length === 0) return undefined;
  const { fps } = ctx.plan;
  const rangeStart = page.range.start / fps;
  const seconds = page.frameCount / fps;
  const inRange = tracks.filter((t) => (t.end ?? Infinity) > rangeStart && t.start < rangeStart + seconds);
  if (inRange.length === 0) return undefined;
  const audioFile = path.join(ctx.live.work, "audio.wav");
  ctx.reporter.progress({ stage: "audio", stageProgress: 0, frame: 0, fps: 0, etaSeconds: 0, message: `mixing ${inRange.length} audio track${inRange.length === 1 ? "" : "s"}` });
  await mixAudio(inRange, audioFile, rangeStart, seconds, ctx.opts.signal);
  return audioFile;
}
