/**
 * Compiles a composition's entry HTML for the browser: every `data-composition-src` host (and every empty
 * host with an inline `<template id="<id>-template">`) gets its sub-composition inlined before any page
 * script runs, recursively (depth ≤ 20, cycles refused). The child's CSS is scoped to the host, its
 * scripts are wrapped so queries, GSAP targets and timeline registration stay inside the host, `../`
 * asset paths are rewritten against the sub-composition's folder, and per-instance variables
 * (child defaults + `data-variable-values`) are attached to the host.
 *
 * Scripts of sub-compositions run after the page's own scripts, like the official renderer: they are moved
 * to the end of `<body>`, every external one (`<script src>`: libraries, plugins, local files, loaded once
 * and unscoped) first, then every inline one (scoped), each in the order of its file (hosts in document order). So a sub-composition that loads GSAP itself and uses it
 * works even when the page loads GSAP only at the end of `<body>`.
 *
 * The rest of the document is kept byte for byte (only the hosts are spliced and the moved scripts added
 * before `</body>`), and the result carries a line map back to the author's files (line-map.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "htmlparser2";
import type { Element, AnyNode, Document } from "domhandler";
import { isTag } from "domhandler";
import render from "dom-serializer";
import { CompositionError } from "../errors.js";
import { assemble, lineIndex, type LineMap, type Piece } from "./line-map.js";
import { escapeAttr, findAll, isInside, markRemoved, startTagEnd, subCompositionRoot, walk } from "./compile/dom.js";
import { scopeCss, type CssScope } from "./compile/css-scope.js";
import { childContent, type ChildContent, type Ctx } from "./compile/context.js";
import { outsideProject, readSub, rebaseCssUrls, rebasePath } from "./compile/paths.js";
import { isJsScript, libName, LIB_RE, takeScript } from "./compile/scripts.js";
import { applySvgAliases, svgAliases } from "./compile/svg-aliases.js";

export interface CompileResult {
  html: string;
  /** project-relative files that were inlined (for watchers) */
  dependencies: string[];
  /** where each line of `html` comes from in the author's files */
  lineMap: LineMap;
}

const MAX_DEPTH = 20;

/** Transform a child's nodes (scripts out, styles scoped, paths rebased), serialise them and compile nested hosts. */
function transformChild(ctx: Ctx, content: ChildContent, subRel: string, scopeId: string, hostId: string, depth: number, stack: string[]): Piece[] {
  const innerRoot = content.nodes.find((n): n is Element => isTag(n) && !!n.attribs["data-composition-id"]);
  const innerRootId = innerRoot?.attribs.id;
  const attrSel = `[data-composition-id="${hostId}"]`;
  // a repeated instance's SVG ids get names of their own, which its scoped CSS also matches (compile/svg-aliases.ts)
  const instance = (ctx.instances.get(hostId) ?? 0) + 1;
  ctx.instances.set(hostId, instance);
  const aliases = svgAliases(content.nodes, hostId, instance);
  const scope: CssScope = {
    attr: attrSel,
    box: innerRoot ? `${attrSel} > [data-hf-inner-root]` : `${attrSel}[data-hf-scope]`,
    innerRootId,
    aliasedIds: new Set(aliases.keys()),
  };
  if (innerRoot) {
    innerRoot.attribs["data-hf-inner-root"] = "";
    // the authored id leaves the mounted root, as in the official: a page rule `#root { … }` (most pages and
    // registry components call their root "root") must not style it; its own CSS and scoped queries use
    // [data-hf-authored-id] instead (css-scope.ts, runtime/scope.ts)
    if (innerRootId) {
      innerRoot.attribs["data-hf-authored-id"] = innerRootId;
      delete innerRoot.attribs.id;
    }
  }
  // the child's head links are hoisted with the content (a stylesheet applies to the whole page)
  let links = "";
  for (const l of content.headLinks) {
    if (l.attribs.href) l.attribs.href = rebasePath(ctx, l.attribs.href, subRel);
    links += render(l, { decodeEntities: false });
  }
  const fix = (node: AnyNode) => {
    walk(node, (el) => {
      // an inline template is compiled when its own host is
      if (el.name === "template") return false;
      if (el.name === "script") {
        if (!isJsScript(el)) return false;
        takeScript(ctx, el, content, subRel, scopeId);
        // keep the markup's line count where the script was
        const raw = el.startIndex != null && el.endIndex != null ? content.source.slice(el.startIndex, el.endIndex + 1) : "";
        markRemoved(el, (raw.match(/\n/g) ?? []).length);
        return false;
      }
      for (const a of ["src", "href", "poster"]) {
        if (el.attribs[a]) el.attribs[a] = rebasePath(ctx, el.attribs[a]!, subRel);
      }
      if (el.attribs.style) el.attribs.style = rebaseCssUrls(ctx, el.attribs.style, subRel);
      if (el.name === "style") {
        const text = el.children.map((c) => (c as { data?: string }).data ?? "").join("");
        const scoped = scopeCss(rebaseCssUrls(ctx, text, subRel), scope);
        el.children = [{ type: "text", data: scoped, parent: el } as any];
        return false;
      }
    });
  };
  for (const n of content.nodes) fix(n);
  applySvgAliases(content.nodes, aliases);
  let html = links + content.nodes.map((n) => render(n, { decodeEntities: false })).join("");
  html = html.replace(/<script data-hf-removed(?:="")?(?: data-hf-lines="(\d+)")?><\/script>/g, (_m, n: string | undefined) => "\n".repeat(Number(n ?? 0)));
  const first = content.nodes.find((n) => n.startIndex != null);
  const firstLine = first ? content.lineAt(first.startIndex!) : 1;
  // nested hosts inside the child
  return compileFragment(ctx, html, content.file, firstLine, depth + 1, stack, subRel);
}

/** An HTML text being compiled, and where it comes from. */
interface Fragment {
  html: string;
  /** the file the text comes from (for the line map), and the line of that file the text starts on */
  fileRel: string;
  firstLine: number;
  /** the file relative paths inside the text are written against */
  pathBase: string;
  /** the 1-based line of an offset into `html` */
  lineOf: (offset: number) => number;
}

/** Replace `html[start, end)` by `pieces`. */
interface Edit {
  start: number;
  end: number;
  pieces: Piece[];
}

const PARSE_OPTIONS = { withStartIndices: true, withEndIndices: true, decodeEntities: false, lowerCaseAttributeNames: true };

/**
 * Inline all hosts in an HTML string (a whole document or a fragment) and return it as pieces with their
 * origins. `fileRel` is the file the text comes from (for the line map), `firstLine` the line of that file
 * the text starts on, `pathBase` the file relative paths inside the text are written against. The top-level
 * call (depth 0) also adds the moved sub-composition scripts before `</body>`.
 */
function compileFragment(ctx: Ctx, html: string, fileRel: string, firstLine: number, depth: number, stack: string[], pathBase = fileRel): Piece[] {
  if (depth > MAX_DEPTH)
    throw new CompositionError("subcomposition_too_deep", `sub-compositions are nested more than ${MAX_DEPTH} levels deep in ${pathBase}`, {
      file: pathBase,
      hint: "check for a data-composition-src loop",
    });
  const doc = parseDocument(html, PARSE_OPTIONS);
  const f: Fragment = { html, fileRel, firstLine, pathBase, lineOf: lineIndex(html) };
  rememberPageScripts(ctx, doc);
  const inlineTemplates = new Map<string, Element>();
  for (const t of findAll(doc, (el) => el.name === "template" && /-template$/.test(el.attribs.id ?? ""), false)) inlineTemplates.set(t.attribs.id!, t);
  const edits: Edit[] = [];
  for (const host of outerHosts(doc, inlineTemplates)) edits.push(...hostEdits(ctx, f, host, inlineTemplates, depth, stack));
  if (depth === 0) {
    const moved = movedScripts(ctx, doc, html);
    if (moved) edits.push(moved);
  }
  return applyEdits(f, edits);
}

/** Remember the scripts the page loads itself (a sub-composition's copy of a library is then not loaded again). */
function rememberPageScripts(ctx: Ctx, doc: Document): void {
  for (const s of findAll(doc, (el) => el.name === "script" && !!el.attribs.src)) {
    const src = s.attribs.src!;
    if (/^(https?:)?\/\//i.test(src)) {
      ctx.loadedScripts.add(libName(src));
      ctx.loadedScripts.add(src);
    } else {
      const rel = path.posix.normalize(src.replace(/^\.\//, ""));
      ctx.loadedScripts.add(rel);
      if (LIB_RE.test(rel)) ctx.loadedScripts.add(libName(rel));
    }
  }
}

/** The hosts to inline at this level: `data-composition-src` ones and empty ones with an inline template, not nested in another. */
function outerHosts(doc: Document, inlineTemplates: Map<string, Element>): Element[] {
  const hosts = findAll(doc, (el) => {
    if (el.attribs["data-hf-scope"]) return false;
    // a host may leave its id to the sub-composition's own root (the official compiler takes it from there)
    if (el.attribs["data-composition-src"]) return true;
    if (!el.attribs["data-composition-id"]) return false;
    const hasElementChildren = el.children.some((c) => isTag(c));
    return !hasElementChildren && inlineTemplates.has(`${el.attribs["data-composition-id"]}-template`);
  });
  // only outermost hosts: nested ones are handled when their parent's content is compiled
  return hosts.filter((h) => !hosts.some((o) => o !== h && isInside(h, o)));
}

/** Inline one host: its compiled content, and its start tag marked as a scope (id, file, size, variables). */
function hostEdits(ctx: Ctx, f: Fragment, host: Element, inlineTemplates: Map<string, Element>, depth: number, stack: string[]): Edit[] {
  const { id, src, subRel, content } = hostContent(ctx, f, host, inlineTemplates, stack);
  const scopeId = String(++ctx.nextScope.n);
  const inner = transformChild(ctx, content, subRel, scopeId, id, depth, src ? [...stack, subRel] : stack);
  const extra = hostAttributes(host, id, src, subRel, scopeId, content);
  const html = f.html;
  const tagEnd = startTagEnd(html, host);
  const selfClosing = html[tagEnd - 1] === "/";
  const openEnd = selfClosing ? tagEnd - 1 : tagEnd;
  const edits: Edit[] = [{ start: openEnd, end: openEnd, pieces: [{ text: extra }] }];
  if (selfClosing) {
    edits.push({ start: tagEnd - 1, end: tagEnd + 1, pieces: [{ text: ">" }, ...inner, { text: `</${host.name}>` }] });
  } else {
    // replace the host's existing content (normally empty) with the child
    const closeStart = html.lastIndexOf("</", host.endIndex!);
    const contentStart = tagEnd + 1;
    const contentEnd = closeStart >= contentStart ? closeStart : contentStart;
    edits.push({ start: contentStart, end: contentEnd, pieces: inner });
  }
  return edits;
}

/** What a host mounts: its sub-composition file (a cycle is refused) or its inline template, and the id it takes. */
function hostContent(
  ctx: Ctx,
  f: Fragment,
  host: Element,
  inlineTemplates: Map<string, Element>,
  stack: string[],
): { id: string; src: string | undefined; subRel: string; content: ChildContent } {
  const src = host.attribs["data-composition-src"];
  let childText: string | undefined;
  let id = host.attribs["data-composition-id"];
  if (!id && src) {
    childText = readSub(ctx, path.posix.normalize(src.replace(/^\.\//, "")), `<${host.name} data-composition-src="${src}">`, f.pathBase);
    id = subCompositionRoot(childText)?.attribs["data-composition-id"] ?? path.posix.basename(src).replace(/\.html?$/i, "");
  }
  id = id!;
  if (!src) {
    const tpl = inlineTemplates.get(`${id}-template`)!;
    const content: ChildContent = { nodes: tpl.children, headLinks: [], varDecls: [], file: f.fileRel, lineAt: (o) => f.firstLine + f.lineOf(o) - 1, source: f.html };
    return { id, src, subRel: f.pathBase, content };
  }
  const hostDesc = `<${host.name}${host.attribs.id ? ` id="${host.attribs.id}"` : ""} data-composition-id="${id}">`;
  const subRel = path.posix.normalize(src.replace(/^\.\//, ""));
  if (stack.includes(subRel))
    throw new CompositionError("subcomposition_cycle", `sub-composition cycle: ${[...stack, subRel].join(" → ")}`, {
      file: f.pathBase,
      hint: "a composition cannot include itself, directly or through others",
    });
  const text = childText ?? readSub(ctx, subRel, hostDesc, f.pathBase);
  const childDoc = parseDocument(text, PARSE_OPTIONS);
  return { id, src, subRel, content: { ...childContent(childDoc, id), file: subRel, lineAt: lineIndex(text), source: text } };
}

/** The attributes added to a host's start tag; the inner root's size is copied when the host doesn't set it. */
function hostAttributes(host: Element, id: string, src: string | undefined, subRel: string, scopeId: string, content: ChildContent): string {
  const innerRoot = content.nodes.find((n): n is Element => isTag(n) && !!n.attribs["data-composition-id"]);
  const extra: string[] = [` data-hf-scope="${scopeId}"`];
  if (!host.attribs["data-composition-id"]) extra.push(` data-composition-id="${escapeAttr(id)}"`);
  if (src) extra.push(` data-composition-file="${escapeAttr(subRel)}"`);
  if (innerRoot) {
    if (!host.attribs["data-width"] && innerRoot.attribs["data-width"]) extra.push(` data-width="${escapeAttr(innerRoot.attribs["data-width"])}"`);
    if (!host.attribs["data-height"] && innerRoot.attribs["data-height"]) extra.push(` data-height="${escapeAttr(innerRoot.attribs["data-height"])}"`);
  }
  if (content.varDecls.length) extra.push(` data-hf-var-decls="${escapeAttr(JSON.stringify(content.varDecls))}"`);
  return extra.join("");
}

/** The sub-composition scripts moved before `</body>` (the end of the text without one); null when there are none. */
function movedScripts(ctx: Ctx, doc: Document, html: string): Edit | null {
  const moved = [...ctx.externalScripts, ...ctx.inlineScripts].flat();
  if (!moved.length) return null;
  const body = findAll(doc, (el) => el.name === "body", false)[0];
  const close = body?.endIndex != null ? html.toLowerCase().lastIndexOf("</body", body.endIndex) : -1;
  const at = close >= 0 ? close : html.length;
  return { start: at, end: at, pieces: [{ text: "\n" }, ...moved] };
}

/** The fragment's own text around the edits, as pieces. */
function applyEdits(f: Fragment, edits: Edit[]): Piece[] {
  const { html } = f;
  const own = (start: number, end: number): Piece => ({ text: html.slice(start, end), file: f.fileRel, line: f.firstLine + f.lineOf(start) - 1 });
  if (edits.length === 0) return [own(0, html.length)];
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Piece[] = [];
  let cursor = 0;
  for (const e of edits) {
    if (e.start > cursor) out.push(own(cursor, e.start));
    out.push(...e.pieces);
    cursor = Math.max(cursor, e.end);
  }
  if (cursor < html.length) out.push(own(cursor, html.length));
  return out;
}

/** Compile a composition's entry file (project-relative) into browser-ready HTML. */
export function compileComposition(projectDir: string, entry = "index.html", html?: string): CompileResult {
  const abs = path.resolve(projectDir, entry);
  const ctx: Ctx = {
    projectDir: path.resolve(projectDir),
    deps: new Set([entry]),
    nextScope: { n: 0 },
    instances: new Map(),
    loadedScripts: new Set(),
    externalScripts: [],
    inlineScripts: [],
  };
  const outside = outsideProject(ctx, abs);
  if (outside)
    throw new CompositionError("entry_outside_project", `entry ${entry} is not inside the project folder (${outside})`, {
      file: entry,
      hint: "pass an entry file that is inside the project (not a symlink to elsewhere)",
    });
  const source = html ?? readFileSync(abs, "utf8");
  const { text, map } = assemble(compileFragment(ctx, source, entry, 1, 0, [entry]));
  return { html: text, dependencies: [...ctx.deps], lineMap: map };
}
