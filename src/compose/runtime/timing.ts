// Timing model: clip starts (relative and host-offset) and durations, built once the page is ready.
// The data-start grammar is compose/timing.ts's, shared with the model, lint and the preview.
import { state, W, warnings, type Timed } from "./state.js";
import { parseStartExpression } from "../timing.js";
import { pickRoot } from "../root-rule.js";
import { mediaStartFrom, playbackRateFrom } from "../media-rules.js";
import type { RuntimeClip } from "./protocol.js";

export function findRoot(): HTMLElement | null {
  const candidates = Array.from(document.querySelectorAll<HTMLElement>("[data-composition-id]"));
  return (
    pickRoot(candidates, {
      flagged: (e) => e.getAttribute("data-root") === "true",
      nested: (e) => !!e.parentElement?.closest("[data-composition-id]"),
    }) ?? null
  );
}

export const num = (v: string | null | undefined): number | null => {
  if (v === null || v === undefined || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

function kindOf(el: Element): RuntimeClip["kind"] {
  const tag = el.tagName.toLowerCase();
  if (el.hasAttribute("data-composition-id")) return "composition";
  if (tag === "video" || tag === "audio" || tag === "img") return tag;
  return "scene";
}

/**
 * Clips the official renderer shows for as long as their parent shows (measured with its CLI): a mounted
 * sub-composition root (its host is the clip), and a host without an authored length — neither its
 * timeline's length nor the sub-composition's own data-duration ends it.
 */
function shownUntilParentEnds(el: HTMLElement): boolean {
  if (el.hasAttribute("data-hf-inner-root")) return true;
  return el.hasAttribute("data-composition-src") && num(el.getAttribute("data-duration")) === null && num(el.getAttribute("data-end")) === null;
}

/** A clip's duration: authored, from data-end, the media's own length, or a sub-composition's timeline. */
function clipDuration(root: HTMLElement, el: HTMLElement, start: number): number | null {
  const d = num(el.getAttribute("data-hf-authored-duration") ?? el.getAttribute("data-duration"));
  if (d !== null && d > 0) return d;
  const end = num(el.getAttribute("data-end"));
  if (end !== null && end - start > 0) return end - start;
  if (el instanceof HTMLMediaElement && Number.isFinite(el.duration) && el.duration > 0) {
    const ms = mediaStartOf(el);
    return Math.max(0, (el.duration - ms) / rateOf(el));
  }
  if (el.hasAttribute("data-composition-id") && el !== root) {
    const tl = W.__timelines[el.getAttribute("data-composition-id")!];
    if (tl && typeof tl.duration === "function") return tl.duration();
  }
  return null;
}

const label = (el: Element) => `#${el.id || el.tagName.toLowerCase()}`;

/** Clip starts under `root`: absolute (plus the host's start), relative to another clip, cached, cycles broken. */
function startResolver(root: HTMLElement): (el: HTMLElement) => number {
  const startCache = new Map<Element, number>();
  const visiting = new Set<Element>();
  const hostStartOf = (el: HTMLElement): number => {
    const host = el.parentElement?.closest<HTMLElement>("[data-composition-id]");
    if (!host || host === root || !root.contains(host)) return 0;
    // a mounted inner root without data-start inherits its host's start
    return resolveStart(host);
  };
  const referenceStart = (raw: string, refId: string, offset: number): number => {
    const target = (document.getElementById(refId) || document.querySelector(`[data-composition-id="${CSS.escape(refId)}"]`)) as HTMLElement | null;
    if (!target) {
      warnings.push(`data-start "${raw}" names an unknown id "${refId}"; using 0`);
      return 0;
    }
    const ts = resolveStart(target);
    const td = clipDuration(root, target, ts);
    return Math.max(0, (td === null ? ts : ts + td) + offset);
  };
  const computeStart = (el: HTMLElement): number => {
    // a mounted inner root sits at its host's start: its own data-start (often the host's absolute start,
    // copied into the sub-composition file) is not added again, as in the official renderer
    const raw = el.hasAttribute("data-hf-inner-root") ? "" : (el.getAttribute("data-start") ?? "").trim();
    if (raw === "") return hostStartOf(el);
    const expr = parseStartExpression(raw);
    if (!expr) {
      warnings.push(`invalid data-start "${raw}" on ${label(el)}; using 0`);
      return 0;
    }
    if (expr.kind === "absolute") return Math.max(0, expr.value) + hostStartOf(el);
    return referenceStart(raw, expr.refId, expr.offset);
  };
  const resolveStart = (el: HTMLElement): number => {
    if (el === root) return 0;
    const hit = startCache.get(el);
    if (hit !== undefined) return hit;
    if (visiting.has(el)) {
      warnings.push(`data-start cycle at ${label(el)}; using 0`);
      return 0;
    }
    visiting.add(el);
    const start = computeStart(el);
    visiting.delete(el);
    startCache.set(el, start);
    return start;
  };
  return resolveStart;
}

/** One clip of the timing model (its parent is linked afterwards). */
function timedClip(el: HTMLElement, start: number, duration: number | null): Timed {
  const cs = getComputedStyle(el);
  return {
    el,
    start,
    duration,
    end: shownUntilParentEnds(el) || duration === null ? Infinity : start + duration,
    parent: null,
    kind: kindOf(el),
    track: num(el.getAttribute("data-track-index") ?? el.getAttribute("data-layer")) ?? 0,
    compositionId: el.parentElement?.closest("[data-composition-id]")?.getAttribute("data-composition-id") ?? state.rootId,
    // a mounted root's own data-start does not count (it is no clip: its host is), as in the official
    hasTimedDescendants: !!el.querySelector("[data-start]:not([data-hf-inner-root])"),
    inFlow: cs.position === "static" || cs.position === "relative" || cs.position === "sticky",
    origDisplay: el.style.display,
  };
}

/** Each clip's parent: its nearest timed ancestor below the root. */
function linkParents(timed: Timed[], byEl: Map<Element, Timed>, root: HTMLElement): void {
  for (const t of timed) {
    let p = t.el.parentElement;
    while (p && p !== root) {
      const pt = byEl.get(p);
      if (pt) {
        t.parent = pt;
        break;
      }
      p = p.parentElement;
    }
  }
}

export function buildTiming(root: HTMLElement): void {
  const resolveStart = startResolver(root);
  const durationOf = (el: HTMLElement, start: number) => clipDuration(root, el, start);
  const timed: Timed[] = [];
  const byEl = new Map<Element, Timed>();
  for (const el of Array.from(root.querySelectorAll<HTMLElement>("[data-start]"))) {
    if (el === root) continue;
    const start = resolveStart(el);
    const t = timedClip(el, start, durationOf(el, start));
    timed.push(t);
    byEl.set(el, t);
  }
  linkParents(timed, byEl, root);
  state.timed = timed;
  state.byEl = byEl;
  state.resolveStart = resolveStart;
  state.durationOf = durationOf;
}

export function mediaStartOf(el: Element): number {
  return mediaStartFrom(num(el.getAttribute("data-playback-start")) ?? num(el.getAttribute("data-media-start")));
}
export function rateOf(el: Element): number {
  return playbackRateFrom(num(el.getAttribute("data-playback-rate")));
}

/** The clips of the timing model, as the host lists them. */
/** The id a clip is listed under: its id, else its composition id, else its tag. */
export function clipId(el: Element): string {
  return el.id || el.getAttribute("data-composition-id") || el.tagName.toLowerCase();
}

export function clips(): RuntimeClip[] {
  return state.timed.map((t) => ({
    id: clipId(t.el),
    kind: t.kind,
    start: t.start,
    duration: t.duration,
    track: t.track,
    compositionId: t.compositionId,
  }));
}
