/**
 * Built-in frame adapters for third-party animation libraries (composition contract §3.4): find the
 * anime.js (adapter-anime.ts) and Lottie (adapter-lottie.ts) instances a composition created, pause them
 * once, and seek them to composition time on every seek, so they follow the deterministic clock in render
 * mode and the scrubber in preview. Also: the Lottie inferred duration and readiness wait.
 *
 * discover() is idempotent and cheap (a few array reads), so it runs at boot and again on every seek,
 * which also picks up instances registered late.
 */
import { createAnimeAdapter } from "./adapter-anime.js";
import { createLottieAdapter } from "./adapter-lottie.js";

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

export function createAdapters(warn: (message: string) => void): Adapters {
  const warnedAbout = new WeakSet<object>();
  const warnOnce = (obj: object, message: string) => {
    if (warnedAbout.has(obj)) return;
    warnedAbout.add(obj);
    warn(message);
  };
  const anime = createAnimeAdapter(warnOnce);
  const lottie = createLottieAdapter(warn, warnOnce);
  const discover = () => {
    anime.discover();
    lottie.discover();
  };
  return {
    discover,
    seek(t) {
      discover();
      anime.seek(t);
      lottie.seek(t);
    },
    ready: () => lottie.ready(),
    inferredDuration: () => lottie.inferredDuration(),
  };
}
