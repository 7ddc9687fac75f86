/**
 * Model stage "mount": walks the root into the mounted tree (sub-composition files and inline templates
 * mounted into their hosts, cycles and missing files reported), then resolves every clip's timing.
 */
import { allElements, attr, childElements, describeElement, findTag, hasAttr, type Element } from "../html.js";
import { checkProjectPath, classifyUrl, fileExists, projectRelative, resolveLocalPath } from "../files.js";
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

/** A clip: a timed element that is neither the root nor a mounted inner root. */
export const isClip = (n: VNode): boolean => !n.isRoot && !n.isInnerRoot && hasAttr(n.el, "data-start");

/** Build the mounted tree into `a.nodes` (document order) and resolve its timing. */
export function mountTree(ctx: Ctx, facts: RootFacts): Mounted {
  const { a, projectDir, baseDir, entryDoc, entryAbs, add, at, lineOf, loadDoc } = ctx;
  const { rootEl } = facts;
  const templateFor = (d: LoadedDoc, id: string): Element | null =>
    allElements(d.html.doc).find((e) => e.name === "template" && attr(e, "id") === `${id}-template`) ?? null;
  const subNotWrappedReported = new Set<string>();

  const visit = (el: Element, d: LoadedDoc, parent: VNode | null, mountStack: string[]): VNode => {
    const isComp = hasAttr(el, "data-composition-id") || hasAttr(el, "data-composition-src");
    const v: VNode = {
      el,
      doc: d,
      parent,
      children: [],
      isRoot: parent === null,
      isHost: false,
      isInnerRoot: false,
      isComposition: isComp,
      isMedia: el.name === "video" || el.name === "audio",
      attr: (name: string) => attr(el, name),
      line: lineOf(d, el),
    };
    a.nodes.push(v);
    if (parent) parent.children.push(v);
    const compId = attr(el, "data-composition-id") ?? "";
    const src = attr(el, "data-composition-src");
    const loc = at(d, el);
    const recurseInto = (kids: Element[], kd: LoadedDoc, stack: string[]): void => {
      for (const k of kids) {
        if (k.name === "template") continue;
        visit(k, kd, v, stack);
      }
    };
    // a composition element directly inside a host is the mounted inner root: it never mounts anything itself
    const mountable = parent !== null && isComp && !parent.isHost;
    if (mountable && src !== undefined) {
      v.isHost = true;
      v.mount = { src };
      if (!hasAttr(el, "data-composition-id") || !compId.trim())
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
      const cls = classifyUrl(src);
      if (cls.kind === "local") {
        const abs = resolveLocalPath(cls.path, { projectDir, baseDir, fileDir: baseDir, mode: "document" });
        const rel = projectRelative(projectDir, abs) ?? abs;
        v.mount.file = rel;
        if (!checkProjectPath(projectDir, abs).inside) {
          // never read: the references check below reports it (local_file_outside_project)
          v.mount.missing = true;
        } else if (mountStack.includes(abs) || mountStack.length >= MAX_DEPTH) {
          v.mount.cycle = true;
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
        } else if (!fileExists(abs)) {
          v.mount.missing = true;
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
        } else {
          const sd = loadDoc(abs, "subcomposition");
          v.mount.doc = sd;
          if (!sd.container) {
            const tpl = (compId && templateFor(sd, compId)) || allElements(sd.html.doc).find((e) => e.name === "template") || null;
            sd.templated = !!tpl;
            sd.container = tpl ?? findTag(sd.html.doc, "body") ?? undefined;
          }
          if (!sd.templated && !subNotWrappedReported.has(abs)) {
            subNotWrappedReported.add(abs);
            add(
              finding(
                "subcomposition_not_wrapped_in_template",
                "warning",
                `sub-composition ${sd.rel} has no <template>; its whole <body> is mounted`,
                `put the sub-composition's root, <style> and <script> inside <template id="${compId || "<id>"}-template">`,
                sd.rel,
              ),
            );
          }
          const kids = sd.container ? childElements(sd.container) : childElements(sd.html.doc);
          recurseInto(kids, sd, [...mountStack, abs]);
        }
      } else if (cls.kind === "remote") {
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
      }
    } else if (mountable && compId && childElements(el).length === 0 && templateFor(d, compId)) {
      // empty host + <template id="<id>-template"> in the same document
      const tpl = templateFor(d, compId)!;
      const key = `${d.abs}#${compId}-template`;
      v.isHost = true;
      v.mount = { src: `#${compId}-template`, file: d.rel, doc: d };
      if (mountStack.includes(key) || mountStack.length >= MAX_DEPTH) {
        v.mount.cycle = true;
        add(
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
      } else recurseInto(childElements(tpl), d, [...mountStack, key]);
    } else {
      recurseInto(childElements(el), d, mountStack);
    }
    if (v.isHost && v.mount) {
      const inner = v.children.find((c) => hasAttr(c.el, "data-composition-id")) ?? findFirstComposition(v.children);
      if (inner) {
        inner.isInnerRoot = true;
        v.mount.innerRoot = inner;
        const cd = parseTimingNumber(inner.attr("data-duration"));
        v.childDuration = cd != null && cd > 0 ? cd : null;
      } else if (v.mount.doc && !v.mount.cycle) {
        add(
          finding(
            "subcomposition_root_missing",
            "warning",
            `the content mounted by ${describeElement(el)} has no [data-composition-id] root element`,
            `wrap the sub-composition's markup in <div data-composition-id="${compId || "<id>"}" data-width="…" data-height="…">`,
            v.mount.doc.rel,
          ),
        );
      }
    }
    return v;
  };
  const root = visit(rootEl, entryDoc, null, [entryAbs]);
  a.root = root;

  // ---- timing ----
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
  return { root, resolver };
}

function findFirstComposition(nodes: VNode[]): VNode | undefined {
  for (const n of nodes) {
    if (n.isComposition) return n;
    const inner = findFirstComposition(n.children);
    if (inner) return inner;
  }
  return undefined;
}
