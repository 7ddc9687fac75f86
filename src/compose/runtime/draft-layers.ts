/**
 * Draft renders only: give plain boxes that GSAP only moves (x/y) a compositor layer of their own
 * (`will-change: transform`), so Chrome rasters them once and moves the pixels, instead of re-rastering
 * them at every new sub-pixel offset. A full-screen drifting gradient costs ~23 ms of raster per 1080p
 * frame otherwise. The trade: moved pixels are resampled (bilinear) rather than re-drawn, which is why
 * only boxes without text, images or children qualify, and only in draft quality.
 *
 * An element qualifies when every GSAP tween that targets it animates nothing but x, y, xPercent,
 * yPercent, opacity or autoAlpha (at least one of the first four), no ancestor is scaled, rotated or
 * skewed by GSAP, and it is a positioned leaf with no text, no generated content and no replaced content.
 * Such an element is a stacking context with or without the hint, so painting order is unchanged.
 */
type AnyObj = Record<string, any>;

const MOVES = new Set(["x", "y", "xPercent", "yPercent"]);
const ALSO_ALLOWED = new Set(["opacity", "autoAlpha"]);
/** GSAP vars that steer a tween rather than animate a property. */
const CONTROL = new Set([
  "duration", "ease", "delay", "repeat", "repeatDelay", "yoyo", "yoyoEase", "stagger", "overwrite", "immediateRender",
  "lazy", "id", "paused", "reversed", "runBackwards", "data", "inherit", "callbackScope", "repeatRefresh", "force3D",
  "onStart", "onStartParams", "onUpdate", "onUpdateParams", "onComplete", "onCompleteParams", "onRepeat",
  "onRepeatParams", "onReverseComplete", "onReverseCompleteParams", "onInterrupt", "onInterruptParams", "parent",
  "startAt", "keyframes", "transformOrigin", "svgOrigin", "smoothOrigin",
]);
const REPLACED = new Set(["IMG", "VIDEO", "CANVAS", "IFRAME", "OBJECT", "EMBED", "INPUT", "TEXTAREA", "SELECT", "BUTTON", "PICTURE"]);

/** What a tween's vars animate on its targets: "move" (x/y only), "other" (anything else) or "none". */
function classify(vars: AnyObj | undefined): "move" | "other" | "none" {
  if (!vars || typeof vars !== "object") return "none";
  let kind: "move" | "other" | "none" = "none";
  for (const key of Object.keys(vars)) {
    if (key === "startAt" || key === "keyframes") {
      const inner = key === "keyframes" && Array.isArray(vars[key]) ? vars[key] : [vars[key]];
      for (const v of inner) {
        const k = classify(v);
        if (k === "other") return "other";
        if (k === "move") kind = "move";
      }
      continue;
    }
    if (CONTROL.has(key)) continue;
    if (MOVES.has(key)) kind = "move";
    else if (!ALSO_ALLOWED.has(key)) return "other";
  }
  return kind;
}

function isPlainLeafBox(el: Element): el is HTMLElement {
  if (!(el instanceof HTMLElement) || el.children.length > 0 || REPLACED.has(el.tagName)) return false;
  if ((el.textContent ?? "").trim() !== "") return false;
  const cs = getComputedStyle(el);
  if (cs.position === "static" || (cs.willChange && cs.willChange !== "auto")) return false;
  for (const pseudo of ["::before", "::after"]) {
    const content = getComputedStyle(el, pseudo).content;
    if (content && content !== "none" && content !== "normal") return false;
  }
  return true;
}

/** Applies the hint to the qualifying elements of these timelines; returns how many got it. */
export function promoteMovingBoxes(timelines: AnyObj[]): number {
  const kinds = new Map<Element, "move" | "other">();
  for (const tl of timelines) {
    if (!tl || typeof tl.getChildren !== "function") continue;
    let tweens: AnyObj[];
    try {
      tweens = tl.getChildren(true, true, false);
    } catch {
      continue;
    }
    for (const tw of tweens) {
      const kind = classify(tw.vars);
      if (kind === "none") continue;
      const targets: unknown[] = typeof tw.targets === "function" ? tw.targets() : [];
      for (const t of targets) {
        if (!(t instanceof Element)) continue;
        if (kind === "other" || kinds.get(t) === "other") kinds.set(t, "other");
        else kinds.set(t, "move");
      }
    }
  }
  let promoted = 0;
  for (const [el, kind] of kinds) {
    if (kind !== "move" || !isPlainLeafBox(el)) continue;
    let reshaped = false;
    for (let a = el.parentElement; a && !reshaped; a = a.parentElement) reshaped = kinds.get(a) === "other";
    if (reshaped) continue;
    el.style.willChange = "transform";
    promoted++;
  }
  return promoted;
}
