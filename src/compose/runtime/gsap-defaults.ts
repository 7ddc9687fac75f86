/**
 * GSAP draws transforms in 2D on HyperFrames pages.
 *
 * GSAP's default (`force3D: "auto"`) writes `translate3d(...)` while a tween is under way, which gives every
 * moving element its own compositor layer: Chrome rasterizes it unrotated and unscaled, then resamples it when
 * the frame is composited, so text and edges come out softer. The official renderer (and so HeyGen's cloud)
 * renders with `force3D: false`: its reference frames match ours pixel for pixel with that default and differ
 * on every moving glyph without it (shared/bench frame 45: title MSE 0 vs 51). So the runtime sets that
 * default on the page's `gsap`, including a `gsap` a script assigns later (a setter on `window.gsap`).
 * A tween's own `force3D`, or the page's own `gsap.config()`, still wins.
 *
 * Written by hand: it is four lines of the contract, not a library's job.
 */
import { W } from "./state.js";

function configure(g: unknown): void {
  try {
    (g as { config?: (v: object) => unknown } | undefined)?.config?.({ force3D: false });
  } catch {
    // not GSAP after all: leave it alone
  }
}

export function installGsapDefaults(): void {
  configure(W.gsap);
  const own = Object.getOwnPropertyDescriptor(window, "gsap");
  if (own && !own.configurable) return;
  let current: unknown = W.gsap;
  Object.defineProperty(window, "gsap", {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (v: unknown) => {
      current = v;
      configure(v);
    },
  });
}
