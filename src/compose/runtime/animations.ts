// CSS animations and WAAPI: animations created by page scripts remembered, and all seeked to composition time.
import { state } from "./state.js";

const waapiCreated = new WeakMap<Animation, number>();

/** WAAPI: remember animations created by page scripts (document.getAnimations also finds them). */
export function installWaapiTracking(): void {
  const origAnimate = Element.prototype.animate;
  Element.prototype.animate = function (this: Element, ...args: any[]) {
    const a = (origAnimate as any).apply(this, args) as Animation;
    waapiCreated.set(a, state.time);
    return a;
  };
}

export function startOfAnimationTarget(a: Animation): number {
  const target = (a.effect as KeyframeEffect | null)?.target as Element | null;
  if (!target) return 0;
  for (let el: Element | null = target; el && el !== state.root; el = el.parentElement) {
    const t = state.byEl.get(el);
    if (t) return t.start;
  }
  return 0;
}

/** The composition time an animation's own time 0 stands at: its clip's start (CSS), when it was created (WAAPI). */
export function animationBase(a: Animation): number {
  const isCss = typeof CSSAnimation !== "undefined" && a instanceof CSSAnimation;
  return isCss ? startOfAnimationTarget(a) : (waapiCreated.get(a) ?? 0);
}

export function seekAnimations(time: number): void {
  for (const a of document.getAnimations()) {
    const isTransition = typeof CSSTransition !== "undefined" && a instanceof CSSTransition;
    if (isTransition) {
      a.finish();
      continue;
    }
    const base = animationBase(a);
    try {
      a.pause();
      a.currentTime = (time - base) * 1000;
    } catch {
      /* detached animation */
    }
  }
}
