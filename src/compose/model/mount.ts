/**
 * Model stage "mount": walks the root into the mounted tree (sub-composition files and inline templates
 * mounted into their hosts, cycles and missing files reported), then resolves every clip's timing.
 */
import { allElements, attr, childElements, describeElement, findTag, hasAttr, type Element } from "../html.js";
import { checkProjectPath, classifyCompositionSrc, classifyUrl, fileExists, projectRelative, resolveLocalPath } from "../files.js";
import { createStartResolver, parseTimingNumber, type StartResolver } from "../timing.js";
import { finding, type Ctx } from "./context.js";
import type { RootFacts } from "./root.js";
import type { LoadedDoc, VNode } from "./types.js";

/** Nesting limit for sub-compositions (the render compiler stops at 20 too). */
const MAX_DEPTH = 20;

/** The mounted tree's root and the timing resolver over it. */
export interface Mounted {
  root: VNode;
  resolver: StartResolver<VNode>;
}

/** Where the walk goes below a node: the elements to visit, the document they are in, and the mount stack there. */
interface Descent {
  kids: Element[];
  doc: LoadedDoc;
  stack: string[];
}

/** A clip: a timed element that is neither the root nor a mounted inner root. */
export const isClip = (n: VNode): boolean => !n.isRoot && !n.isInnerRoot && hasAttr(n.el, "data-start");

/** Build the mounted tree into `a.nodes` (document order) and resolve its timing. */
export function mountTree(ctx: Ctx, facts: RootFacts): Mounted {
  const root = walkTree(ctx, facts.rootEl);
  ctx.a.root = root;
  const resolver = resolveTiming(ctx);
  return { root, resolver };
}

/** Visit the root and everything below it (mounted content included), depth first, into `a.nodes`. */
function walkTree(ctx: Ctx, rootEl: Element): VNode {
  const subNotWrappedReported = new Set<string>();
  const visit = (el: Element, d: LoadedDoc, parent: VNode | null, mountStack: string[]): VNode => {
    const v = addNode(ctx, el, d, parent);
    const down = descentOf(ctx, v, mountStack, subNotWrappedReported);
    if (down)
      for (const k of down.kids) {
        if (k.name === "template") continue;
        visit(k, down.doc, v, down.stack);
      }
    if (v.isHost && v.mount) linkInnerRoot(ctx, v);
    return v;
  };
  return visit(rootEl, ctx.entryDoc, null, [ctx.entryAbs]);
}

/** The node of `el`, registered in `a.nodes` and under its parent. */
function addNode(ctx: Ctx, el: Element, d: LoadedDoc, parent: VNode | null): VNode {
  const v: VNode = {
    el,
    doc: d,
    parent,
    children: [],
    isRoot: parent === null,
    isHost: false,
    isInnerRoot: false,
    isComposition: hasAttr(el, "data-composition-id") || hasAttr(el, "data-composition-src"),
    isMedia: el.name === "video" || el.name === "audio",
    attr: (name: string) => attr(el, name),
    line: ctx.lineOf(d, el),
  };
  ctx.a.nodes.push(v);
  if (parent) parent.children.push(v);
  return v;
}

const templateFor = (d: LoadedDoc, id: string): Element | null =>
  allElements(d.html.doc).find((e) => e.name === "template" && attr(e, "id") === `${id}-template`) ?? null;

/** What to walk below `v`: its own children, or — for a host — the content it mounts (null: nothing). */
function descentOf(ctx: Ctx, v: VNode, mountStack: string[], subNotWrappedReported: Set<string>): Descent | null {
  const { el, doc: d, parent } = v;
  const compId = attr(el, "data-composition-id") ?? "";
  const src = attr(el, "data-composition-src");
  // a composition element directly inside a host is the mounted inner root: it never mounts anything itself
  const mountable = parent !== null && v.isComposition && !parent.isHost;
  if (mountable && src !== undefined) return mountSource(ctx, v, src, compId, mountStack, subNotWrappedReported);
  if (mountable && compId && childElements(el).length === 0 && templateFor(d, compId)) return mountTemplate(ctx, v, compId, mountStack);
  return { kids: childElements(el), doc: d, stack: mountStack };
}

/** A `data-composition-src` host: checks its id and URL; a local file is mounted, a remote one only reported. */
function mountSource(ctx: Ctx, v: VNode, src: string, compId: string, mountStack: string[], subNotWrappedReported: Set<string>): Descent | null {
  const { add, at } = ctx;
  const loc = at(v.doc, v.el);
  v.isHost = true;
  v.mount = { src };
  if (!hasAttr(v.el, "data-composition-id") || !compId.trim())
    add(
      finding(
        "host_missing_composition_id",
        "error",
        `the host of data-composition-src="${src}" has no data-composition-id`,
        "set data-composition-id on the host to the id of the sub-composition's root",
        loc.file,
        loc.line,
        loc.element,
      ),
    );
  const cls = classifyCompositionSrc(src);
  if (cls.kind === "local") return mountFile(ctx, v, cls.path, compId, mountStack, subNotWrappedReported);
  if (cls.kind === "remote")
    add(
      finding(
        "remote_subcomposition",
        "warning",
        `data-composition-src="${src}" is a remote URL; it is not inspected and needs the network to render`,
        "copy the sub-composition into the project and reference it by a relative path",
        loc.file,
        loc.line,
        loc.element,
      ),
    );
  return null;
}

/** A host's local sub-composition file: outside the project, a cycle and a missing file mount nothing. */
function mountFile(ctx: Ctx, v: VNode, localPath: string, compId: string, mountStack: string[], subNotWrappedReported: Set<string>): Descent | null {
  const { projectDir, baseDir, add, at } = ctx;
  const mount = v.mount!;
  const src = mount.src;
  const loc = at(v.doc, v.el);
  const abs = resolveLocalPath(localPath, { projectDir, baseDir, fileDir: baseDir, mode: "document" });
  const rel = projectRelative(projectDir, abs) ?? abs;
  mount.file = rel;
  if (!checkProjectPath(projectDir, abs).inside) {
    // never read: the references check reports it (local_file_outside_project)
    mount.missing = true;
    return null;
  }
  if (mountStack.includes(abs) || mountStack.length >= MAX_DEPTH) {
    mount.cycle = true;
    add(
      finding(
        "subcomposition_cycle",
        "error",
        `data-composition-src="${src}" includes ${rel}, which is already being mounted (${[...mountStack.map((p) => projectRelative(projectDir, p) ?? p), rel].join(" → ")})`,
        "a sub-composition must not include itself, directly or through other files",
        loc.file,
        loc.line,
        loc.element,
      ),
    );
    return null;
  }
  if (!fileExists(abs)) {
    mount.missing = true;
    add(
      finding(
        "subcomposition_file_missing",
        "error",
        `data-composition-src="${src}" points to ${rel}, which does not exist`,
        "fix the path (it is resolved from the project root, e.g. compositions/card.html) or create the file",
        loc.file,
        loc.line,
        loc.element,
      ),
    );
    return null;
  }
  const sd = loadSubcomposition(ctx, abs, compId, subNotWrappedReported);
  mount.doc = sd;
  const kids = sd.container ? childElements(sd.container) : childElements(sd.html.doc);
  return { kids, doc: sd, stack: [...mountStack, abs] };
}

/** Load a sub-composition file and find what it mounts (its template, else its body); warns once per file without a template. */
function loadSubcomposition(ctx: Ctx, abs: string, compId: string, subNotWrappedReported: Set<string>): LoadedDoc {
  const sd = ctx.loadDoc(abs, "subcomposition");
  if (!sd.container) {
    const tpl = (compId && templateFor(sd, compId)) || allElements(sd.html.doc).find((e) => e.name === "template") || null;
    sd.templated = !!tpl;
    sd.container = tpl ?? findTag(sd.html.doc, "body") ?? undefined;
  }
  if (!sd.templated && !subNotWrappedReported.has(abs)) {
    subNotWrappedReported.add(abs);
    ctx.add(
      finding(
        "subcomposition_not_wrapped_in_template",
        "warning",
        `sub-composition ${sd.rel} has no <template>; its whole <body> is mounted`,
        `put the sub-composition's root, <style> and <script> inside <template id="${compId || "<id>"}-template">`,
        sd.rel,
      ),
    );
  }
  return sd;
}

/** An empty host with a `<template id="<id>-template">` in the same document mounts that template. */
function mountTemplate(ctx: Ctx, v: VNode, compId: string, mountStack: string[]): Descent | null {
  const d = v.doc;
  const tpl = templateFor(d, compId)!;
  const key = `${d.abs}#${compId}-template`;
  v.isHost = true;
  v.mount = { src: `#${compId}-template`, file: d.rel, doc: d };
  if (mountStack.includes(key) || mountStack.length >= MAX_DEPTH) {
    v.mount.cycle = true;
    const loc = ctx.at(d, v.el);
    ctx.add(
      finding(
        "subcomposition_cycle",
        "error",
        `<template id="${compId}-template"> mounts a host of itself`,
        "a sub-composition must not include itself, directly or through other files",
        loc.file,
        loc.line,
        loc.element,
      ),
    );
    return null;
  }
  return { kids: childElements(tpl), doc: d, stack: [...mountStack, key] };
}

/** After a host's content is walked: mark its inner root (and take its duration), or report that it has none. */
function linkInnerRoot(ctx: Ctx, v: VNode): void {
  const mount = v.mount!;
  const inner = v.children.find((c) => hasAttr(c.el, "data-composition-id")) ?? findFirstComposition(v.children);
  if (inner) {
    inner.isInnerRoot = true;
    mount.innerRoot = inner;
    const cd = parseTimingNumber(inner.attr("data-duration"));
    v.childDuration = cd != null && cd > 0 ? cd : null;
  } else if (mount.doc && !mount.cycle) {
    const compId = attr(v.el, "data-composition-id") ?? "";
    ctx.add(
      finding(
        "subcomposition_root_missing",
        "warning",
        `the content mounted by ${describeElement(v.el)} has no [data-composition-id] root element`,
        `wrap the sub-composition's markup in <div data-composition-id="${compId || "<id>"}" data-width="…" data-height="…">`,
        mount.doc.rel,
      ),
    );
  }
}

/** Resolve the start of every clip and host (and every clip's duration); the resolver's problems become findings. */
function resolveTiming(ctx: Ctx): StartResolver<VNode> {
  const { a, add, at } = ctx;
  const byId = new Map<string, VNode>();
  const byCompId = new Map<string, VNode>();
  for (const n of a.nodes) {
    const id = n.attr("id");
    if (id && !byId.has(id)) byId.set(id, n);
    const cid = n.attr("data-composition-id");
    if (cid && !byCompId.has(cid)) byCompId.set(cid, n);
  }
  const resolver = createStartResolver<VNode>({ lookup: (ref) => byId.get(ref) ?? byCompId.get(ref) });
  a.resolver = resolver;
  for (const n of a.nodes) {
    if (isClip(n)) {
      resolver.start(n);
      resolver.duration(n);
    } else if (n.isHost) resolver.start(n);
  }
  for (const dg of resolver.diagnostics) {
    const l = at(dg.node.doc, dg.node.el);
    const severity = dg.code === "start_reference_unknown_duration" ? "warning" : "error";
    add(finding(dg.code, severity, dg.message, dg.hint, l.file, l.line, l.element));
  }
  return resolver;
}

function findFirstComposition(nodes: VNode[]): VNode | undefined {
  for (const n of nodes) {
    if (n.isComposition) return n;
    const inner = findFirstComposition(n.children);
    if (inner) return inner;
  }
  return undefined;
}
