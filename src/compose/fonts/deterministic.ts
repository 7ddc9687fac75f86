/**
 * Deterministic fonts for a compiled composition page, as the official renderer does them:
 *
 * 1. A `font-family` declaration (or any custom property) whose stack starts with a generic family
 *    (`sans-serif`, `monospace`, `system-ui`, `-apple-system`, …) gets `Inter` put first; so does the
 *    fallback of a leading `var(--x, …)` whose property the page never sets (that fallback is what draws).
 * 2. Every family named in a `font-family` declaration — in `<style>` elements, `style` attributes and
 *    `data-font-family` attributes, with `font-family: var(--x)` resolved through the page's custom
 *    properties (or, where the page never sets one, through the var()'s fallback) — that is bundled or
 *    mapped onto a bundled family (catalog.ts) gets an `@font-face` under the name as written, pointing at
 *    the bundled file. A family the page already declares with its own
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
import { parseHtml, allElements, attributeValueRange, ownText, insertAtHeadTop, type Element } from "../html.js";
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

/** Custom properties of the page (last definition wins), as the fonts step reads them. */
type CustomProps = ReadonlyMap<string, string>;
const VAR_DEPTH = 8;

/** A value that starts with `var(--name[, fallback])`, split; else undefined. */
function leadingVar(value: string): { name: string; fallback: string | null; rest: string } | undefined {
  const v = value.trim();
  if (!/^var\(/i.test(v)) return undefined;
  let depth = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === "(") depth++;
    else if (v[i] === ")" && --depth === 0) {
      const inner = v.slice(4, i).trim();
      const comma = inner.indexOf(",");
      const name = (comma === -1 ? inner : inner.slice(0, comma)).trim();
      if (!/^--[A-Za-z0-9_-]+$/.test(name)) return undefined;
      return { name, fallback: comma === -1 ? null : inner.slice(comma + 1), rest: v.slice(i + 1) };
    }
  }
  return undefined;
}

/**
 * The value with the default family put first when it starts with a generic family, else undefined. A value
 * that starts with `var(--x, fallback)` where the page never sets --x draws its fallback, so the fallback
 * is what gets the default family (`var(--x, Inter, -apple-system, …)`).
 */
function withDefaultPrimary(value: string, custom: CustomProps, depth = 0): string | undefined {
  const v = leadingVar(value);
  if (v) {
    if (custom.get(v.name) || v.fallback === null || depth >= VAR_DEPTH) return undefined;
    const fallback = withDefaultPrimary(v.fallback, custom, depth + 1);
    return fallback === undefined ? undefined : `var(${v.name}, ${fallback})${v.rest}`;
  }
  const first = parseFontFamilyList(value)[0];
  return first !== undefined && isGeneric(first) ? `${DEFAULT_PRIMARY_FAMILY}, ${value.trim()}` : undefined;
}

/** The families a font-family value asks for, with a leading var() read through the page's custom properties or its fallback. */
function requestedFamilies(value: string, custom: CustomProps, depth = 0): string[] {
  const names = parseFontFamilyList(value);
  const v = depth < VAR_DEPTH ? leadingVar(value) : undefined;
  if (!v) return names;
  const source = custom.get(v.name) || v.fallback;
  if (source === null) return names;
  const primary = requestedFamilies(source, custom, depth + 1);
  return primary.length ? [...primary, ...names.slice(1)] : [];
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
function promoteDefaultPrimary(root: Root, custom: CustomProps): boolean {
  let changed = false;
  root.walkDecls((d) => {
    if (!d.prop.startsWith("--") && !isFamilyDecl(d)) return;
    const next = withDefaultPrimary(d.value, custom);
    if (next === undefined) return;
    d.value = next;
    changed = true;
  });
  return changed;
}

/** A style attribute parsed as a rule's body. */
const parseInline = (style: string) => parseCss(`*{${style}}`);
const inlineBody = (root: Root) => root.toString().replace(/^\*\{/, "").replace(/\}$/, "");

interface Edit {
  start: number;
  end: number;
  text: string;
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
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
export function applyDeterministicFonts(html: string, fontUrl: (file: string) => string, alsoRequested: readonly string[] = []): DeterministicFontsResult {
  const parsed = parseHtml(html);
  const elements = allElements(parsed.doc);
  const edits: Edit[] = [];
  const attrFamilies: string[] = [];

  const styles: { root: Root; text: string; offset: number | undefined }[] = [];
  const inlines: { root: Root; el: Element }[] = [];
  for (const el of elements) {
    if (el.name === "style") {
      const { text, offset } = ownText(el);
      const root = parseCss(text);
      if (root) styles.push({ root, text, offset });
    }
    const style = el.attribs.style;
    const inline = style !== undefined ? parseInline(style) : undefined;
    if (inline) inlines.push({ root: inline, el });
  }
  const sheets = [...styles.map((s) => s.root), ...inlines.map((s) => s.root)];
  // custom properties as the page sets them (last definition wins): a var() the page never sets draws its fallback
  const customProps = (): Map<string, string> => {
    const m = new Map<string, string>();
    for (const root of sheets) root.walkDecls((d) => void (d.prop.startsWith("--") && m.set(d.prop, d.value)));
    return m;
  };
  const before = customProps();

  for (const { root, text, offset } of styles)
    if (promoteDefaultPrimary(root, before) && offset !== undefined) edits.push({ start: offset, end: offset + text.length, text: root.toString() });
  for (const { root, el } of inlines) {
    if (!promoteDefaultPrimary(root, before)) continue;
    const range = attributeValueRange(html, el, "style");
    if (range) {
      const body = inlineBody(root);
      edits.push({ ...range, text: range.quoted ? escapeAttr(body) : `"${escapeAttr(body)}"` });
    }
  }
  for (const el of elements) {
    const dataFamily = el.attribs["data-font-family"];
    if (dataFamily !== undefined) {
      const next = withDefaultPrimary(dataFamily, before);
      attrFamilies.push(next ?? dataFamily);
      const range = next !== undefined ? attributeValueRange(html, el, "data-font-family") : undefined;
      if (range && next !== undefined) edits.push({ ...range, text: range.quoted ? escapeAttr(next) : `"${escapeAttr(next)}"` });
    }
  }

  // then every family the page asks for, in order, read through the custom properties as promoted
  const custom = customProps();
  const requested = new Map<string, string>();
  const request = (value: string) => {
    for (const name of requestedFamilies(value, custom)) {
      const key = name.toLowerCase();
      if (isGeneric(name) || key.startsWith("var(") || requested.has(key)) continue;
      requested.set(key, name);
    }
  };
  for (const root of sheets) root.walkDecls((d) => void (isFamilyDecl(d) && request(d.value)));
  for (const value of attrFamilies) request(value);
  // families a font-service sheet asks for (font-services.ts), which a script may name rather than the CSS
  for (const name of alsoRequested) if (!requested.has(name.toLowerCase())) requested.set(name.toLowerCase(), name);

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
