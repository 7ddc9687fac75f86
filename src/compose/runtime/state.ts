// Shared state of the in-page runtime: config, virtual clock, errors and warnings, the timing model's state, adapters.
import { installVirtualTime, type VirtualTime } from "./virtual-time.js";
import { createAdapters } from "./adapters.js";
import type { LineMap } from "../line-map.js";
import type { VideoFrameTable } from "./protocol.js";

export type AnyObj = Record<string, any>;
export const W = window as any;

interface RuntimeConfig {
  mode: "render" | "preview";
  fps: number;
  variables?: AnyObj;
  /** ms to wait for a timeline after load before continuing without one */
  timelineWaitMs?: number;
  /** transparent background (webm/mov with alpha) */
  transparent?: boolean;
  /** where each line of this page comes from in the author's files (compile.ts, inject.ts) */
  lineMap?: LineMap;
}

export const cfg: RuntimeConfig = Object.assign({ mode: "preview", fps: 30, timelineWaitMs: 3000 }, W.__HF_CONFIG || {});
export const isRender = cfg.mode === "render";
export const vt: VirtualTime | null = isRender ? installVirtualTime() : null;
/** the wall clock, untouched by the virtual clock (preview transport, readiness deadlines) */
export const realRaf = (vt ? vt.realRequestAnimationFrame : window.requestAnimationFrame.bind(window)) as typeof requestAnimationFrame;
export const realNow = vt ? vt.realNow : () => performance.now();

// Errors and warnings visible to the host (render/preview)
export const errors: string[] = [];
export const warnings: string[] = [];

// anime.js and Lottie instances (window.__hfAnime, window.__hfLottie, v3 anime.running, lottie's registry)
export const adapters = createAdapters((m) => warnings.push(m));

export interface Timed {
  el: HTMLElement;
  start: number;
  duration: number | null;
  end: number;
  parent: Timed | null;
  kind: "scene" | "video" | "audio" | "img" | "composition";
  track: number;
  compositionId: string;
  hasTimedDescendants: boolean;
  inFlow: boolean;
  origDisplay: string;
}
export const state = {
  initialized: false,
  time: 0,
  root: null as HTMLElement | null,
  rootId: "",
  timed: [] as Timed[],
  byEl: new Map<Element, Timed>(),
  rootTl: null as AnyObj | null,
  children: [] as { tl: AnyObj; host: HTMLElement; start: number; playbackStart: number; rate: number }[],
  duration: 0,
  staticDuration: 0,
  playing: false,
  rate: 1,
  videoFrames: null as null | VideoFrameTable,
  /** start and duration resolution of the timing model (set by buildTiming) */
  resolveStart: null as null | ((el: HTMLElement) => number),
  durationOf: null as null | ((el: HTMLElement, start: number) => number | null),
  /** settles with init() (set by index.ts before anything can seek) */
  ready: Promise.resolve() as Promise<void>,
};
