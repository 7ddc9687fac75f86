// Parsed-HTML helpers of the sub-composition compiler: walking, finding, start tags, attribute escaping.
import type { Element, AnyNode } from "domhandler";
import { isTag } from "domhandler";
import { parseDocument } from "htmlparser2";

export function walk(node: AnyNode, visit: (el: Element) => boolean | void): void {
  if (isTag(node)) {
    if (visit(node) === false) return;
  }
  const kids = (node as Element).children;
  if (kids) for (const c of kids) walk(c, visit);
}

export function findAll(root: AnyNode, pred: (el: Element) => boolean, skipTemplates = true): Element[] {
  const out: Element[] = [];
  walk(root, (el) => {
    if (skipTemplates && el.name === "template") return false;
    if (pred(el)) out.push(el);
  });
  return out;
}

/** End index (inclusive) of an element's start tag in the source. */
export function startTagEnd(src: string, el: Element): number {
  let i = el.startIndex!;
  let quote: string | null = null;
  for (; i < src.length; i++) {
    const ch = src[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ">") return i;
  }
  return src.length - 1;
}

export function escapeAttr(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

export function isInside(el: AnyNode, anc: AnyNode): boolean {
  for (let p = el.parent; p; p = p.parent) if (p === anc) return true;
  return false;
}

/** Replace a moved <script> by a marker that keeps its line count (see transformChild). */
export function markRemoved(el: Element, lines: number): void {
  el.attribs = lines > 0 ? { "data-hf-removed": "", "data-hf-lines": String(lines) } : { "data-hf-removed": "" };
  el.children = [];
}

/**
 * The root of a sub-composition file: its first `data-composition-id` element in document order, inside a
 * `<template>` or not (the compiler mounts it; the preview describes the file by it).
 */
export function subCompositionRoot(html: string): Element | undefined {
  const doc = parseDocument(html, { lowerCaseAttributeNames: true });
  return findAll(doc, (el) => el.attribs["data-composition-id"] !== undefined, false)[0];
}
