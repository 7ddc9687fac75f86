/**
 * Render mode: a <video> used as an image source. The browser does not play the videos of a render (it may
 * lack the codec, and its decoder is not frame-exact); the frame on screen is an <img> of the pre-extracted
 * frame (media.ts). Page code that draws the video itself — `drawImage(video)` on a 2D canvas,
 * `texImage2D(…, video)` in WebGL, `createImageBitmap(video)`, `createPattern(video)` — gets that frame
 * instead, as in the official renderer, whose WebGL video textures show the rendered frame. For such code
 * the video also reports the frame as loaded (`readyState` 4, `videoWidth`/`videoHeight` of the frame).
 * The frame images are decoded before the page's own per-frame code runs (seek.ts), so the drawn frame is
 * the current one.
 */
import { frameImageOf } from "./media.js";

type Fn = (...args: any[]) => any;

/** The frame image standing for `v`, once it holds a decoded frame. */
function stand(v: HTMLVideoElement): HTMLImageElement | undefined {
  const img = frameImageOf(v);
  return img && img.complete && img.naturalWidth > 0 ? img : undefined;
}

function swap(args: any[]): any[] {
  return args.map((a) => (a instanceof HTMLVideoElement ? (stand(a) ?? a) : a));
}

function wrap(proto: any, name: string): void {
  const orig: Fn | undefined = proto?.[name];
  if (typeof orig !== "function") return;
  proto[name] = function (this: unknown, ...args: any[]) {
    return orig.apply(this ?? globalThis, swap(args));
  };
}

function reportLoaded(name: "readyState" | "videoWidth" | "videoHeight", value: (img: HTMLImageElement) => number): void {
  const proto = name === "readyState" ? HTMLMediaElement.prototype : HTMLVideoElement.prototype;
  const d = Object.getOwnPropertyDescriptor(proto, name);
  if (!d?.get) return;
  const get = d.get;
  Object.defineProperty(proto, name, {
    ...d,
    get(this: HTMLMediaElement) {
      const img = this instanceof HTMLVideoElement ? stand(this) : undefined;
      return img ? value(img) : get.call(this);
    },
  });
}

export function installVideoSources(): void {
  const W = window as any;
  for (const ctx of [W.CanvasRenderingContext2D, W.OffscreenCanvasRenderingContext2D]) {
    wrap(ctx?.prototype, "drawImage");
    wrap(ctx?.prototype, "createPattern");
  }
  for (const gl of [W.WebGLRenderingContext, W.WebGL2RenderingContext]) {
    for (const name of ["texImage2D", "texSubImage2D", "texImage3D", "texSubImage3D"]) wrap(gl?.prototype, name);
  }
  wrap(W, "createImageBitmap");
  reportLoaded("readyState", () => 4);
  reportLoaded("videoWidth", (img) => img.naturalWidth);
  reportLoaded("videoHeight", (img) => img.naturalHeight);
}
