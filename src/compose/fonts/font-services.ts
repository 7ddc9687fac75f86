/**
 * Font-service style sheets: a `<link href="https://fonts.googleapis.com/css2?family=…">` or a CSS
 * `@import` of one, as registry components and agent-written compositions use them.
 *
 * The official renderer does not let such a sheet decide the drawing: the families it asks for draw with the
 * bundled faces where there are some (catalog.ts), and with a fallback where there are none (checked with the
 * official CLI 0.8.170 without network: it logs `google_font_link_fallback` and renders). Renders here never
 * reach the network, and a blocked request fails a render, so the page builder points such references at an
 * empty `data:` style sheet (the page keeps its lines and its `load` events) and reports the families that
 * are not bundled. With the network allowed they stay as written.
 */
import { parseHtml, allElements, attributeValueRange, ownText } from "../html.js";
import { bundledFamilyFor } from "./catalog.js";

const FONT_SERVICE_RE = /^(?:https?:)?\/\/fonts\.googleapis\.com\/(?:css2?|icon)(?:[/?]|$)/i;

/** Whether `url` is a font service's style sheet. */
export function isFontServiceUrl(url: string): boolean {
  return FONT_SERVICE_RE.test(url.trim());
}

/** The families a font-service URL asks for: `css2?family=A:wght@400&family=B+C` and `css?family=A:400,700|B`. */
export function fontServiceFamilies(url: string): string[] {
  const query = url.replace(/&amp;/g, "&").split("?")[1]?.split("#")[0] ?? "";
  const out: string[] = [];
  for (const part of query.split("&")) {
    const [key, value] = part.split("=");
    if (key !== "family" || !value) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(value.replace(/\+/g, " "));
    } catch {
      continue;
    }
    for (const spec of decoded.split("|")) {
      const name = spec.split(":")[0]!.trim();
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

export interface FontServiceUse {
  url: string;
  /** the families it asks for */
  families: string[];
  /** those without a bundled face: they draw with a fallback font */
  missing: string[];
}

/** What a font-service URL asks for, and which of it has no bundled face. */
export function fontServiceUse(url: string): FontServiceUse {
  const families = fontServiceFamilies(url);
  return { url, families, missing: families.filter((f) => !bundledFamilyFor(f)) };
}

/** The empty sheet a reference is pointed at; it keeps the original address in a comment. */
function emptySheet(url: string): string {
  return `data:text/css,${encodeURIComponent(`/* ${url.replace(/\*\//g, "")}: font service, not fetched */`).replace(/['()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`;
}

const IMPORT_RE = /@import\s+(?:url\(\s*(["']?)([^"')\s]+)\1\s*\)|(["'])([^"']+)\3)/gi;

/**
 * Points every font-service reference of a page (`<link href>`, `@import` in a `<style>`) at an empty sheet;
 * returns the page and what it asked for. Offsets only change inside the edited values, so lines stay.
 */
export function dropFontServices(html: string): { html: string; uses: FontServiceUse[] } {
  if (!/fonts\.googleapis\.com/i.test(html)) return { html, uses: [] };
  const edits: { start: number; end: number; text: string }[] = [];
  const uses: FontServiceUse[] = [];
  const found = (url: string) => uses.push(fontServiceUse(url));
  for (const el of allElements(parseHtml(html).doc)) {
    if (el.name === "link") {
      const href = el.attribs.href;
      const range = href !== undefined && isFontServiceUrl(href) ? attributeValueRange(html, el, "href") : undefined;
      if (!range) continue;
      found(href!.trim());
      const text = emptySheet(href!.trim());
      edits.push({ start: range.start, end: range.end, text: range.quoted ? text : `"${text}"` });
    } else if (el.name === "style") {
      const { text, offset } = ownText(el);
      if (offset === undefined) continue;
      for (const m of text.matchAll(IMPORT_RE)) {
        const url = m[2] ?? m[4]!;
        if (!isFontServiceUrl(url)) continue;
        found(url);
        const at = offset + m.index! + m[0].indexOf(url);
        edits.push({ start: at, end: at + url.length, text: emptySheet(url) });
      }
    }
  }
  let out = html;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { html: out, uses };
}

/** What a render says about the font-service sheets it did not fetch (nothing when every family is bundled). */
export function fontServiceWarning(file: string, uses: readonly FontServiceUse[]): string | undefined {
  const missing = [...new Set(uses.flatMap((u) => u.missing))];
  if (!missing.length) return undefined;
  return (
    `${file} loads ${missing.join(", ")} from Google Fonts, which renders do not reach: ${missing.length > 1 ? "they draw" : "it draws"} with a fallback font ` +
    `(the bundled families draw as usual). Put the font files in the project with an @font-face rule, use a bundled family ` +
    `(\`hyperframes info\` lists them), or pass --allow-network`
  );
}
