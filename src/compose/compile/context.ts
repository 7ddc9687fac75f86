// The compile context, and a sub-composition's content (nodes to mount, head links, variable declarations).
import type { Element, AnyNode, Document } from "domhandler";
import { isTag } from "domhandler";
import type { Piece } from "../line-map.js";
import { findAll, isInside } from "./dom.js";

export interface Ctx {
  projectDir: string;
  deps: Set<string>;
  nextScope: { n: number };
  /** instances mounted so far, by composition id (compile/svg-aliases.ts) */
  instances: Map<string, number>;
  /** script srcs (project-relative) already loaded by the page, to avoid loading a library twice */
  loadedScripts: Set<string>;
  /** sub-composition scripts moved to the end of <body>: external ones (run first), then inline ones */
  externalScripts: Piece[][];
  inlineScripts: Piece[][];
}

export interface ChildContent {
  /** the nodes to mount (template content, or body children) */
  nodes: AnyNode[];
  /** <link rel=stylesheet|preconnect> from the child's head */
  headLinks: Element[];
  varDecls: unknown[];
  /** the file the nodes were parsed from, and the 1-based line of an offset into that text */
  file: string;
  lineAt: (offset: number) => number;
  /** the text the nodes were parsed from (their start/end indices point into it) */
  source: string;
}

export function childContent(doc: Document, id: string): Omit<ChildContent, "file" | "lineAt" | "source"> {
  const templates = findAll(doc, (el) => el.name === "template", false);
  const tpl = templates.find((t) => t.attribs.id === `${id}-template`) ?? templates[0];
  const headLinks = findAll(doc, (el) => el.name === "link" && /stylesheet|preconnect/i.test(el.attribs.rel ?? ""), false).filter(
    (l) => !tpl || !isInside(l, tpl),
  );
  let varDecls: unknown[] = [];
  const htmlEl = findAll(doc, (el) => el.name === "html", false)[0];
  const declSources = [htmlEl, ...findAll(tpl ?? doc, (el) => !!el.attribs["data-composition-variables"], false)].filter(Boolean) as Element[];
  for (const el of declSources) {
    const raw = el.attribs["data-composition-variables"];
    if (!raw) continue;
    try {
      const v = JSON.parse(raw);
      if (Array.isArray(v)) varDecls = varDecls.concat(v);
    } catch {
      /* lint reports it */
    }
  }
  if (tpl) return { nodes: tpl.children, headLinks, varDecls };
  const body = findAll(doc, (el) => el.name === "body", false)[0];
  const head = findAll(doc, (el) => el.name === "head", false)[0];
  const headStuff = head ? head.children.filter((c) => isTag(c) && (c.name === "style" || c.name === "script")) : [];
  return { nodes: [...headStuff, ...(body ? body.children : doc.children)], headLinks, varDecls };
}
