// Readiness: dom → load → timeline → fonts/images/media/adapters, then the timing model is built and seeked to 0.
import { adapters, cfg, errors, isRender, realNow, state, W, warnings } from "./state.js";
import { postToParent } from "./bridge.js";
import { applyBindings } from "./variables.js";
import { buildTiming, clips, findRoot } from "./timing.js";
import { normalise } from "./normalise.js";
import { installClipHiddenRule } from "./visibility.js";
import { bindTimelines, computeDuration } from "./timelines.js";
import { seekSync } from "./seek.js";
import { runAfterFontsScripts } from "./after-fonts.js";

// Readiness stages, in order: dom → scripts (the body scripts, run after the web fonts: ../script-gate.ts) →
// load (window "load": images, scripts, styles, iframes) → timeline →
// fonts/images/media/adapters (in parallel; adapters = Lottie data). A host reporting a timeout names the first stage still pending.
export const pendingReady: Record<string, boolean> = { dom: true, scripts: true, load: true, timeline: true, fonts: true, images: true, media: true, adapters: true };

async function waitForTimeline(): Promise<void> {
  const root = state.root!;
  if (root.hasAttribute("data-no-timeline")) return;
  const hasAny = () => Object.keys(W.__timelines || {}).length > 0;
  if (hasAny()) return;
  const deadline = realNow() + (cfg.timelineWaitMs ?? 3000);
  while (!hasAny() && realNow() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!hasAny()) warnings.push(`no timeline was registered on window.__timelines (add data-no-timeline to the root if the composition has none)`);
}

async function waitForImages(): Promise<void> {
  const imgs = Array.from(document.images).filter((i) => !i.classList.contains("__render_frame__"));
  await Promise.all(
    imgs.map(async (img) => {
      if (!img.getAttribute("src") && !img.srcset) return;
      try {
        await img.decode();
      } catch {
        if (img.complete && img.naturalWidth === 0) warnings.push(`image failed to load: ${img.getAttribute("src")}`);
      }
    }),
  );
}

async function waitForMediaMetadata(): Promise<void> {
  const media = Array.from(document.querySelectorAll<HTMLMediaElement>("video, audio")).filter((m) => m.hasAttribute("data-start"));
  await Promise.all(
    media.map(
      (m) =>
        new Promise<void>((resolve) => {
          if (m.readyState >= 1 || !m.currentSrc && !m.getAttribute("src")) return resolve();
          const done = () => resolve();
          m.addEventListener("loadedmetadata", done, { once: true });
          m.addEventListener("error", done, { once: true });
          if (m.preload === "none") m.preload = "metadata";
          setTimeout(done, 5000);
        }),
    ),
  );
}

async function init(domReady: Promise<void>, loaded: Promise<void>): Promise<void> {
  await domReady;
  pendingReady.dom = false;
  const releaseHeldListeners = await runAfterFontsScripts();
  pendingReady.scripts = false;
  const root = findRoot();
  if (!root) throw new Error("no element with data-composition-id was found: add one to the composition's root element");
  state.root = root;
  state.rootId = root.getAttribute("data-composition-id") || "";
  root.setAttribute("data-hf-root", "");
  normalise(root);
  installClipHiddenRule();
  applyBindings(root);
  // early, so autoplaying anime.js/Lottie instances are paused before they run far on the wall clock (preview)
  adapters.discover();
  releaseHeldListeners();
  await loaded;
  pendingReady.load = false;
  await waitForTimeline();
  pendingReady.timeline = false;
  await Promise.all([
    (document as any).fonts?.ready.then(() => (pendingReady.fonts = false)),
    waitForImages().then(() => (pendingReady.images = false)),
    (isRender ? Promise.resolve() : waitForMediaMetadata()).then(() => (pendingReady.media = false)),
    adapters.ready().then(() => (pendingReady.adapters = false)),
  ]);
  buildTiming(root);
  bindTimelines();
  state.duration = computeDuration();
  state.initialized = true;
  seekSync(0, []);
}

/** Starts init() now; the promise settles when the composition is ready (or failed). */
export function startReadiness(): Promise<void> {
  const domReady = new Promise<void>((r) => {
    if (document.readyState !== "loading") r();
    else document.addEventListener("DOMContentLoaded", () => r(), { once: true });
  });
  const loaded = new Promise<void>((r) => {
    if (document.readyState === "complete") r();
    else window.addEventListener("load", () => r(), { once: true });
  });
  const ready: Promise<void> = init(domReady, loaded).then(
    () => {
      W.__hfReady = true;
      W.__playerReady = true;
      W.__renderReady = true;
      postToParent({ type: "ready", duration: state.duration, fps: cfg.fps, clips: clips() });
    },
    (e) => {
      errors.push(String(e?.message ?? e));
      W.__hfReady = false;
      postToParent({ type: "error", message: String(e?.message ?? e) });
      throw e;
    },
  );
  ready.catch(() => undefined);
  return ready;
}
