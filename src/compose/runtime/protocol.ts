/**
 * The contract between the in-page runtime and its two hosts: `window.__hf` as the renderer (render/capture.ts,
 * over CDP) and the preview's player (preview/client/) read it. Types only, so both sides and the runtime that
 * builds it (runtime/index.ts, checked with `satisfies`) share one definition.
 */
import type { AnimatedElement } from "./inventory.js";
import type { MediaPlayback } from "../media-rules.js";

/** A clip of the timing model, as the hosts list them. */
export interface RuntimeClip {
  id: string;
  kind: "scene" | "video" | "audio" | "img" | "composition";
  start: number;
  duration: number | null;
  track: number;
  compositionId: string;
}

/** A <video>/<audio> of the page, as the renderer mixes and extracts it. */
export interface RuntimeMedia extends MediaPlayback {
  key: string;
  id: string | null;
  tag: "video" | "audio";
  src: string | null;
  /** a clip of the timing model (inside the root, with data-start); the others are only mixed */
  timed: boolean;
  start: number;
  end: number | null;
  hidden: boolean;
}

/** Per media key: where the renderer serves a video's decoded frames, how many, and the source's size. */
export type VideoFrameTable = Record<string, { urlPrefix: string; count: number; ext: string; width?: number; height?: number }>;

export interface HfRuntimeApi {
  /** preview: seek and draw (resolves when the frame is ready) */
  seek(t: number): Promise<void>;
  /** render: seek for a capture; resolves with whether the frame changed since the last one */
  renderSeek(t: number): Promise<unknown>;
  /** settles once the page is ready to seek (rejects when it failed to start) */
  ready: Promise<void>;
  readonly duration: number;
  readonly fps: number;
  getTime(): number;
  clips(): RuntimeClip[];
  /** every animated element and when it animates (the preview's timeline) */
  animated(): AnimatedElement[];
  media(): RuntimeMedia[];
  errors: string[];
  warnings: string[];
  /** readiness stages still pending (dom, load, timeline, fonts, images, media, adapters) */
  pendingReady: Record<string, boolean>;
  setMediaDurations(table: Record<string, number>): void;
  setVideoFrames(table: VideoFrameTable): void;
  readonly error: string | undefined;
}

/** A window the runtime runs in. */
export type HfWindow = Window & { __hf: HfRuntimeApi };
