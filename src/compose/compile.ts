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
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "htmlparser2";
import type { Element, AnyNode, Document } from "domhandler";
import { isTag } from "domhandler";
import render from "dom-serializer";
import { CompositionError } from "../errors.js";
import { NESTING_AT_RULE, matchCssBrace, splitCssTopLevel } from "./css.js";
import { assemble, lineIndex, type LineMap, type Piece } from "./line-map.js";
import { checkProjectPath, projectRelative, resolveLocalPath } from "./files.js";

export interface CompileResult {
  html: string;
  /** project-relative files that were inlined (for watchers) */
  dependencies: string[];
  /** where each line of `html` comes from in the author's files */
  lineMap: LineMap;
}

interface Ctx {
  projectDir: string;
  deps: Set<string>;
  nextScope: { n: number };
  /** script srcs (project-relative) already loaded by the page, to avoid loading a library twice */
  loadedScripts: Set<string>;
  /** sub-composition scripts moved to the end of <body>: external ones (run first), then inline ones */
  externalScripts: Piece[][];
  inlineScripts: Piece[][];
}

const MAX_DEPTH = 20;

function walk(node: AnyNode, visit: (el: Element) => boolean | void): void {
  if (isTag(node)) {
    if (visit(node) === false) return;
  }
  const kids = (node as Element).children;
  if (kids) for (const c of kids) walk(c, visit);
}

function findAll(root: AnyNode, pred: (el: Element) => boolean, skipTemplates = true): Element[] {
  const out: Element[] = [];
  walk(root, (el) => {
    if (skipTemplates && el.name === "template") return false;
    if (pred(el)) out.push(el);
  });
  return out;
}

/** End index (inclusive) of an element's start tag in the source. */
function startTagEnd(src: string, el: Element): number {
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

function escapeAttr(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

// ---------------------------------------------------------------------------------------------
// CSS scoping

interface CssScope {
  /** `[data-composition-id="<id>"]`: the host and everything mounted in it */
  attr: string;
  /** the composition's own box: the mounted inner root, or the host when the template has none */
  box: string;
  /** the inner root's authored id (its `#id` rules style the inner root only) */
  innerRootId?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replace `#<id>` (outside brackets and quotes) with `replacement`. */
function replaceIdSelector(sel: string, id: string, replacement: string): string {
  const re = new RegExp(`#${escapeRe(id)}(?![\\w-])`, "y");
  let out = "";
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i]!;
    if (quote) {
      if (c === "\\") {
        out += c + (sel[i + 1] ?? "");
        i++;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") depth++;
    else if (c === "]") depth = Math.max(0, depth - 1);
    else if (c === "#" && depth === 0) {
      re.lastIndex = i;
      if (re.test(sel)) {
        out += replacement;
        i += id.length;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * Scope one selector to a mounted sub-composition, like the official compiler: a bare `html`, `body` or
 * `:root`, and a bare `[data-composition-id="<id>"]`, style the composition's own box (its inner root,
 * never the host, which is placed by the page like any clip); `#<inner root id>` is the inner root; a
 * bare `*` stays global; anything else only matches inside the host.
 */
function scopeSelector(sel: string, scope: CssScope): string {
  let s = sel.trim();
  if (!s) return s;
  // the official compiler leaves a bare `*` unscoped: a sub-composition's reset reaches the whole page
  if (s === "*") return s;
  if (/^(html|body|:root)$/i.test(s)) return scope.box;
  if (scope.innerRootId) s = replaceIdSelector(s, scope.innerRootId, `[data-hf-authored-id="${scope.innerRootId.replace(/"/g, '\\"')}"]`);
  if (s.startsWith(scope.attr)) {
    // a bare root selector, possibly with its timing attributes
    if (/^(\s*\[\s*data-(start|duration)\s*=\s*("[^"]*"|'[^']*')\s*\])*$/.test(s.slice(scope.attr.length))) return scope.box;
    return s;
  }
  return `${scope.attr} ${s}`;
}

/** Scope every selector (see scopeSelector), leaving @keyframes/@font-face alone and recursing into @media/@supports. */
function scopeCss(css: string, scope: CssScope): string {
  let out = "";
  let i = 0;
  const n = css.length;
  while (i < n) {
    // copy comments and whitespace
    if (css.startsWith("/*", i)) {
      const e = css.indexOf("*/", i + 2);
      const end = e < 0 ? n : e + 2;
      out += css.slice(i, end);
      i = end;
      continue;
    }
    const brace = findNext(css, i, "{");
    const semi = findNext(css, i, ";");
    if (brace < 0) {
      out += css.slice(i);
      break;
    }
    if (semi >= 0 && semi < brace) {
      // @import / @charset statement
      out += css.slice(i, semi + 1);
      i = semi + 1;
      continue;
    }
    const prelude = css.slice(i, brace);
    const close = matchCssBrace(css, brace);
    const body = css.slice(brace + 1, close);
    const p = prelude.trim();
    if (p.startsWith("@")) {
      if (NESTING_AT_RULE.test(p)) out += `${prelude}{${scopeCss(body, scope)}}`;
      else out += `${prelude}{${body}}`;
    } else {
      const lead = prelude.match(/^\s*/)![0];
      out += `${lead}${splitCssTopLevel(prelude, (c) => c === ",").map((s) => scopeSelector(s, scope)).join(", ")} {${body}}`;
    }
    i = close + 1;
  }
  return out;
}

function findNext(s: string, from: number, ch: string): number {
  let quote: string | null = null;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "/" && s[i + 1] === "*") {
      const e = s.indexOf("*/", i + 2);
      if (e < 0) return -1;
      i = e + 1;
    } else if (c === ch) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Paths

/** A reference that is not a relative path (URL with a scheme, protocol-relative, root-absolute, fragment). */
const NON_RELATIVE = /^([a-z][a-z0-9+.-]*:|\/|#|\{\{)/i;

/**
 * Rewrite a path written inside a sub-composition file for the page it is mounted in (resolveLocalPath's
 * rule, as the official compiler): `../x` from the sub-composition's folder; a plain relative path names a
 * sibling of the sub-composition when that file exists, else it is left as written (project-root relative).
 */
function rebasePath(ctx: Ctx, ref: string, subFileRel: string): string {
  if (!ref || NON_RELATIVE.test(ref)) return ref;
  const cut = ref.search(/[?#]/);
  const file = cut < 0 ? ref : ref.slice(0, cut);
  if (!file) return ref;
  const abs = resolveLocalPath(file, {
    projectDir: ctx.projectDir,
    baseDir: ctx.projectDir,
    fileDir: path.dirname(path.join(ctx.projectDir, subFileRel)),
    mode: "subcomposition",
  });
  const rel = projectRelative(ctx.projectDir, abs);
  if (!rel) return ref;
  return rel === path.posix.normalize(file) ? ref : rel + (cut < 0 ? "" : ref.slice(cut));
}

function rebaseCssUrls(ctx: Ctx, css: string, subFileRel: string): string {
  return css.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, (m, q: string, p: string) => {
    const r = rebasePath(ctx, p.trim(), subFileRel);
    return r === p.trim() ? m : `url(${q}${r}${q})`;
  });
}

// ---------------------------------------------------------------------------------------------

/** Absolute path of a project path as the file server sees it: `/x` is the project root, not the disk's. */
function projectPath(ctx: Ctx, rel: string): string {
  return rel.startsWith("/") ? path.join(ctx.projectDir, rel) : path.resolve(ctx.projectDir, rel);
}

/** Where a reference really leads when that is outside the project (a `..` path or a symlink), else undefined. */
function outsideProject(ctx: Ctx, abs: string): string | undefined {
  const c = checkProjectPath(ctx.projectDir, abs);
  return c.inside ? undefined : c.viaSymlink ? `a symlink to ${c.real}` : c.real;
}

function readSub(ctx: Ctx, rel: string, hostDesc: string, fromFile: string): string {
  const abs = projectPath(ctx, rel);
  const outside = outsideProject(ctx, abs);
  if (outside)
    throw new CompositionError("subcomposition_outside_project", `${hostDesc} data-composition-src="${rel}" points outside the project (${outside})`, {
      file: fromFile,
      hint: "keep sub-compositions inside the project folder (renders and the preview read only the project's own files)",
    });
  if (!existsSync(abs))
    throw new CompositionError("subcomposition_file_missing", `${hostDesc} data-composition-src="${rel}": file not found`, {
      file: fromFile,
      hint: `create ${rel} or fix the path (it is resolved from the project root)`,
    });
  ctx.deps.add(rel);
  return readFileSync(abs, "utf8");
}

interface ChildContent {
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

function childContent(doc: Document, id: string): Omit<ChildContent, "file" | "lineAt" | "source"> {
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

function isInside(el: AnyNode, anc: AnyNode): boolean {
  for (let p = el.parent; p; p = p.parent) if (p === anc) return true;
  return false;
}

/**
 * A sub-composition script, wrapped so it runs with the scoped `document`, `window`, `gsap` and
 * `__hyperframes` of its host. The code keeps its own lines (the wrapper adds none before it).
 */
function scriptTag(code: Piece, scopeId: string): Piece[] {
  const safe = code.text.replace(/<\/script/gi, "<\\/script");
  return [
    { text: `<script>(function(){var __s=window.__hfScope(${JSON.stringify(scopeId)});(function(document,window,gsap,__hyperframes){` },
    { ...code, text: safe },
    { text: `\n}).call(__s.window,__s.document,__s.window,__s.gsap,__s.__hyperframes);})();</script>\n` },
  ];
}

const LIB_RE = /(^|\/)(gsap|ScrollTrigger|lottie|anime|three)(\.min)?\.js$/i;

/** An attribute value as parsed (entities kept as written), re-quoted with double quotes. */
const quoteAttr = (raw: string) => raw.replace(/"/g, "&quot;");

function isJsScript(el: Element): boolean {
  const type = (el.attribs.type ?? "").trim();
  return !type || /^(text|application)\/(javascript|ecmascript)$|^module$/i.test(type);
}

/** Move one sub-composition <script> to the end-of-body lists (external ones run before inline ones). */
function takeScript(ctx: Ctx, el: Element, content: ChildContent, subRel: string, scopeId: string): void {
  const src = el.attribs.src;
  if (src !== undefined) {
    if (/^(https?:)?\/\//i.test(src)) {
      // remote library or script: once per page
      const key = LIB_RE.test(src) ? libName(src) : src;
      if (ctx.loadedScripts.has(key) || ctx.loadedScripts.has(src)) return;
      ctx.loadedScripts.add(key);
      ctx.loadedScripts.add(src);
      ctx.externalScripts.push([{ text: `<script src="${quoteAttr(src)}"></script>\n` }]);
      return;
    }
    const rel = path.posix.normalize(rebasePath(ctx, src.replace(/^\.\//, ""), subRel));
    const outside = outsideProject(ctx, projectPath(ctx, rel));
    if (outside)
      throw new CompositionError("file_outside_project", `<script src="${src}"> in ${subRel} points outside the project (${outside})`, {
        file: subRel,
        hint: "copy the script into the project and load it by a relative path (renders and the preview read only the project's own files)",
      });
    if (ctx.loadedScripts.has(rel) || (LIB_RE.test(rel) && ctx.loadedScripts.has(libName(rel)))) return;
    ctx.loadedScripts.add(rel);
    if (LIB_RE.test(rel)) ctx.loadedScripts.add(libName(rel));
    // like the official compiler, a script file runs as written, unscoped (GSAP plugins, helpers); only
    // inline scripts get the host's scope
    if (existsSync(path.resolve(ctx.projectDir, rel))) ctx.deps.add(rel);
    ctx.externalScripts.push([{ text: `<script src="${quoteAttr(rel)}"></script>\n` }]);
    return;
  }
  const textNode = el.children.find((c) => (c as { data?: string }).data !== undefined) as { startIndex?: number | null } | undefined;
  const code = el.children.map((c) => (c as { data?: string }).data ?? "").join("");
  const at = textNode?.startIndex;
  ctx.inlineScripts.push(scriptTag({ text: code, file: content.file, line: at != null ? content.lineAt(at) : undefined }, scopeId));
}

/** Transform a child's nodes (scripts out, styles scoped, paths rebased), serialise them and compile nested hosts. */
function transformChild(ctx: Ctx, content: ChildContent, subRel: string, scopeId: string, hostId: string, depth: number, stack: string[]): Piece[] {
  const innerRoot = content.nodes.find((n): n is Element => isTag(n) && !!n.attribs["data-composition-id"]);
  const innerRootId = innerRoot?.attribs.id;
  const attrSel = `[data-composition-id="${hostId}"]`;
  const scope: CssScope = {
    attr: attrSel,
    box: innerRoot ? `${attrSel} > [data-hf-inner-root]` : `${attrSel}[data-hf-scope]`,
    innerRootId,
  };
  if (innerRoot) {
    innerRoot.attribs["data-hf-inner-root"] = "";
    if (innerRootId) innerRoot.attribs["data-hf-authored-id"] = innerRootId;
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
  let html = links + content.nodes.map((n) => render(n, { decodeEntities: false })).join("");
  html = html.replace(/<script data-hf-removed(?:="")?(?: data-hf-lines="(\d+)")?><\/script>/g, (_m, n: string | undefined) => "\n".repeat(Number(n ?? 0)));
  const first = content.nodes.find((n) => n.startIndex != null);
  const firstLine = first ? content.lineAt(first.startIndex!) : 1;
  // nested hosts inside the child
  return compileFragment(ctx, html, content.file, firstLine, depth + 1, stack, subRel);
}

function markRemoved(el: Element, lines: number): void {
  el.attribs = lines > 0 ? { "data-hf-removed": "", "data-hf-lines": String(lines) } : { "data-hf-removed": "" };
  el.children = [];
}
function libName(src: string): string {
  const m = LIB_RE.exec(src);
  return m ? `lib:${m[2]!.toLowerCase()}` : src;
}

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
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true, decodeEntities: false, lowerCaseAttributeNames: true });
  const lineOf = lineIndex(html);
  const own = (start: number, end: number): Piece => ({ text: html.slice(start, end), file: fileRel, line: firstLine + lineOf(start) - 1 });
  // remember scripts the page loads itself
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
  const inlineTemplates = new Map<string, Element>();
  for (const t of findAll(doc, (el) => el.name === "template" && /-template$/.test(el.attribs.id ?? ""), false)) inlineTemplates.set(t.attribs.id!, t);

  const hosts = findAll(doc, (el) => {
    if (!el.attribs["data-composition-id"] || el.attribs["data-hf-scope"]) return false;
    if (el.attribs["data-composition-src"]) return true;
    const hasElementChildren = el.children.some((c) => isTag(c));
    return !hasElementChildren && inlineTemplates.has(`${el.attribs["data-composition-id"]}-template`);
  });
  // only outermost hosts: nested ones are handled when their parent's content is compiled
  const outer = hosts.filter((h) => !hosts.some((o) => o !== h && isInside(h, o)));

  const edits: { start: number; end: number; pieces: Piece[] }[] = [];
  for (const host of outer) {
    const id = host.attribs["data-composition-id"]!;
    const src = host.attribs["data-composition-src"];
    const hostDesc = `<${host.name}${host.attribs.id ? ` id="${host.attribs.id}"` : ""} data-composition-id="${id}">`;
    let content: ChildContent;
    let subRel = pathBase;
    if (src) {
      subRel = path.posix.normalize(src.replace(/^\.\//, ""));
      if (stack.includes(subRel))
        throw new CompositionError("subcomposition_cycle", `sub-composition cycle: ${[...stack, subRel].join(" → ")}`, {
          file: pathBase,
          hint: "a composition cannot include itself, directly or through others",
        });
      const text = readSub(ctx, subRel, hostDesc, pathBase);
      const childDoc = parseDocument(text, { withStartIndices: true, withEndIndices: true, decodeEntities: false, lowerCaseAttributeNames: true });
      content = { ...childContent(childDoc, id), file: subRel, lineAt: lineIndex(text), source: text };
    } else {
      const tpl = inlineTemplates.get(`${id}-template`)!;
      content = { nodes: tpl.children, headLinks: [], varDecls: [], file: fileRel, lineAt: (o) => firstLine + lineOf(o) - 1, source: html };
    }
    const scopeId = String(++ctx.nextScope.n);
    const inner = transformChild(ctx, content, subRel, scopeId, id, depth, src ? [...stack, subRel] : stack);
    // copy the inner root's size onto the host when the host doesn't set it
    const innerRoot = content.nodes.find((n): n is Element => isTag(n) && !!n.attribs["data-composition-id"]);
    const extra: string[] = [` data-hf-scope="${scopeId}"`];
    if (src) extra.push(` data-composition-file="${escapeAttr(subRel)}"`);
    if (innerRoot) {
      if (!host.attribs["data-width"] && innerRoot.attribs["data-width"]) extra.push(` data-width="${escapeAttr(innerRoot.attribs["data-width"])}"`);
      if (!host.attribs["data-height"] && innerRoot.attribs["data-height"]) extra.push(` data-height="${escapeAttr(innerRoot.attribs["data-height"])}"`);
    }
    if (content.varDecls.length) extra.push(` data-hf-var-decls="${escapeAttr(JSON.stringify(content.varDecls))}"`);
    const tagEnd = startTagEnd(html, host);
    const selfClosing = html[tagEnd - 1] === "/";
    const openEnd = selfClosing ? tagEnd - 1 : tagEnd;
    edits.push({ start: openEnd, end: openEnd, pieces: [{ text: extra.join("") }] });
    if (selfClosing) {
      edits.push({ start: tagEnd - 1, end: tagEnd + 1, pieces: [{ text: ">" }, ...inner, { text: `</${host.name}>` }] });
    } else {
      // replace the host's existing content (normally empty) with the child
      const closeStart = html.lastIndexOf("</", host.endIndex!);
      const contentStart = tagEnd + 1;
      const contentEnd = closeStart >= contentStart ? closeStart : contentStart;
      edits.push({ start: contentStart, end: contentEnd, pieces: inner });
    }
  }
  if (depth === 0) {
    const moved = [...ctx.externalScripts, ...ctx.inlineScripts].flat();
    if (moved.length) {
      const body = findAll(doc, (el) => el.name === "body", false)[0];
      const close = body?.endIndex != null ? html.toLowerCase().lastIndexOf("</body", body.endIndex) : -1;
      const at = close >= 0 ? close : html.length;
      edits.push({ start: at, end: at, pieces: [{ text: "\n" }, ...moved] });
    }
  }
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
