/**
 * The page a composition is shown as, built one way for the render and the preview: the compiled HTML
 * (sub-compositions inlined) → deterministic fonts → the runtime at the top of <head>. Each host adds only
 * what is its own (the preview's error bridge, the renderer's local GSAP), so what the preview shows is
 * what a render draws.
 */
import { applyDeterministicFonts, type FontResolution } from "./fonts/deterministic.js";
import { injectRuntime, type InjectOptions } from "./inject.js";
import { compileComposition } from "./compile.js";

export interface PageOptions {
  inject: InjectOptions;
  /** URL prefix the host serves fonts/mapped/ under (file names are appended) */
  fontUrlPrefix: string;
  /** extra head markup built from the font resolution (the preview's fallback faces), placed after the runtime */
  extraHead?: (fonts: FontResolution) => string;
}

export interface Page {
  html: string;
  fonts: FontResolution;
}

export function assemblePage(compiledHtml: string, opts: PageOptions): Page {
  const { html, mapped, unresolved } = applyDeterministicFonts(compiledHtml, (file) => opts.fontUrlPrefix + file);
  const fonts = { mapped, unresolved };
  const extra = opts.extraHead?.(fonts) ?? "";
  return { html: injectRuntime(html, { ...opts.inject, extraHead: (opts.inject.extraHead ?? "") + extra }), fonts };
}

/** The fonts a project's page resolves to (for `info`): compiled as for a render, without the runtime. */
export function pageFonts(projectDir: string, entry: string): FontResolution {
  const { mapped, unresolved } = applyDeterministicFonts(compileComposition(projectDir, entry).html, (file) => file);
  return { mapped, unresolved };
}
