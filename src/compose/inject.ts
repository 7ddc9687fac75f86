/**
 * Puts the runtime into a composition's HTML: a config script (mode, fps, variable overrides, line map) and
 * the runtime itself, at the very top of <head>, so they run before any page script. The line map of the
 * compiled page (compile.ts) is shifted by what is inserted, so the runtime reports errors at the author's
 * file and line.
 */
import { getRuntimeScript } from "./runtime-bundle.js";
import { shiftForInsert, type LineMap } from "./line-map.js";
import { headInsertion } from "./html.js";

export interface InjectOptions {
  mode: "preview" | "render";
  variables?: Record<string, unknown>;
  fps?: number;
  transparent?: boolean;
  /** URL to load the runtime from instead of inlining it */
  runtimeSrc?: string;
  /** extra HTML placed right after the runtime (e.g. font fallbacks) */
  extraHead?: string;
  /** HTML placed before the config and the runtime (e.g. the preview's error bridge) */
  prelude?: string;
  timelineWaitMs?: number;
  /** line map of `html` (from compileComposition), shifted here and handed to the runtime */
  lineMap?: LineMap;
}

/** JSON safe to embed inside <script>. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v ?? null)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function runtimeTags(opts: InjectOptions): string {
  const config = {
    mode: opts.mode,
    fps: opts.fps ?? 30,
    variables: opts.variables ?? {},
    transparent: !!opts.transparent,
    timelineWaitMs: opts.timelineWaitMs,
    lineMap: opts.lineMap,
  };
  // no raw newline in the config: it must not move the page's lines (see injectRuntime)
  const cfgTag = `<script data-hf-injected>window.__HF_CONFIG=${scriptJson(config)};window.__hfVariables=window.__HF_CONFIG.variables;</script>`;
  const rt = opts.runtimeSrc
    ? `<script data-hf-injected src="${opts.runtimeSrc}"></script>`
    : `<script data-hf-injected>${getRuntimeScript().replace(/<\/script/gi, "<\\/script")}</script>`;
  return (opts.prelude ?? "") + cfgTag + rt + (opts.extraHead ?? "");
}

/** Insert the runtime at the top of <head> (creating one if needed); strips previously injected copies. */
export function injectRuntime(html: string, opts: InjectOptions): string {
  const cleaned = html.replace(/<script data-hf-injected[^>]*>[\s\S]*?<\/script>/g, "");
  const { at, wrap } = headInsertion(cleaned);
  let lineMap = opts.lineMap;
  if (lineMap) lineMap = shiftForInsert(lineMap, cleaned, at, wrap(runtimeTags({ ...opts, lineMap: undefined })));
  const tags = wrap(runtimeTags({ ...opts, lineMap }));
  return cleaned.slice(0, at) + tags + cleaned.slice(at);
}
