/**
 * The composition's scripts run after its web fonts, as in the official renderer (0.8.x): every script in the
 * body (inline or `src`, classic or module; sub-composition scripts included, since the compiler moves them to
 * the end of <body>) is marked inert when the page is built, and the runtime runs them once the fonts the page
 * lays out with have loaded (at most 5 s). So a script that measures text, or draws it on a canvas, at build
 * time sees the web font, not the fallback: the official draws `fillText` with the page's face; without the
 * gate the canvas kept the fallback sans. Scripts in <head> (libraries, the runtime) run as parsed.
 *
 * While they run, `DOMContentLoaded` listeners (on document or window) and window `load` listeners added after
 * the page has loaded are held, and called once the scripts have all run: the events a script waits for
 * still reach it.
 *
 * One rule, two halves: `deferBodyScripts` (node, page.ts) marks the scripts; runtime/after-fonts.ts runs them.
 * Pure constants here, so the runtime bundle can import them.
 */

/** type of a deferred classic script */
export const AFTER_FONTS_TYPE = "text/hf-after-fonts";
/** type of a deferred module script */
export const AFTER_FONTS_MODULE_TYPE = "text/hf-after-fonts+module";
/** the page line where the deferred script's code starts, so its errors keep their line numbers */
export const AFTER_FONTS_LINE_ATTR = "data-hf-line";
/** how long the runtime waits for the fonts before it runs the scripts anyway */
export const AFTER_FONTS_WAIT_MS = 5000;
