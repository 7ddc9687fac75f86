/**
 * Compiles a composition's entry HTML for the browser: every `data-composition-src` host (and every empty
 * host with an inline `<template id="<id>-template">`) gets its sub-composition inlined before any page
 * script runs, recursively (depth ≤ 20, cycles refused). The child's CSS is scoped to the host, its
 * scripts are wrapped so queries, GSAP targets and timeline registration stay inside the host, `../`
 * asset paths are rewritten against the sub-composition's folder, and per-instance variables
 * (child defaults + `data-variable-values`) are attached to the host.
 *
 * The rest of the document is kept byte for byte (only the hosts are spliced).
 */
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "htmlparser2";
import type { Element, AnyNode, Document } from "domhandler";
import { isTag } from "domhandler";
import render from "dom-serializer";
import { CompositionError } from "../errors.js";
import { NESTING_AT_RULE, matchCssBrace, splitCssTopLevel } from "./css.js";
import { checkProjectPath } from "./files.js";

export interface CompileResult {
  html: string;
  /** project-relative files that were inlined (for watchers) */
  dependencies: string[];
}

interface Ctx {
  projectDir: string;
  deps: Set<string>;
  nextScope: { n: number };
  /** script srcs (project-relative) already loaded by the page, to avoid loading a library twice */
  loadedScripts: Set<string>;
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

function scopeSelector(sel: string, scopeAttr: string, innerRootId: string | undefined): string {
  const s = sel.trim();
  if (!s) return s;
  if (/^(html|body|:root)\b/.test(s)) return s.replace(/^(html|body|:root)\b/, scopeAttr);
  if (innerRootId) {
    const idRe = new RegExp(`^#${innerRootId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`);
    if (idRe.test(s)) return s.replace(idRe, scopeAttr);
  }
  if (s.startsWith(scopeAttr)) return s;
  return `${scopeAttr} ${s}`;
}

/** Prefix every selector with the scope, leaving @keyframes/@font-face alone and recursing into @media/@supports. */
export function scopeCss(css: string, scopeAttr: string, innerRootId?: string): string {
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
      if (NESTING_AT_RULE.test(p)) out += `${prelude}{${scopeCss(body, scopeAttr, innerRootId)}}`;
      else out += `${prelude}{${body}}`;
    } else {
      const lead = prelude.match(/^\s*/)![0];
      out += `${lead}${splitCssTopLevel(prelude, (c) => c === ",").map((s) => scopeSelector(s, scopeAttr, innerRootId)).join(", ")} {${body}}`;
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

/** Rewrite a `../`-prefixed reference inside a sub-composition file against that file's folder. */
function rebasePath(ref: string, subFileRel: string): string {
  if (!ref.startsWith("../")) return ref;
  const abs = path.posix.normalize(path.posix.join(path.posix.dirname(subFileRel), ref));
  return abs.startsWith("../") ? ref : abs;
}

function rebaseCssUrls(css: string, subFileRel: string): string {
  return css.replace(/url\(\s*(['"]?)(\.\.\/[^'")]+)\1\s*\)/g, (_m, q: string, p: string) => `url(${q}${rebasePath(p, subFileRel)}${q})`);
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
  /** <link rel=stylesheet> from the child's head */
  headLinks: Element[];
  varDecls: unknown[];
}

function childContent(doc: Document, id: string): ChildContent {
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

function wrapScript(code: string, scopeId: string): string {
  const safe = code.replace(/<\/script/gi, "<\\/script");
  return `(function(){var __s=window.__hfScope(${JSON.stringify(scopeId)});(function(document,window,gsap,__hyperframes){\n${safe}\n}).call(__s.window,__s.document,__s.window,__s.gsap,__s.__hyperframes);})();`;
}

const LIB_RE = /(^|\/)(gsap|ScrollTrigger|lottie|anime|three)(\.min)?\.js$/i;

/** Transform a child's nodes in place (scripts, styles, paths), then serialise them. */
function transformChild(ctx: Ctx, content: ChildContent, subRel: string, scopeId: string, hostId: string, depth: number, stack: string[]): string {
  const scopeAttr = `[data-composition-id="${hostId}"]`;
  const innerRoot = content.nodes.find((n): n is Element => isTag(n) && !!n.attribs["data-composition-id"]);
  const innerRootId = innerRoot?.attribs.id;
  const pieces: string[] = [];
  for (const l of content.headLinks) {
    if (l.attribs.href) l.attribs.href = rebasePath(l.attribs.href, subRel);
    pieces.push(render(l, { decodeEntities: false }));
  }
  const fix = (node: AnyNode) => {
    walk(node, (el) => {
      for (const a of ["src", "href", "poster", "data-composition-src"]) {
        if (el.attribs[a] && a !== "data-composition-src") el.attribs[a] = rebasePath(el.attribs[a]!, subRel);
      }
      if (el.attribs.style) el.attribs.style = rebaseCssUrls(el.attribs.style, subRel);
      if (el.name === "style") {
        const text = el.children.map((c) => (c as any).data ?? "").join("");
        const scoped = scopeCss(rebaseCssUrls(text, subRel), scopeAttr, innerRootId);
        el.children = [{ type: "text", data: scoped, parent: el } as any];
        return false;
      }
      if (el.name === "script") {
        const type = (el.attribs.type ?? "").trim();
        if (type && !/^(text|application)\/(javascript|ecmascript)$|^module$/i.test(type)) return false;
        const src = el.attribs.src;
        if (src) {
          if (/^(https?:)?\/\//i.test(src)) {
            // remote library: keep unless the page already has it
            if (LIB_RE.test(src) && ctx.loadedScripts.has(libName(src))) {
              markRemoved(el);
            }
            return false;
          }
          const rel = path.posix.normalize(rebasePath(src.replace(/^\.\//, ""), subRel));
          const abs = projectPath(ctx, rel);
          const outside = outsideProject(ctx, abs);
          if (outside)
            throw new CompositionError("file_outside_project", `<script src="${src}"> in ${subRel} points outside the project (${outside})`, {
              file: subRel,
              hint: "copy the script into the project and load it by a relative path (renders and the preview read only the project's own files)",
            });
          if (ctx.loadedScripts.has(rel) || (LIB_RE.test(rel) && ctx.loadedScripts.has(libName(rel)))) {
            markRemoved(el);
            return false;
          }
          if (LIB_RE.test(rel)) {
            ctx.loadedScripts.add(rel);
            ctx.loadedScripts.add(libName(rel));
            el.attribs.src = rel;
            return false;
          }
          if (existsSync(abs)) {
            ctx.deps.add(rel);
            delete el.attribs.src;
            el.children = [{ type: "text", data: wrapScript(readFileSync(abs, "utf8"), scopeId), parent: el } as any];
          }
          return false;
        }
        const code = el.children.map((c) => (c as any).data ?? "").join("");
        el.children = [{ type: "text", data: wrapScript(code, scopeId), parent: el } as any];
        return false;
      }
    });
  };
  for (const n of content.nodes) fix(n);
  let html = content.nodes.map((n) => render(n, { decodeEntities: false })).join("");
  html = html.replace(/<script data-hf-removed[^>]*><\/script>/g, "");
  // nested hosts inside the child
  return compileFragment(ctx, html, subRel, depth + 1, stack);
}

function markRemoved(el: Element): void {
  el.attribs = { "data-hf-removed": "" };
  el.children = [];
}
function libName(src: string): string {
  const m = LIB_RE.exec(src);
  return m ? `lib:${m[2]!.toLowerCase()}` : src;
}

/** Inline all hosts in an HTML string (a whole document or a fragment). */
function compileFragment(ctx: Ctx, html: string, fileRel: string, depth: number, stack: string[]): string {
  if (depth > MAX_DEPTH)
    throw new CompositionError("subcomposition_too_deep", `sub-compositions are nested more than ${MAX_DEPTH} levels deep in ${fileRel}`, {
      file: fileRel,
      hint: "check for a data-composition-src loop",
    });
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true, decodeEntities: false, lowerCaseAttributeNames: true });
  // remember scripts the page loads itself
  for (const s of findAll(doc, (el) => el.name === "script" && !!el.attribs.src)) {
    const src = s.attribs.src!;
    if (/^(https?:)?\/\//i.test(src)) ctx.loadedScripts.add(libName(src));
    else {
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
  if (outer.length === 0) return html;

  const edits: { start: number; end: number; text: string }[] = [];
  for (const host of outer) {
    const id = host.attribs["data-composition-id"]!;
    const src = host.attribs["data-composition-src"];
    const hostDesc = `<${host.name}${host.attribs.id ? ` id="${host.attribs.id}"` : ""} data-composition-id="${id}">`;
    let content: ChildContent;
    let subRel = fileRel;
    if (src) {
      subRel = path.posix.normalize(src.replace(/^\.\//, ""));
      if (stack.includes(subRel))
        throw new CompositionError("subcomposition_cycle", `sub-composition cycle: ${[...stack, subRel].join(" → ")}`, {
          file: fileRel,
          hint: "a composition cannot include itself, directly or through others",
        });
      const text = readSub(ctx, subRel, hostDesc, fileRel);
      const childDoc = parseDocument(text, { decodeEntities: false, lowerCaseAttributeNames: true });
      content = childContent(childDoc, id);
    } else {
      const tpl = inlineTemplates.get(`${id}-template`)!;
      content = { nodes: tpl.children, headLinks: [], varDecls: [] };
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
    edits.push({ start: openEnd, end: openEnd, text: extra.join("") });
    if (selfClosing) {
      edits.push({ start: tagEnd - 1, end: tagEnd + 1, text: `>${inner}</${host.name}>` });
    } else {
      // replace the host's existing content (normally empty) with the child
      const closeStart = html.lastIndexOf("</", host.endIndex!);
      const contentStart = tagEnd + 1;
      const contentEnd = closeStart >= contentStart ? closeStart : contentStart;
      edits.push({ start: contentStart, end: contentEnd, text: inner });
    }
  }
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = html;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Compile a composition's entry file (project-relative) into browser-ready HTML. */
export function compileComposition(projectDir: string, entry = "index.html", html?: string): CompileResult {
  const ctx: Ctx = { projectDir: path.resolve(projectDir), deps: new Set([entry]), nextScope: { n: 0 }, loadedScripts: new Set() };
  const abs = path.resolve(projectDir, entry);
  const outside = outsideProject(ctx, abs);
  if (outside)
    throw new CompositionError("entry_outside_project", `entry ${entry} is not inside the project folder (${outside})`, {
      file: entry,
      hint: "pass an entry file that is inside the project (not a symlink to elsewhere)",
    });
  const source = html ?? readFileSync(abs, "utf8");
  const out = compileFragment(ctx, source, entry, 0, [entry]);
  return { html: out, dependencies: [...ctx.deps] };
}
