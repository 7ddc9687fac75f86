/**
 * The anime.js adapter (composition contract §3.4): instances pushed to `window.__hfAnime` (an array, or a
 * single instance), plus, for v3, the running instances of the global `anime` (`anime.running`: autoplaying
 * ones). Each is paused once when first seen and seeked with `seek(t_ms)`.
 */
import { registry, W, type AnyObj, type WarnOnce } from "./adapter-registry.js";

export interface AnimeAdapter {
  discover(): void;
  seek(t: number): void;
}

export function createAnimeAdapter(warnOnce: WarnOnce): AnimeAdapter {
  // paused once already (a WeakSet: instances dropped by the page are not kept alive)
  const primed = new WeakSet<object>();
  // v3 auto-discovered instances leave anime.running as soon as they are paused: remember them
  const animeRunning = new Set<AnyObj>();
  let anime: AnyObj[] = [];

  function discover(): void {
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

  function seek(t: number): void {
    const ms = t * 1000;
    for (const a of anime) {
      try {
        a.seek(ms);
      } catch (e) {
        warnOnce(a, `an anime.js instance failed to seek: ${(e as Error)?.message ?? e}`);
      }
    }
  }

  return { discover, seek };
}
