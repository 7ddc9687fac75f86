/**
 * The page a composition is shown as, built one way for the render and the preview: the compiled HTML
 * (sub-compositions inlined) → deterministic fonts → the runtime at the top of <head> → body scripts marked
 * to run after the web fonts (script-gate.ts). Each host adds only
 * what is its own (the preview's error bridge, the renderer's local GSAP), so what the preview shows is
 * what a render draws.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { applyDeterministicFonts, type FontResolution } from "./fonts/deterministic.js";
import { dropFontServices, type FontServiceUse } from "./fonts/font-services.js";
import { findPackageRoot } from "../package-root.js";
import { injectRuntime, type InjectOptions } from "./inject.js";
import { compileComposition } from "./compile.js";
import { deferBodyScripts } from "./defer-scripts.js";

export interface PageOptions {
  inject: InjectOptions;
  /** extra head markup built from the font resolution (the preview's fallback faces), placed after the runtime */
  extraHead?: (fonts: FontResolution) => string;
  /** leave font-service style sheets (Google Fonts) as written: a render with the network allowed */
  keepFontServices?: boolean;
}

export interface Page {
  html: string;
  fonts: FontResolution;
  /** the font-service style sheets the page asked for, pointed at empty sheets unless kept (font-services.ts) */
  fontServices: FontServiceUse[];
}

/** Where a bundled face file (fonts/mapped/, by file name) is. */
export function mappedFacePath(file: string): string {
  return path.join(findPackageRoot(), "fonts", "mapped", path.basename(file));
}

/**
 * A bundled face as a `data:` URI. Chrome decodes a data-URI web font at once, so the face is already in use
 * when the page's scripts measure text (GSAP reading a `translateX(-50%)`, SplitText, a layout read at
 * build time), as in the official renderer, which inlines its faces the same way. A face behind a URL
 * would still be loading then, and the script would keep the fallback font's widths.
 */
const faceCache = new Map<string, string>();
export function bundledFaceDataUri(file: string): string {
  let uri = faceCache.get(file);
  if (uri === undefined) {
    uri = `data:font/woff2;base64,${readFileSync(mappedFacePath(file)).toString("base64")}`;
    faceCache.set(file, uri);
  }
  return uri;
}

/**
 * The page's fonts, one way for the render, the preview and `info`: font-service sheets pointed at empty ones
 * (unless kept), then deterministic faces for what the page names and what those sheets asked for.
 */
function pageWithFonts(compiledHtml: string, fontUrl: (file: string) => string, keepFontServices = false) {
  const services = keepFontServices ? { html: compiledHtml, uses: [] } : dropFontServices(compiledHtml);
  return { ...applyDeterministicFonts(services.html, fontUrl, services.uses.flatMap((u) => u.families)), services: services.uses };
}

export function assemblePage(compiledHtml: string, opts: PageOptions): Page {
  const { html, mapped, unresolved, services } = pageWithFonts(compiledHtml, bundledFaceDataUri, opts.keepFontServices);
  const fonts = { mapped, unresolved };
  const extra = opts.extraHead?.(fonts) ?? "";
  // the body scripts are marked last, on the final page, so each one's line is the line the runtime sees
  return { html: deferBodyScripts(injectRuntime(html, { ...opts.inject, extraHead: (opts.inject.extraHead ?? "") + extra })), fonts, fontServices: services };
}

/** The fonts a project's page resolves to (for `info`): compiled as for a render, without the runtime. */
export function pageFonts(projectDir: string, entry: string): FontResolution {
  const { mapped, unresolved } = pageWithFonts(compileComposition(projectDir, entry).html, (file) => file);
  return { mapped, unresolved };
}
