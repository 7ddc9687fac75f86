/**
 * HTML parsing helpers for the static composition model: a real HTML parser (htmlparser2 + domhandler),
 * start offsets → 1-based lines, element descriptions for messages, and small DOM queries.
 * `<template>` contents are parsed as ordinary children (htmlparser2 has no inert template fragment),
 * so callers decide themselves whether to descend into templates.
 */
import { parseDocument } from "htmlparser2";
import type { AnyNode, Document, Element, Text } from "domhandler";
import { isTag, isText } from "domhandler";
import { selectAll, selectOne } from "css-select";
import { lineIndex } from "./line-map.js";

export type { AnyNode, Document, Element };

export interface ParsedHtml {
  source: string;
  doc: Document;
  /** 1-based line of a character offset into `source`. */
  lineAt(offset: number | null | undefined): number | undefined;
}

/** Parse an HTML string, keeping start/end offsets on every node. */
export function parseHtml(source: string): ParsedHtml {
  const doc = parseDocument(source, {
    withStartIndices: true,
    withEndIndices: true,
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
    decodeEntities: true,
  });
  const line = lineIndex(source);
  const lineAt = (offset: number | null | undefined): number | undefined => (offset == null || offset < 0 ? undefined : line(offset));
  return { source, doc, lineAt };
}

/** An element's start tag in the source: each attribute's value range (quotes excluded; none for a bare one), and the offset of its closing `>`. */
export interface StartTag {
  attrs: Map<string, { start: number; end: number; quoted: boolean } | null>;
  close: number;
}

export function startTag(source: string, el: Element): StartTag | undefined {
  const tagStart = el.startIndex;
  if (tagStart == null) return undefined;
  const re = /\s+([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?|\s*(\/?>)/gy;
  re.lastIndex = tagStart + 1 + el.name.length;
  const attrs: StartTag["attrs"] = new Map();
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m[5]) return { attrs, close: re.lastIndex - 1 };
    const name = m[1]!.toLowerCase();
    if (attrs.has(name)) continue; // the first one counts, as in a browser
    const raw = m[2] ?? m[3] ?? m[4];
    if (raw === undefined) {
      attrs.set(name, null);
      continue;
    }
    const end = re.lastIndex - (m[4] !== undefined ? 0 : 1);
    attrs.set(name, { start: end - raw.length, end, quoted: m[4] === undefined });
  }
  return undefined;
}

/** Offsets of an attribute's value inside an element's start tag (quotes excluded), or undefined. */
export function attributeValueRange(source: string, el: Element, name: string): { start: number; end: number; quoted: boolean } | undefined {
  return startTag(source, el)?.attrs.get(name) ?? undefined;
}

export function attr(el: Element, name: string): string | undefined {
  const v = el.attribs[name];
  return v === undefined ? undefined : v;
}

export function hasAttr(el: Element, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(el.attribs, name);
}

/** Element children only. */
export function childElements(node: AnyNode): Element[] {
  const kids = (node as { children?: AnyNode[] }).children ?? [];
  return kids.filter((k): k is Element => isTag(k));
}

/** Concatenated text of the direct text children (script/style bodies). */
export function ownText(el: Element): { text: string; offset: number | undefined } {
  let text = "";
  let offset: number | undefined;
  for (const k of el.children) {
    if (isText(k)) {
      if (offset === undefined && (k as Text).startIndex != null) offset = (k as Text).startIndex!;
      text += (k as Text).data;
    }
  }
  return { text, offset };
}

export function parentElement(el: AnyNode): Element | null {
  const p = el.parent;
  return p && isTag(p) ? (p as Element) : null;
}

export function isInsideTemplate(el: AnyNode): boolean {
  for (let p = parentElement(el); p; p = parentElement(p)) if (p.name === "template") return true;
  return false;
}

export function closest(el: Element, pred: (e: Element) => boolean, includeSelf = false): Element | null {
  for (let p: Element | null = includeSelf ? el : parentElement(el); p; p = parentElement(p)) if (pred(p)) return p;
  return null;
}

/** Every element under `root` in document order (templates included). */
export function allElements(root: AnyNode): Element[] {
  const out: Element[] = [];
  const walk = (n: AnyNode): void => {
    for (const k of (n as { children?: AnyNode[] }).children ?? []) {
      if (isTag(k)) {
        out.push(k);
        walk(k);
      }
    }
  };
  walk(root);
  return out;
}

export function query(selector: string, root: AnyNode | AnyNode[]): Element[] {
  return selectAll(selector, root as AnyNode);
}

export function queryOne(selector: string, root: AnyNode | AnyNode[]): Element | null {
  return selectOne(selector, root as AnyNode);
}

/** First element named `name` anywhere in the document (not inside a template). */
export function findTag(doc: Document, name: string): Element | null {
  for (const el of allElements(doc)) if (el.name === name && !isInsideTemplate(el)) return el;
  return null;
}

function escAttr(v: string): string {
  const short = v.length > 40 ? `${v.slice(0, 37)}...` : v;
  return short.replace(/"/g, "&quot;");
}

/** `<video id="intro">`, `<div class="scene a">`, `<div data-composition-id="card">`, `<audio src="x.wav">`. */
export function describeElement(el: Element): string {
  const parts: string[] = [el.name];
  const id = el.attribs.id;
  if (id) parts.push(`id="${escAttr(id)}"`);
  else if (el.attribs["data-composition-id"]) parts.push(`data-composition-id="${escAttr(el.attribs["data-composition-id"])}"`);
  else if (el.attribs.class) parts.push(`class="${escAttr(el.attribs.class)}"`);
  else if (el.attribs.src) parts.push(`src="${escAttr(el.attribs.src)}"`);
  else if (el.attribs.href) parts.push(`href="${escAttr(el.attribs.href)}"`);
  return `<${parts.join(" ")}>`;
}

/** Where markup goes to be first in <head>: after `<head>`, else in a new <head> after `<html>`, else at the start. */
export function headInsertion(html: string): { at: number; wrap: (snippet: string) => string } {
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return { at: head.index + head[0].length, wrap: (t) => t };
  const root = /<html(\s[^>]*)?>/i.exec(html);
  return { at: root ? root.index + root[0].length : 0, wrap: (t) => `<head>${t}</head>` };
}

/** Insert `snippet` right after the opening <head> tag (or a new <head> after <html>, or at the very start). */
export function insertAtHeadTop(html: string, snippet: string): string {
  const { at, wrap } = headInsertion(html);
  return html.slice(0, at) + wrap(snippet) + html.slice(at);
}
