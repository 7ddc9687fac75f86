// Visibility: clips shown only inside their half-open window, gated by their timed ancestors.
import { state, type Timed } from "./state.js";

/**
 * Window edges are compared with a micro-second of slack, as the official runtime ends a clip at exactly
 * start + duration: 1.6 + 0.8 is 2.4000000000000004 in floating point, and the frame at t = 2.4 is past it.
 */
const EDGE = 1e-6;
export function isVisibleAt(t: Timed, time: number): boolean {
  for (let c: Timed | null = t; c; c = c.parent) {
    if (!(c.start - EDGE <= time && time < c.end - EDGE)) return false;
  }
  return true;
}
const lastVisible = new WeakMap<Element, boolean>();
/**
 * Marks a clip outside its window. Nothing inside it shows, not even a descendant whose own CSS says
 * `visibility: visible` (which plain `visibility: hidden` on the clip would let through): like the
 * official runtime, a style rule hides every descendant of a marked clip with `!important`.
 */
const CLIP_HIDDEN = "data-hf-clip-hidden";
export function installClipHiddenRule(): void {
  addRuntimeStyle(`[${CLIP_HIDDEN}] * { visibility: hidden !important; }`);
}

/** A style sheet of the runtime's own, added to the page (marked data-hf-runtime); remove it to undo. */
export function addRuntimeStyle(css: string): HTMLStyleElement {
  const style = document.createElement("style");
  style.setAttribute("data-hf-runtime", "");
  style.textContent = css;
  (document.head ?? document.documentElement).appendChild(style);
  return style;
}
export function applyVisibility(time: number): void {
  for (const t of state.timed) {
    if (t.kind === "audio") continue;
    const hidden = t.el.hasAttribute("data-hidden");
    const vis = !hidden && isVisibleAt(t, time);
    // write only on change: untouched styles keep a static frame free of damage (and cheap to capture)
    if (lastVisible.get(t.el) === vis && !hidden) continue;
    lastVisible.set(t.el, vis);
    t.el.style.visibility = vis ? "visible" : "hidden";
    t.el.toggleAttribute(CLIP_HIDDEN, !vis);
    if (t.inFlow && !t.hasTimedDescendants) t.el.style.display = vis ? t.origDisplay : "none";
    if (hidden) t.el.style.display = "none";
  }
}
