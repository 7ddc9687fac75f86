/**
 * Marks a built page's body scripts to run after its web fonts (the rule: script-gate.ts; the runtime half:
 * runtime/after-fonts.ts). Each classic or module script outside <head> gets `type="text/hf-after-fonts"`
 * (`…+module`) and the page line its code starts on. Nothing else in the page moves: the edits stay inside the
 * start tags and add no line, so the line map of the page still holds.
 *
 * Left alone: scripts in <head> (and those before any body content, which a browser puts there), the
 * toolkit's own (`data-hf-injected`), scripts inside <noscript>, <svg> or <template>, `nomodule` scripts and
 * data blocks (JSON, import maps, templates).
 */
import { AFTER_FONTS_LINE_ATTR, AFTER_FONTS_MODULE_TYPE, AFTER_FONTS_TYPE } from "./script-gate.js";
import { allElements, hasAttr, parentElement, parseHtml, startTag, type Element } from "./html.js";
import { lineIndex } from "./line-map.js";

const HEAD_CONTENT = new Set(["script", "style", "link", "meta", "title", "base", "noscript", "template", "html", "head"]);
const CLASSIC = /^((text|application)\/(x-)?(java|ecma)script|text\/jscript|text\/livescript)$/i;

function kindOf(el: Element): "classic" | "module" | null {
  if (hasAttr(el, "nomodule")) return null;
  const type = (el.attribs.type ?? "").trim();
  if (!type || CLASSIC.test(type)) return "classic";
  return type.toLowerCase() === "module" ? "module" : null;
}

function insideInert(el: Element): boolean {
  for (let p = parentElement(el); p; p = parentElement(p)) if (p.name === "head" || p.name === "noscript" || p.name === "svg" || p.name === "template") return true;
  return false;
}

export function deferBodyScripts(html: string): string {
  const { doc } = parseHtml(html);
  const lineAt = lineIndex(html);
  const edits: { start: number; end: number; text: string }[] = [];
  let inBody = false;
  for (const el of allElements(doc)) {
    const inert = insideInert(el);
    if (!inBody && (el.name === "body" || (!HEAD_CONTENT.has(el.name) && !inert))) inBody = true;
    if (el.name !== "script" || !inBody || hasAttr(el, "data-hf-injected") || inert) continue;
    const kind = kindOf(el);
    const tag = kind && startTag(html, el);
    if (!tag) continue;
    const type = kind === "module" ? AFTER_FONTS_MODULE_TYPE : AFTER_FONTS_TYPE;
    const line = lineAt(tag.close + 1);
    const existing = tag.attrs.get("type");
    if (existing === null) continue; // a bare `type`: left to run as parsed
    if (existing) edits.push({ start: existing.start, end: existing.end, text: existing.quoted ? type : `"${type}"` });
    const extra = `${existing ? "" : ` type="${type}"`} ${AFTER_FONTS_LINE_ATTR}="${line}"`;
    const at = html[tag.close - 1] === "/" ? tag.close - 1 : tag.close;
    edits.push({ start: at, end: at, text: extra });
  }
  if (edits.length === 0) return html;
  edits.sort((a, b) => b.start - a.start);
  let out = html;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
