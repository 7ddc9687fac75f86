/**
 * The Lottie adapter (composition contract §3.4), lottie-web only: `window.__hfLottie` (array or single)
 * plus `lottie.getRegisteredAnimations()`. Autoplay is stopped and each animation paused once when first
 * seen; seek is `goToAndStop(frame, true)` with frame = t·frameRate, held on the last frame past the end.
 * Also the inferred duration (totalFrames / frameRate) and the readiness wait for animations whose data
 * is still loading (bounded, so a broken file never holds the render). dotLottie players are not seeked
 * (the contract does not say which of their methods to call).
 */
import { registry, W, type AnyObj, type WarnOnce } from "./adapter-registry.js";

/** How long one Lottie animation may hold readiness while its data loads (a broken file must not hang). */
const LOTTIE_LOAD_TIMEOUT_MS = 5000;

export interface LottieAdapter {
  discover(): void;
  seek(t: number): void;
  ready(): Promise<void>;
  inferredDuration(): number;
}

function isLottieWeb(a: AnyObj): boolean {
  return typeof a.goToAndStop === "function";
}

/** A name for warnings: the animation's name, its file or its container's id. */
function lottieLabel(a: AnyObj): string {
  const file = a.fileName ? `${a.path ?? ""}${a.fileName}.json` : "";
  const what = a.name || file || (a.wrapper?.id ? `#${a.wrapper.id}` : "");
  return what ? ` (${what})` : "";
}

/** The animation's JSON was fetched and answered with an HTTP error (its resource timing entry says so). */
function lottieFetchFailed(a: AnyObj): boolean {
  if (!a.fileName) return false;
  try {
    const url = new URL(`${a.path ?? ""}${a.fileName}.json`, document.baseURI).href;
    return performance.getEntriesByName(url).some((e) => Number((e as PerformanceResourceTiming & { responseStatus?: number }).responseStatus) >= 400);
  } catch {
    return false;
  }
}

function seekLottie(a: AnyObj, t: number): void {
  // no data yet: nothing to draw (lottie-web would only remember the frame)
  if (a.isLoaded === false) return;
  const fr = Number(a.frameRate);
  const total = Number(a.totalFrames);
  if (!(fr > 0) || !(total > 0)) {
    a.goToAndStop(t * 1000, false);
    return;
  }
  // Seek by frame rather than goToAndStop(t_ms, false): lottie-web turns ms into frames with
  // ms·(fr/1000), whose float error can land a hair below a whole frame (floored without subframes).
  // It would also scale by the author's setSpeed/setDirection; composition time maps to the file's own rate.
  let frame = t * fr;
  const whole = Math.round(frame);
  if (Math.abs(frame - whole) < 1e-6) frame = whole;
  // past the end, hold the last frame (lottie-web draws nothing at totalFrames: layers end there).
  // The contract says nothing about `loop`, so a looping animation holds its last frame too.
  a.goToAndStop(Math.max(0, Math.min(frame, total - 1)), true);
}

/**
 * Wait for one lottie-web animation's data: DOMLoaded (or data_ready once loaded), failure, or a timeout
 * counted from discovery.
 */
function lottieLoaded(a: AnyObj, warn: (message: string) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const offs: (() => void)[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const done = (problem?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const off of offs) {
        try {
          off();
        } catch {
          /* already destroyed */
        }
      }
      if (problem) warn(problem);
      resolve();
    };
    const on = (name: string, cb: () => void) => {
      // lottie-web's addEventListener returns the remover
      const off = a.addEventListener(name, cb);
      offs.push(typeof off === "function" ? off : () => a.removeEventListener?.(name, cb));
    };
    try {
      on("DOMLoaded", () => done());
      on("data_ready", () => {
        if (a.isLoaded !== false) done();
      });
      on("data_failed", () => done(`a Lottie animation${lottieLabel(a)} failed to load its data; it will not be drawn`));
      on("error", () => done(`a Lottie animation${lottieLabel(a)} reported an error while loading`));
    } catch {
      // a destroyed animation (no listener table): nothing to wait for
      return done();
    }
    // timers are real time (not virtualised), so this fires in render mode too
    timer = setTimeout(
      () => done(`a Lottie animation${lottieLabel(a)} was still loading after ${LOTTIE_LOAD_TIMEOUT_MS / 1000} s; continuing without it`),
      LOTTIE_LOAD_TIMEOUT_MS,
    );
    // loaded between discovery and now (isLoaded is set before DOMLoaded is dispatched)
    if (a.isLoaded !== false) done();
    // failed before anyone listened (lottie-web keeps no failed state; the page's resource timing does)
    else if (lottieFetchFailed(a)) done(`a Lottie animation${lottieLabel(a)} failed to load its data; it will not be drawn`);
  });
}

export function createLottieAdapter(warn: (message: string) => void, warnOnce: WarnOnce): LottieAdapter {
  const primed = new WeakSet<object>();
  // Lottie animations still loading their data, watched from the moment they are first seen: lottie-web
  // keeps no "failed" state, so a data_failed event fired before ready() subscribed would be lost
  const loading = new WeakMap<object, Promise<void>>();
  let lotties: AnyObj[] = [];

  function discover(): void {
    const found = new Set<AnyObj>(registry(W.__hfLottie));
    try {
      const g = W.lottie;
      if (g && typeof g.getRegisteredAnimations === "function") for (const a of registry(g.getRegisteredAnimations())) found.add(a);
    } catch {
      /* a foreign `lottie` global */
    }
    lotties = [];
    for (const a of found) {
      if (!isLottieWeb(a)) {
        warnOnce(a, "an entry of window.__hfLottie is not a lottie-web animation (no goToAndStop); dotLottie players are not supported, so it will not follow the composition's time");
        continue;
      }
      lotties.push(a);
      if (!primed.has(a)) {
        primed.add(a);
        // lottie-web starts an autoplay animation itself once its data has loaded: prevent that
        a.autoplay = false;
        try {
          a.pause();
        } catch {
          /* not configured yet */
        }
        if (a.isLoaded === false && typeof a.addEventListener === "function") loading.set(a, lottieLoaded(a, warn));
      }
    }
  }

  function seek(t: number): void {
    for (const a of lotties) {
      try {
        seekLottie(a, t);
      } catch (e) {
        warnOnce(a, `a Lottie animation${lottieLabel(a)} failed to seek: ${(e as Error)?.message ?? e}`);
      }
    }
  }

  async function ready(): Promise<void> {
    discover();
    await Promise.all(lotties.map((a) => loading.get(a)));
  }

  function inferredDuration(): number {
    let d = 0;
    for (const a of lotties) {
      const total = Number(a.totalFrames);
      const fr = Number(a.frameRate);
      if (a.isLoaded !== false && total > 0 && fr > 0 && Number.isFinite(total / fr)) d = Math.max(d, total / fr);
    }
    return d;
  }

  return { discover, seek, ready, inferredDuration };
}
