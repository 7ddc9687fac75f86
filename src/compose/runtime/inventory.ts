// What animates when, for the preview's timeline: every element the registered GSAP timelines tween (root and
// sub-compositions, staggers and keyframes per target), CSS animations and WAAPI, as spans in composition time,
// each element under the clip it belongs to. Read-only: nothing here changes the page.
import { state, type AnyObj } from "./state.js";
import { animationBase } from "./animations.js";
import { clipId } from "./timing.js";

export interface AnimatedSpan {
  start: number;
  end: number;
  kind: "gsap" | "css" | "waapi";
  /** the animated properties (GSAP), the animation name (CSS) or id (WAAPI) */
  what: string;
}

export interface AnimatedElement {
  /** `#id`, else `tag.class` numbered in document order (`.bar 2`) */
  label: string;
  /** the id of the clip it is in (clips() ids), or null outside every clip */
  clip: string | null;
  spans: AnimatedSpan[];
}

/** GSAP vars that are not animated properties. */
const CONTROL = new Set(
  "duration delay ease stagger repeat repeatDelay yoyo yoyoEase paused immediateRender overwrite lazy id data defaults keyframes inherit runBackwards startAt callbackScope onStart onStartParams onUpdate onUpdateParams onComplete onCompleteParams onRepeat onRepeatParams onReverseComplete onReverseCompleteParams onInterrupt autoRound snap modifiers easeReverse".split(" "),
);

type Found = { el: Element; span: AnimatedSpan };

/** Tweens of `tl` (recursively), `offset` the composition time of its 0, `scale` how many of its seconds make one of ours. */
function walk(tl: AnyObj, offset: number, scale: number, out: Found[], depth = 0): void {
  if (depth > 20 || typeof tl?.getChildren !== "function") return;
  for (const c of tl.getChildren(false, true, true) as AnyObj[]) {
    const start = offset + c.startTime() / scale;
    const s = scale * (typeof c.timeScale === "function" ? c.timeScale() || 1 : 1);
    if (typeof c.getChildren === "function") walk(c, start, s, out, depth + 1);
    else if (c.timeline && typeof c.timeline.getChildren === "function") walk(c.timeline, start, s, out, depth + 1);
    else {
      const end = start + (typeof c.totalDuration === "function" ? c.totalDuration() : c.duration()) / s;
      const what = Object.keys(c.vars ?? {}).filter((k) => !CONTROL.has(k)).join(", ");
      for (const el of (typeof c.targets === "function" ? c.targets() : []) as unknown[])
        if (el instanceof Element) out.push({ el, span: { start, end, kind: "gsap", what } });
    }
  }
}

function ownerClip(el: Element): string | null {
  for (let e: Element | null = el; e && e !== state.root; e = e.parentElement) {
    const t = state.byEl.get(e);
    if (t) return clipId(t.el);
  }
  return null;
}

export function animatedElements(): AnimatedElement[] {
  const found: Found[] = [];
  if (state.rootTl) walk(state.rootTl, 0, 1, found);
  for (const c of state.children) walk(c.tl, c.start - c.playbackStart / (c.rate || 1), c.rate || 1, found);
  for (const a of document.getAnimations()) {
    if (typeof CSSTransition !== "undefined" && a instanceof CSSTransition) continue;
    const el = (a.effect as KeyframeEffect | null)?.target;
    if (!el) continue;
    const timing = a.effect!.getComputedTiming();
    const isCss = typeof CSSAnimation !== "undefined" && a instanceof CSSAnimation;
    const start = animationBase(a) + Number(timing.delay ?? 0) / 1000;
    const active = Number(timing.activeDuration ?? 0) / 1000;
    const what = isCss ? (a as CSSAnimation).animationName : a.id || "animate()";
    found.push({ el, span: { start, end: start + active, kind: isCss ? "css" : "waapi", what } });
  }
  const limit = Math.max(state.duration, state.staticDuration);
  const byEl = new Map<Element, AnimatedElement>();
  const seen = new Map<string, number>();
  // document order (the sort is stable: an element's spans keep their timeline order)
  found.sort((x, y) => (x.el === y.el ? 0 : x.el.compareDocumentPosition(y.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  for (const { el, span } of found) {
    if (!Number.isFinite(span.start)) continue;
    if (!Number.isFinite(span.end) || span.end > limit) span.end = Math.max(span.start, limit);
    let entry = byEl.get(el);
    if (!entry) {
      let label = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}${el.classList[0] ? `.${el.classList[0]}` : ""}`;
      if (!el.id) {
        const n = (seen.get(label) ?? 0) + 1;
        seen.set(label, n);
        label = `${label} ${n}`;
      }
      entry = { label, clip: ownerClip(el), spans: [] };
      byEl.set(el, entry);
    }
    entry.spans.push(span);
  }
  return [...byEl.values()];
}
