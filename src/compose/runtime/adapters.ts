/**
 * Built-in frame adapters for third-party animation libraries (composition contract §3.4): find the
 * anime.js and Lottie instances a composition created, pause them once, and seek them to composition
 * time on every seek, so they follow the deterministic clock in render mode and the scrubber in preview.
 * Also: the Lottie inferred duration (totalFrames / frameRate) and the Lottie readiness wait.
 *
 *  - anime.js: instances pushed to `window.__hfAnime` (an array, or a single instance), plus, for v3,
 *    the running instances of the global `anime` (`anime.running`: autoplaying ones). Seek: `seek(t_ms)`.
 *  - Lottie (lottie-web): `window.__hfLottie` (array or single) plus `lottie.getRegisteredAnimations()`.
 *    Seek: `goToAndStop(frame, true)` with frame = t·frameRate, held on the last frame past the end.
 *    dotLottie players are not seeked (the contract does not say which of their methods to call).
 *
 * discover() is idempotent and cheap (a few array reads), so it runs at boot and again on every seek,
 * which also picks up instances registered late.
 */
type AnyObj = Record<string, any>;
const W = window as any;

/** How long one Lottie animation may hold readiness while its data loads (a broken file must not hang). */
const LOTTIE_LOAD_TIMEOUT_MS = 5000;

export interface Adapters {
  /** Find instances; pause each newly found one once (and stop Lottie autoplay). */
  discover(): void;
  /** Apply the state for composition time `t` (seconds) to every instance. */
  seek(t: number): void;
  /** Resolves once every discovered Lottie animation has loaded its data (or failed, or timed out). */
  ready(): Promise<void>;
  /** Longest Lottie length in seconds (totalFrames / frameRate), 0 if none is known. */
  inferredDuration(): number;
}

/** `window.__hfX` as a list: an array of instances, a single instance, or nothing. */
function registry(v: unknown): AnyObj[] {
  if (Array.isArray(v)) return v.filter((x) => x && typeof x === "object");
  return v && typeof v === "object" ? [v as AnyObj] : [];
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

export function createAdapters(warn: (message: string) => void): Adapters {
  // paused once already (a WeakSet: instances dropped by the page are not kept alive)
  const primed = new WeakSet<object>();
  const warnedAbout = new WeakSet<object>();
  // v3 auto-discovered instances leave anime.running as soon as they are paused: remember them
  const animeRunning = new Set<AnyObj>();
  // Lottie animations still loading their data, watched from the moment they are first seen: lottie-web
  // keeps no "failed" state, so a data_failed event fired before ready() subscribed would be lost
  const loading = new WeakMap<object, Promise<void>>();
  let anime: AnyObj[] = [];
  let lotties: AnyObj[] = [];

  const warnOnce = (obj: object, message: string) => {
    if (warnedAbout.has(obj)) return;
    warnedAbout.add(obj);
    warn(message);
  };

  function discoverAnime(): void {
    // v3 only: anime.running lists the instances playing now (autoplay); v4's namespace has no such list
    const running = W.anime?.running;
    if (Array.isArray(running)) for (const a of running) if (a && typeof a === "object") animeRunning.add(a);
    const found = new Set<AnyObj>([...registry(W.__hfAnime), ...animeRunning]);
    anime = [];
    for (const a of found) {
      if (typeof a.seek !== "function") {
        warnOnce(a, "an entry of window.__hfAnime has no seek() method (expected an anime.js animation or timeline); it is ignored");
        continue;
      }
      anime.push(a);
      if (!primed.has(a)) {
        primed.add(a);
        try {
          a.pause?.();
        } catch {
          /* keep going: seek still works */
        }
      }
    }
  }

  function discoverLottie(): void {
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
        if (a.isLoaded === false && typeof a.addEventListener === "function") loading.set(a, lottieLoaded(a));
      }
    }
  }

  function discover(): void {
    discoverAnime();
    discoverLottie();
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

  function seek(t: number): void {
    discover();
    const ms = t * 1000;
    for (const a of anime) {
      try {
        a.seek(ms);
      } catch (e) {
        warnOnce(a, `an anime.js instance failed to seek: ${(e as Error)?.message ?? e}`);
      }
    }
    for (const a of lotties) {
      try {
        seekLottie(a, t);
      } catch (e) {
        warnOnce(a, `a Lottie animation${lottieLabel(a)} failed to seek: ${(e as Error)?.message ?? e}`);
      }
    }
  }

  /**
   * Wait for one lottie-web animation's data: DOMLoaded (or data_ready once loaded), failure, or a timeout
   * counted from discovery.
   */
  function lottieLoaded(a: AnyObj): Promise<void> {
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
