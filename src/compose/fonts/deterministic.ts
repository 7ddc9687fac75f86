/**
 * Deterministic fonts for a compiled composition page, as the official renderer does them:
 *
 * 1. A `font-family` declaration (or any custom property) whose stack starts with a generic family
 *    (`sans-serif`, `monospace`, `system-ui`, `-apple-system`, …) gets `Inter` put first.
 * 2. Every family named in a `font-family` declaration — in `<style>` elements, `style` attributes and
 *    `data-font-family` attributes, with `font-family: var(--x)` resolved through the page's custom
 *    properties — that is bundled or mapped onto a bundled family (catalog.ts) gets an `@font-face` under
 *    the name as written, pointing at the bundled file. A family the page already declares with its own
 *    `@font-face` is left alone.
 *
 * Not scanned, on purpose (the official renderer does not either): external style sheets and the `font:`
 * shorthand. Because an `@font-face` defines the family for the whole page, `font: 20px Arial` still draws
 * Inter once some `font-family: Arial` declaration exists somewhere.
 *
 * The page keeps its line numbers: edits stay inside the declarations they change and the injected rules
 * are one line placed right after `<head>`.
 */
import postcss, { type Root, type Declaration, type AtRule } from "postcss";
import { parseHtml, allElements, ownText, insertAtHeadTop, type Element } from "../html.js";
import { DEFAULT_PRIMARY_FAMILY, GENERIC_FAMILIES, bundledFaceFile, bundledFamilyFor } from "./catalog.js";

export interface FontResolution {
  /** family as written → bundled family name it draws with (e.g. "Arial" → "Inter") */
  mapped: Map<string, string>;
  /** families named in font-family declarations that are neither bundled nor declared by the page (system fonts) */
  unresolved: string[];
}

export interface DeterministicFontsResult extends FontResolution {
  html: string;
}

/** Split a font-family value on top-level commas, unquoting each name (var(...) stays one piece). */
export function parseFontFamilyList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((p) => p.trim().replace(/^['"]/, "").replace(/['"]$/, "").trim()).filter((p) => p.length > 0);
}

const isGeneric = (name: string) => GENERIC_FAMILIES.has(name.toLowerCase());

/** The value with the default family put first when it starts with a generic family, else undefined. */
function withDefaultPrimary(value: string): string | undefined {
  const first = parseFontFamilyList(value)[0];
  return first !== undefined && isGeneric(first) ? `${DEFAULT_PRIMARY_FAMILY}, ${value.trim()}` : undefined;
}

function parseCss(css: string): Root | undefined {
  try {
    return postcss.parse(css);
  } catch {
    return undefined;
  }
}

const inFontFace = (d: Declaration) => d.parent?.type === "atrule" && (d.parent as AtRule).name.toLowerCase() === "font-face";
const isFamilyDecl = (d: Declaration) => d.prop.toLowerCase() === "font-family" && !inFontFace(d);

/** Step 1 on a parsed sheet; true when something changed. */
function promoteDefaultPrimary(root: Root): boolean {
  let changed = false;
  root.walkDecls((d) => {
    if (!d.prop.startsWith("--") && !isFamilyDecl(d)) return;
    const next = withDefaultPrimary(d.value);
    if (next === undefined) return;
    d.value = next;
    changed = true;
  });
  return changed;
}

/** A style attribute parsed as a rule's body. */
const parseInline = (style: string) => parseCss(`*{${style}}`);
const inlineBody = (root: Root) => root.toString().replace(/^\*\{/, "").replace(/\}$/, "");

/** The custom property a value starts with (`var(--x, …)` → `--x`). */
function leadingVar(value: string): string | undefined {
  return /^\s*var\(\s*(--[A-Za-z0-9_-]+)\s*[,)]/i.exec(value)?.[1];
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

/** Offsets of an attribute's value inside an element's start tag (quotes excluded), or undefined. */
function attributeValueRange(source: string, el: Element, name: string): { start: number; end: number; quoted: boolean } | undefined {
  const tagStart = el.startIndex;
  if (tagStart == null) return undefined;
  const re = /\s([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?|(\/?>)/gy;
  re.lastIndex = tagStart + 1 + el.name.length;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m[5]) return undefined;
    if (m[1]!.toLowerCase() !== name) continue;
    const raw = m[2] ?? m[3] ?? m[4];
    if (raw === undefined) return undefined;
    const end = re.lastIndex - (m[4] !== undefined ? 0 : 1);
    return { start: end - raw.length, end, quoted: m[4] === undefined };
  }
  return undefined;
}

function fontFaceRule(family: string, url: string, weight: number): string {
  const name = family.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return `@font-face{font-family:"${name}";src:url("${url}") format("woff2");font-style:normal;font-weight:${weight};font-display:block}`;
}

/** Families the page declares with @font-face itself (lower case). */
function declaredFaces(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(/@font-face\s*\{[\s\S]*?font-family\s*:\s*([^;}]+)/gi)) {
    const name = m[1]!.trim().replace(/^['"]|['"]$/g, "").trim().toLowerCase();
    if (name) out.add(name);
  }
  return out;
}

/**
 * Apply deterministic fonts to a compiled page. `fontUrl(file)` gives the URL the page loads a bundled
 * face from (the render server and the preview serve fonts/mapped/ under their own prefixes).
 */
export function applyDeterministicFonts(html: string, fontUrl: (file: string) => string): DeterministicFontsResult {
  const parsed = parseHtml(html);
  const elements = allElements(parsed.doc);
  const edits: Edit[] = [];
  const sheets: Root[] = [];
  const inlineSheets: Root[] = [];
  const attrFamilies: string[] = [];

  for (const el of elements) {
    if (el.name === "style") {
      const { text, offset } = ownText(el);
      const root = parseCss(text);
      if (!root) continue;
      sheets.push(root);
      if (promoteDefaultPrimary(root) && offset !== undefined) edits.push({ start: offset, end: offset + text.length, text: root.toString() });
    }
  }
  for (const el of elements) {
    const style = el.attribs.style;
    if (style !== undefined) {
      const root = parseInline(style);
      if (root) {
        inlineSheets.push(root);
        if (promoteDefaultPrimary(root)) {
          const range = attributeValueRange(html, el, "style");
          if (range) {
            const body = inlineBody(root);
            edits.push({ ...range, text: range.quoted ? escapeAttr(body) : `"${escapeAttr(body)}"` });
          }
        }
      }
    }
    const dataFamily = el.attribs["data-font-family"];
    if (dataFamily !== undefined) {
      const next = withDefaultPrimary(dataFamily);
      attrFamilies.push(next ?? dataFamily);
      const range = next !== undefined ? attributeValueRange(html, el, "data-font-family") : undefined;
      if (range && next !== undefined) edits.push({ ...range, text: range.quoted ? escapeAttr(next) : `"${escapeAttr(next)}"` });
    }
  }

  // custom properties (last definition wins), then every family the page asks for, in order
  const custom = new Map<string, string>();
  for (const root of [...sheets, ...inlineSheets]) root.walkDecls((d) => void (d.prop.startsWith("--") && custom.set(d.prop, d.value)));
  const requested = new Map<string, string>();
  const request = (value: string) => {
    let names = parseFontFamilyList(value);
    const v = leadingVar(value);
    const resolved = v !== undefined ? custom.get(v) : undefined;
    if (resolved !== undefined) names = [...parseFontFamilyList(resolved), ...names.slice(1)];
    for (const name of names) {
      const key = name.toLowerCase();
      if (isGeneric(name) || key.startsWith("var(") || requested.has(key)) continue;
      requested.set(key, name);
    }
  };
  for (const root of [...sheets, ...inlineSheets]) root.walkDecls((d) => void (isFamilyDecl(d) && request(d.value)));
  for (const value of attrFamilies) request(value);

  const declared = declaredFaces(html);
  const mapped = new Map<string, string>();
  const unresolved: string[] = [];
  const rules: string[] = [];
  for (const [key, name] of requested) {
    if (declared.has(key)) continue;
    const family = bundledFamilyFor(key);
    if (!family) {
      unresolved.push(name);
      continue;
    }
    mapped.set(name, family.name);
    for (const w of family.weights) rules.push(fontFaceRule(name, fontUrl(bundledFaceFile(family.slug, w)), w));
  }

  let out = html;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  if (rules.length) out = insertAtHeadTop(out, `<style data-hf-fonts>${rules.join("")}</style>`);
  return { html: out, mapped, unresolved: unresolved.sort() };
}
