/**
 * Turns a composition's HTML into the page the preview iframe loads: the in-page runtime (preview mode, with
 * the variable overrides) plus a tiny bridge, first in <head>, that reports uncaught errors and failed
 * script/style loads to the player before any composition script runs. Sub-compositions are inlined the
 * same way the renderer does it (src/compose/compile.ts), so the preview shows what a render shows.
 */
import { injectRuntime } from "../compose/inject.js";
import { fontFaceCss } from "../render/fonts.js";
import { compileComposition } from "../compose/compile.js";
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
  post({ kind: "exception", message: ev.message || String(ev.error), file: ev.filename, line: ev.lineno, column: ev.colno, stack: ev.error && ev.error.stack ? String(ev.error.stack) : undefined });
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

/** Insert `snippet` right after the opening <head> tag (or <html>, or at the very start). */
export function insertAtHeadTop(html: string, snippet: string): string {
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + snippet + html.slice(head.index + head[0].length);
  const root = /<html(\s[^>]*)?>/i.exec(html);
  if (root) return html.slice(0, root.index + root[0].length) + `<head>${snippet}</head>` + html.slice(root.index + root[0].length);
  return snippet + html;
}

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
  let compileError: unknown;
  if (opts.project && opts.entry) {
    try {
      source = compileComposition(opts.project, opts.entry, html).html;
    } catch (e) {
      // show the page as written, and the reason in the player's overlay
      compileError = e;
    }
  }
  const withRuntime = injectRuntime(source, {
    mode: "preview",
    variables: opts.variables,
    fps: opts.fps,
    runtimeSrc: RUNTIME_URL,
    // same font files as the render, whatever the author's machine has installed
    extraHead: `<style data-hf-injected-fonts>${fontFaceCss(FONTS_URL)}</style>`,
  });
  const bridge = `<script data-hf-preview-bridge>${BRIDGE}</script>${compileError ? reportScript(compileError) : ""}`;
  return insertAtHeadTop(withRuntime, bridge);
}
