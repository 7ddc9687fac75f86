// Media: clip windows of <video>/<audio>, pre-extracted video frames (render), element sync (preview), the host's list.
import { cfg, state } from "./state.js";
import { postToParent } from "./bridge.js";
import { mediaStartOf, num, rateOf } from "./timing.js";
import { isVisibleAt } from "./visibility.js";
import type { RuntimeMedia } from "./protocol.js";
import { hasAudioFrom, volumeFrom } from "../media-rules.js";

/**
 * The composition-time window of a <video>/<audio>. Media the timing model does not hold (outside the root,
 * or without data-start) still plays, as in the official renderer: from its own data-start when it has one,
 * else for the window of the sub-composition it is in, else from 0; until its duration, or its natural end.
 */
export function mediaWindow(el: HTMLMediaElement): { start: number; end: number } | null {
  const t = state.byEl.get(el);
  if (t) return { start: t.start, end: t.end };
  if (!state.resolveStart || !state.durationOf) return null;
  if (el.hasAttribute("data-start")) {
    const start = state.resolveStart(el);
    const d = state.durationOf(el, start);
    return { start, end: d === null ? Infinity : start + d };
  }
  for (let p = el.parentElement; p && p !== state.root; p = p.parentElement) {
    const host = p.hasAttribute("data-composition-id") ? state.byEl.get(p) : undefined;
    if (host) return { start: host.start, end: host.end };
  }
  return { start: 0, end: Infinity };
}

/**
 * Render mode: the browser does not load the videos (it may lack the codec), so a <video> would lay out at
 * the default 300x150. Give each one its source's size as width/height attributes (where the author set
 * none): the same box as a loaded video, also for CSS such as `width: 75%; height: auto`.
 */
export function applyIntrinsicSizes(table: Record<string, { width?: number; height?: number }>): void {
  for (const v of Array.from(document.querySelectorAll<HTMLVideoElement>("video"))) {
    const info = table[v.getAttribute("data-hf-video-key") ?? ""];
    if (!info?.width || !info.height || v.hasAttribute("width") || v.hasAttribute("height")) continue;
    v.setAttribute("width", String(info.width));
    v.setAttribute("height", String(info.height));
  }
}

/** Render mode: show pre-extracted video frames (served by the renderer) instead of the browser's decoder. */
const frameImgs = new Map<HTMLVideoElement, HTMLImageElement>();
/** The image showing `v`'s pre-extracted frames (render mode), if it has one (video-sources.ts). */
export const frameImageOf = (v: HTMLVideoElement): HTMLImageElement | undefined => frameImgs.get(v);
// The hidden <video>'s border is painted by the frame image instead, and its picture sits in the content box
// (border and padding copied), as in the official renderer (style-9-prod). Its box-shadow is not: the official
// frames show none.
const SIDES = ["Top", "Right", "Bottom", "Left"] as const;
const COPY_PROPS = [
  "objectFit", "objectPosition", "borderRadius", "opacity", "filter", "transform", "transformOrigin", "clipPath", "mixBlendMode",
  ...SIDES.flatMap((d) => [`border${d}Width`, `border${d}Style`, `border${d}Color`, `padding${d}`]),
] as const;
export function showVideoFrames(time: number, pending: Promise<unknown>[]): void {
  const table = state.videoFrames;
  if (!table) return;
  const fps = cfg.fps;
  for (const v of Array.from(document.querySelectorAll<HTMLVideoElement>("video"))) {
    const key = v.getAttribute("data-hf-video-key");
    const info = key ? table[key] : undefined;
    if (!info) continue;
    const win = mediaWindow(v) ?? { start: 0, end: Infinity };
    let img = frameImgs.get(v);
    if (!img) {
      img = document.createElement("img");
      img.className = "__render_frame__";
      img.setAttribute("aria-hidden", "true");
      // out of the flow from the start: an in-flow image next to the video would change the box it copies
      // (a flex row would share its width with it)
      img.style.position = "absolute";
      img.style.display = "none";
      v.insertAdjacentElement("afterend", img);
      frameImgs.set(v, img);
    }
    // the <video> itself is hidden by us: judge by its clip window and its parent's visibility
    const tv = state.byEl.get(v);
    const parentVisible = !v.parentElement || getComputedStyle(v.parentElement).visibility !== "hidden";
    const visible = (tv ? isVisibleAt(tv, time) : time >= win.start && time < win.end) && parentVisible && !v.closest("[data-hidden]");
    if (!visible || info.count === 0) {
      img.style.display = "none";
      continue;
    }
    const raw = Math.max(0, Math.round((time - win.start) * fps));
    // a looping clip's frames hold one period (media start → source end); others hold the last frame
    const idx = v.loop ? raw % info.count : Math.min(info.count - 1, raw);
    const src = `${info.urlPrefix}${idx}.${info.ext}`;
    const cs = getComputedStyle(v);
    const s = img.style;
    // the frame covers the video's used box: positioned absolutely at its offsets (a fixed video stays fixed)
    const fixed = cs.position === "fixed";
    s.position = fixed ? "fixed" : "absolute";
    s.inset = "auto";
    s.left = fixed ? cs.left : `${v.offsetLeft}px`;
    s.top = fixed ? cs.top : `${v.offsetTop}px`;
    s.width = `${v.offsetWidth}px`;
    s.height = `${v.offsetHeight}px`;
    s.zIndex = cs.zIndex;
    s.display = "block";
    s.visibility = "visible";
    s.boxSizing = "border-box";
    s.margin = "0";
    for (const p of COPY_PROPS) (s as any)[p] = (cs as any)[p];
    v.style.visibility = "hidden";
    if (img.getAttribute("src") !== src) {
      img.src = src;
      pending.push(img.decode().catch(() => undefined));
    }
  }
}

/** Preview mode: keep <video>/<audio> in step with the timeline. */
export function syncMedia(time: number): void {
  for (const m of Array.from(document.querySelectorAll<HTMLMediaElement>("video, audio"))) {
    const win = mediaWindow(m);
    if (!win) continue;
    const active = time >= win.start && time < win.end && !m.closest("[data-hidden]");
    const vol = num(m.getAttribute("data-volume"));
    // an element plays at most at full volume: louder data-volume values are for the render's mix
    if (vol !== null) m.volume = Math.min(1, volumeFrom(vol));
    m.playbackRate = rateOf(m) * state.rate;
    let src = (time - win.start) * rateOf(m) + mediaStartOf(m);
    if (m.loop && Number.isFinite(m.duration) && m.duration > 0) src = mediaStartOf(m) + ((src - mediaStartOf(m)) % (m.duration - mediaStartOf(m)));
    if (!active) {
      if (!m.paused) m.pause();
      continue;
    }
    if (state.playing) {
      if (Math.abs(m.currentTime - src) > 0.25) m.currentTime = src;
      if (m.paused) m.play().catch(() => postToParent({ type: "media-autoplay-blocked" }));
    } else {
      if (!m.paused) m.pause();
      if (Math.abs(m.currentTime - src) > 0.001) m.currentTime = src;
    }
  }
}

/** The page's <video>/<audio> elements, as the host mixes and extracts them. */
export function media(): RuntimeMedia[] {
  return Array.from(document.querySelectorAll<HTMLMediaElement>("video, audio")).map((m, i) => {
    const t = state.byEl.get(m);
    const win = mediaWindow(m) ?? { start: 0, end: Infinity };
    const key = m.getAttribute("data-hf-video-key") || `m${i}`;
    m.setAttribute("data-hf-video-key", key);
    const hiddenAncestor = !!m.closest("[data-hidden]");
    return {
      key,
      id: m.id || null,
      tag: m.tagName === "VIDEO" ? "video" : "audio",
      src: m.currentSrc || (m.getAttribute("src") ? new URL(m.getAttribute("src")!, document.baseURI).href : null),
      /** a clip of the timing model (inside the root, with data-start); the others are only mixed */
      timed: !!t,
      start: win.start,
      end: Number.isFinite(win.end) ? win.end : null,
      mediaStart: mediaStartOf(m),
      playbackRate: rateOf(m),
      volume: volumeFrom(num(m.getAttribute("data-volume"))),
      muted: m.muted || m.hasAttribute("muted"),
      loop: m.loop,
      hasAudio: hasAudioFrom(m.tagName, m.getAttribute("data-has-audio"), m.muted || m.hasAttribute("muted")),
      hidden: hiddenAncestor,
    };
  });
}
