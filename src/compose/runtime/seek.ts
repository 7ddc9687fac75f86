// Seeking: frame-quantised seeks of timelines, visibility, animations, adapters and media; change detection for renders.
import { adapters, cfg, isRender, state, vt, W } from "./state.js";
import { postToParent, whereThrown } from "./bridge.js";
import { seekTl } from "./timelines.js";
import { applyVisibility } from "./visibility.js";
import { seekAnimations } from "./animations.js";
import { showVideoFrames, syncMedia } from "./media.js";
import { freshLayout } from "./fresh-layout.js";

function quantise(t: number): number {
  const fps = cfg.fps || 30;
  return Math.floor(t * fps + 1e-9) / fps;
}

let lastSeekEvent = -1;
/**
 * Seek everything to `tRaw` (quantised to a frame). `pageCode: false` stops before the page's own per-frame
 * code (hf-seek listeners, rAF callbacks) so that a render can first wait for the video frames it just
 * asked for: page code that draws a video (video-sources.ts) then draws the current frame.
 */
export function seekSync(tRaw: number, pending: Promise<unknown>[], pageCode = true): number {
  const t = quantise(Math.max(0, tRaw));
  state.time = t;
  if (vt) vt.set(t * 1000);
  // clips first, then timelines: a tween first rendered while its clip is out of its window reads the
  // clip's styles as the official renderer's do (an in-flow leaf clip is display:none then, and Chrome
  // reports no CSS transform inside a display:none subtree, so GSAP starts such a scale at 1)
  applyVisibility(t);
  if (state.rootTl) seekTl(state.rootTl, t);
  for (const c of state.children) {
    const local = c.playbackStart + Math.max(0, t - c.start) * c.rate;
    seekTl(c.tl, local);
  }
  seekAnimations(t);
  adapters.seek(t);
  if (isRender) showVideoFrames(t, pending);
  else syncMedia(t);
  if (pageCode) runPageCode(t, pending);
  return t;
}

/** The page's own code for frame `t`: the hf-seek event (once per time) and the queued rAF callbacks. */
function runPageCode(t: number, pending: Promise<unknown>[]): void {
  if (lastSeekEvent !== t) {
    lastSeekEvent = t;
    W.__hfThreeTime = t;
    W.__hfTypegpuTime = t;
    window.dispatchEvent(new CustomEvent("hf-seek", { detail: { time: t, waitUntil: (p: Promise<unknown>) => pending.push(Promise.resolve(p).catch(() => undefined)) } }));
  }
  if (vt) vt.flushFrame();
}

// Change detection for renders: a frame whose DOM, styles, animations and media are exactly as at the
// previous render seek looks the same, so the renderer reuses the previous image instead of capturing.
let domChanged = true;
let changeObserver: MutationObserver;
export function installChangeDetection(): void {
  changeObserver = new MutationObserver(() => {
    domChanged = true;
  });
  changeObserver.observe(document, { attributes: true, childList: true, subtree: true, characterData: true });
}
const animationState = new WeakMap<Animation, string>();
function frameChanged(): boolean {
  if (changeObserver.takeRecords().length > 0) domChanged = true;
  let changed = domChanged;
  for (const a of document.getAnimations()) {
    const ct = a.effect?.getComputedTiming();
    const key = `${ct?.progress}|${ct?.currentIteration}`;
    if (animationState.get(a) !== key) changed = true;
    animationState.set(a, key);
  }
  // pixels that change without DOM mutations: canvases, iframes, and anything drawn by rAF callbacks
  if (document.querySelector("canvas, iframe, embed, object, animate, animateTransform, animateMotion, set")) changed = true;
  domChanged = false;
  return changed;
}

/** Render seek: like seek(), and tells whether anything visible may have changed since the previous call. */
export async function renderSeek(t: number): Promise<boolean> {
  await state.ready;
  const pending: Promise<unknown>[] = [];
  try {
    const time = seekSync(t, pending, false);
    if (pending.length) await Promise.all(pending.splice(0));
    runPageCode(time, pending);
  } catch (e) {
    // a page callback (onUpdate, an hf-seek listener…) threw: say where, in the author's file
    const where = whereThrown(e);
    if (!where || !(e instanceof Error)) throw e;
    const Ctor = (e.constructor as ErrorConstructor) ?? Error;
    throw new Ctor(`${e.message}${where}`);
  }
  if (pending.length) await Promise.all(pending);
  const changed = frameChanged();
  // a frame that will be captured is laid out as on a page that starts here (fresh-layout.ts)
  if (changed) freshLayout();
  return changed;
}

export async function seek(t: number): Promise<void> {
  await state.ready;
  const pending: Promise<unknown>[] = [];
  seekSync(t, pending);
  if (pending.length) await Promise.all(pending);
  postToParent({ type: "state", time: state.time, frame: Math.round(state.time * cfg.fps), isPlaying: state.playing });
}
