/**
 * Turns a composition's HTML into the page the preview iframe loads: the in-page runtime (preview mode, with
 * the variable overrides) plus a tiny bridge, first in <head>, that reports uncaught errors and failed
 * script/style loads to the player before any composition script runs. Sub-compositions are inlined the
 * same way the renderer does it (src/compose/compile.ts), so the preview shows what a render shows.
 */
import { assemblePage } from "../compose/page.js";
import { fontFaceCss } from "../render/fonts.js";
import { compileComposition } from "../compose/compile.js";
import type { LineMap } from "../compose/line-map.js";
import { GSAP_CDN_RE } from "../compose/files.js";

export const RUNTIME_URL = "/__hyperframes/runtime.js";
export const FONTS_URL = "/__hyperframes/fonts/";
/** Query parameter of a composition URL carrying the variable overrides as JSON. */
export const VARS_PARAM = "hf-vars";

/**
 * Runs before the runtime and the composition: collects errors into window.__hfPreviewErrors and tells the
 * parent; network requests (reported by the page's report-only Content-Security-Policy, see guard.ts) become
 * "network" warnings, except GSAP from a CDN, which renders answer from the installed package.
 */
const BRIDGE = `(function(){
var GSAP_CDN = ${GSAP_CDN_RE.toString()};
var errs = window.__hfPreviewErrors = [];
function post(e){ errs.push(e); try { if (window.parent && window.parent !== window) window.parent.postMessage(Object.assign({ source: "hf-preview-bridge", type: "error" }, e), "*"); } catch (_) {} }
window.addEventListener("error", function(ev){
  var t = ev.target;
  if (t && t !== window && t.tagName) {
    var tag = String(t.tagName).toLowerCase();
    if (tag === "script" || tag === "link") post({ kind: "resource", message: "could not load " + (t.src || t.href), file: t.src || t.href });
    return;
  }
  // errors in the page itself are reported at the author's file and line and in the author's words (the runtime's
  // line map and message rule)
  var at = window.__hfMapLocation ? window.__hfMapLocation(ev.filename, ev.lineno) : null;
  var message = String(ev.message || ev.error);
  post({ kind: "exception", message: window.__hfErrorMessage ? window.__hfErrorMessage(message) : message, file: at ? at.file : ev.filename, line: at ? at.line : ev.lineno, column: at ? undefined : ev.colno, stack: ev.error && ev.error.stack ? String(ev.error.stack) : undefined });
}, true);
document.addEventListener("securitypolicyviolation", function(ev){
  var u = String(ev.blockedURI || "");
  if (!/^(https?|wss?):/i.test(u) || GSAP_CDN.test(u)) return;
  post({ kind: "network", message: "the composition reaches the network: " + u + " is not a file of the project, and renders block every such request (the render fails unless --allow-network)", file: ev.sourceFile || undefined, line: ev.lineNumber || undefined });
});
window.addEventListener("unhandledrejection", function(ev){
  var r = ev.reason;
  post({ kind: "rejection", message: "unhandled promise rejection: " + (r && r.message ? r.message : String(r)), stack: r && r.stack ? String(r.stack) : undefined });
});
})();`;

/** Parse the `hf-vars` query value; invalid JSON or a non-object yields undefined (the page uses its defaults). */
export function parseVarsParam(raw: string | null): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface CompositionPageOptions {
  /** absolute project directory and project-relative entry: when given, sub-compositions are inlined */
  project?: string;
  entry?: string;
  variables?: Record<string, unknown>;
  fps?: number;
}

function reportScript(e: unknown): string {
  const err = e as { message?: string; file?: string; line?: number; hint?: string; code?: string };
  const report = {
    kind: "compile",
    message: `${err?.message ?? String(e)}${err?.hint ? ` — ${err.hint}` : ""}${err?.code ? ` [${err.code}]` : ""}`,
    file: err?.file,
    line: err?.line,
  };
  const json = JSON.stringify(report).replace(/</g, "\\u003c");
  return `<script data-hf-preview-bridge>(function(){var e=${json};window.__hfPreviewErrors.push(e);try{parent.postMessage(Object.assign({source:"hf-preview-bridge",type:"error"},e),"*")}catch(_){}})();</script>`;
}

export function buildCompositionPage(html: string, opts: CompositionPageOptions = {}): string {
  let source = html;
  let lineMap: LineMap | undefined;
  let compileError: unknown;
  if (opts.project && opts.entry) {
    try {
      ({ html: source, lineMap } = compileComposition(opts.project, opts.entry, html));
    } catch (e) {
      // show the page as written, and the reason in the player's overlay
      compileError = e;
    }
  }
  // the bridge goes first, before the runtime; inject shifts the line map past it
  const bridge = `<script data-hf-preview-bridge>${BRIDGE}</script>${compileError ? reportScript(compileError) : ""}`;
  return assemblePage(source, {
    inject: { mode: "preview", variables: opts.variables, fps: opts.fps, runtimeSrc: RUNTIME_URL, prelude: bridge, lineMap },
    // the Liberation faces the render gets from fontconfig, for families the page does not map to a bundled font
    extraHead: (fonts) => `<style data-hf-injected-fonts>${fontFaceCss(FONTS_URL, fonts.mapped.keys())}</style>`,
  }).html;
}
