/**
 * The HyperFrames in-page runtime. Injected first in <head> by the render file server and the preview
 * plugin (never authored). Implements the composition contract (shared/spec/composition-contract.md):
 * root resolution and normalisation, clip timing (relative starts, host offsets) and half-open
 * visibility windows gated by timed ancestors, binding of window.__timelines (child compositions'
 * timelines seeked at their host's start), frame-quantised seeking, CSS-animation and WAAPI adapters
 * (anime.js and Lottie ones in adapters.ts),
 * variables (getVariables, data-var-* bindings, --<id> custom properties), scoped sub-composition
 * scripts, a virtual clock (render mode), readiness and the `window.__hf` bridge.
 */

import { cfg, errors, isRender, state, W, warnings } from "./state.js";
import { installErrorReporting } from "./bridge.js";
import { installScopes, installVariables } from "./variables.js";
import { installWaapiTracking } from "./animations.js";
import { installGsapDefaults } from "./gsap-defaults.js";
import { installVideoSources } from "./video-sources.js";
import { clips, mediaStartOf, rateOf } from "./timing.js";
import { applyIntrinsicSizes, media } from "./media.js";
import { installChangeDetection, renderSeek, seek } from "./seek.js";
import { installPlayer } from "./player.js";
import { pendingReady, startReadiness } from "./readiness.js";
import { animatedElements } from "./inventory.js";
import type { HfRuntimeApi, VideoFrameTable } from "./protocol.js";

// The wiring, in the order the page needs it: the virtual clock (state.ts, render mode) first, then error
// reporting, variables (before any page script runs), WAAPI tracking, GSAP's 2D default, videos as image sources
// (render mode), the timeline registry, scopes, change
// detection, the preview transport, and readiness.
installErrorReporting();
installVariables();
installWaapiTracking();
installGsapDefaults();
if (isRender) installVideoSources();
W.__timelines = W.__timelines || {};
installScopes();
installChangeDetection();
installPlayer();
const ready = startReadiness();
state.ready = ready;

const api = {
  seek,
  renderSeek,
  ready,
  get duration() {
    if (!state.initialized) return 0;
    return state.staticDuration > 0 ? state.staticDuration : state.duration;
  },
  get fps() {
    return cfg.fps;
  },
  getTime: () => state.time,
  clips,
  /** the preview's timeline: every animated element and when it animates (inventory.ts) */
  animated: animatedElements,
  media,
  errors,
  warnings,
  pendingReady,
  /** render mode: natural media lengths (seconds, from ffprobe) for clips without data-duration */
  setMediaDurations(table: Record<string, number>) {
    for (const m of Array.from(document.querySelectorAll<HTMLMediaElement>("[data-hf-video-key]"))) {
      const d = table[m.getAttribute("data-hf-video-key")!];
      const t = state.byEl.get(m);
      if (!t || t.duration !== null || !(d > 0) || m.loop) continue;
      t.duration = Math.max(0, (d - mediaStartOf(m)) / rateOf(m));
      t.end = t.start + t.duration;
    }
  },
  /** render mode: URL table of pre-extracted video frames, keyed by data-hf-video-key */
  setVideoFrames(table: VideoFrameTable) {
    state.videoFrames = table;
    applyIntrinsicSizes(table);
  },
  get error() {
    return errors[0];
  },
} satisfies HfRuntimeApi;
W.__hf = api;
