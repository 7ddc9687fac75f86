/**
 * The static composition model: reads a project folder without a browser and describes its root, clips
 * (with absolute times), media, sub-compositions, variables and every file it references.
 *
 * `analyzeProject` never throws on a broken project: it returns what it could build plus findings
 * (shared with lint). `loadComposition` turns fatal findings into a CompositionError.
 */
import path from "node:path";
import { statSync } from "node:fs";
import { CompositionError } from "../errors.js";
import type { ClipInfo, CompositionModel, LintFinding, MediaInfo, SubCompositionInfo, VariableDecl } from "./types.js";
import {
  allElements,
  attr,
  childElements,
  describeElement,
  findTag,
  hasAttr,
  isInsideTemplate,
  ownText,
  parentElement,
  parseHtml,
  type Element,
  type ParsedHtml,
} from "./html.js";
import {
  classifyUrl,
  cssReferences,
  fileExists,
  lineOfOffset,
  projectRelative,
  readTextFile,
  resolveLocalPath,
  srcsetUrls,
  type ResolveContext,
} from "./files.js";
import { DEFAULT_FPS, createStartResolver, parseTimingNumber, type StartResolver, type TimingNode } from "./timing.js";
import { mergeSchemas, parseVariableSchema } from "./variables.js";

/** Producer defaults when the root has no (valid) data-width / data-height. */
export const DEFAULT_WIDTH = 1080;
export const DEFAULT_HEIGHT = 1920;
export { DEFAULT_FPS };
/** Nesting limit for sub-compositions (the render compiler stops at 20 too). */
const MAX_DEPTH = 20;

export interface LoadedDoc {
  /** project-relative posix path (or absolute, when outside the project) */
  rel: string;
  abs: string;
  html: ParsedHtml;
  mode: "document" | "subcomposition";
  /** sub-compositions: the element whose children are mounted (template, body, or the document) */
  container?: Element;
  templated?: boolean;
}

export interface VNode extends TimingNode {
  el: Element;
  doc: LoadedDoc;
  parent: VNode | null;
  children: VNode[];
  /** the top-level root element */
  isRoot: boolean;
  /** a host that mounts content (data-composition-src, or an empty host with an inline <id>-template) */
  isHost: boolean;
  /** the first composition element of mounted content (its parent is the host) */
  isInnerRoot: boolean;
  /** for hosts: where the mounted content came from */
  mount?: { src: string; file?: string; innerRoot?: VNode; doc?: LoadedDoc; missing?: boolean; cycle?: boolean };
  line?: number;
}

export type ReferenceKind = "script" | "stylesheet" | "link" | "media" | "image" | "poster" | "srcset" | "css-url" | "css-import" | "subcomposition";

export interface FileReference {
  kind: ReferenceKind;
  /** URL as authored */
  url: string;
  /** absolute local path (local references) */
  abs?: string;
  /** project-relative posix path; null when outside the project */
  rel?: string | null;
  /** the http(s) URL (remote references) */
  remote?: string;
  exists: boolean;
  /** where the reference is written */
  file: string;
  line?: number;
  element?: string;
}

export interface ScriptInfo {
  file: string;
  line?: number;
  element: string;
  src?: string;
  remote: boolean;
  /** inline JavaScript source ("" for src scripts) */
  text: string;
  /** line of the first character of `text` */
  textLine?: number;
  isJs: boolean;
}

export interface ProjectAnalysis {
  dir: string;
  entry: string;
  /** set when the project could not be loaded at all (missing dir/entry/root) */
  fatal?: LintFinding;
  findings: LintFinding[];
  model?: CompositionModel;
  docs: LoadedDoc[];
  entryDoc?: LoadedDoc;
  root?: VNode;
  /** the mounted tree in document order (root first) */
  nodes: VNode[];
  references: FileReference[];
  scripts: ScriptInfo[];
  resolver?: StartResolver<VNode>;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function finding(
  code: string,
  severity: "error" | "warning",
  message: string,
  hint: string,
  file: string,
  line?: number,
  element?: string,
): LintFinding {
  const f: LintFinding = { code, severity, message, hint, file };
  if (line !== undefined) f.line = line;
  if (element !== undefined) f.element = element;
  return f;
}

const MEDIA_TAGS = new Set(["video", "audio", "img"]);
const JS_TYPES = new Set(["", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"]);

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Analyse a project folder. Never throws for problems in the project; they become findings. */
export function analyzeProject(dir: string, opts: { entry?: string } = {}): ProjectAnalysis {
  const projectDir = path.resolve(dir);
  const entryArg = opts.entry ?? "index.html";
  const a: ProjectAnalysis = { dir: projectDir, entry: entryArg.split(path.sep).join("/"), findings: [], docs: [], nodes: [], references: [], scripts: [] };
  const add = (f: LintFinding): void => {
    if (a.findings.some((x) => x.code === f.code && x.file === f.file && x.line === f.line && x.message === f.message)) return;
    a.findings.push(f);
  };
  const fatal = (f: LintFinding): ProjectAnalysis => {
    add(f);
    a.fatal = f;
    return a;
  };

  if (!isDir(projectDir)) {
    const isFile = fileExists(projectDir);
    return fatal(
      finding(
        "project_dir_missing",
        "error",
        isFile ? `${dir} is a file, not a project folder` : `project folder ${dir} does not exist`,
        isFile
          ? `pass the folder that holds it${path.basename(projectDir) === "index.html" ? "" : ` with --entry ${path.basename(projectDir)}`}`
          : "pass the folder that holds index.html (or create it with `hyperframes init`)",
        dir,
      ),
    );
  }
  const entryAbs = path.resolve(projectDir, entryArg);
  const entryRel = projectRelative(projectDir, entryAbs);
  if (entryRel === null || entryRel === "")
    return fatal(finding("entry_outside_project", "error", `entry ${entryArg} is not inside the project folder ${projectDir}`, "pass --entry as a path inside the project", entryArg));
  a.entry = entryRel;
  if (!fileExists(entryAbs))
    return fatal(
      finding(
        "entry_missing",
        "error",
        `entry file ${entryRel} does not exist in ${projectDir}`,
        opts.entry ? "check the --entry path" : "create index.html, or pass --entry <file>",
        entryRel,
      ),
    );
  const baseDir = path.dirname(entryAbs);
  const docByAbs = new Map<string, LoadedDoc>();
  const loadDoc = (abs: string, mode: LoadedDoc["mode"]): LoadedDoc => {
    const hit = docByAbs.get(abs);
    if (hit) return hit;
    const source = readTextFile(abs) ?? "";
    const d: LoadedDoc = { rel: projectRelative(projectDir, abs) ?? abs, abs, html: parseHtml(source), mode };
    docByAbs.set(abs, d);
    a.docs.push(d);
    return d;
  };
  const entryDoc = loadDoc(entryAbs, "document");
  a.entryDoc = entryDoc;
  const lineOf = (d: LoadedDoc, el: Element): number | undefined => d.html.lineAt(el.startIndex);
  const at = (d: LoadedDoc, el: Element) => ({ file: d.rel, line: lineOf(d, el), element: describeElement(el) });

  // ---- root ----
  const compEls = allElements(entryDoc.html.doc).filter((e) => hasAttr(e, "data-composition-id"));
  const candidates = compEls.filter((e) => !isInsideTemplate(e));
  const rootEl =
    candidates.find((e) => attr(e, "data-root") === "true") ??
    candidates.find((e) => !candidates.some((o) => o !== e && isAncestor(o, e))) ??
    candidates[0];
  if (!rootEl) {
    const wrapped = compEls[0];
    if (wrapped) {
      const w = at(entryDoc, wrapped);
      return fatal(
        finding(
          "standalone_composition_wrapped_in_template",
          "error",
          `the root composition ${w.element} of ${entryRel} is inside a <template>, so it is never rendered`,
          "in the entry file, put the root [data-composition-id] element directly in <body>; only sub-composition files use <template>",
          w.file,
          w.line,
          w.element,
        ),
      );
    }
    return fatal(
      finding(
        "root_composition_missing",
        "error",
        `${entryRel} has no element with data-composition-id`,
        'wrap the composition in <div data-composition-id="main" data-width="1920" data-height="1080" data-duration="5"> inside <body>',
        entryRel,
      ),
    );
  }
  const htmlEl = findTag(entryDoc.html.doc, "html");
  if (!htmlEl) {
    const w = at(entryDoc, rootEl);
    add(
      finding(
        "root_composition_missing_html_wrapper",
        "warning",
        `${entryRel} is a fragment, not a full HTML document`,
        "wrap it in <!doctype html><html><head>…</head><body>…</body></html>",
        w.file,
        w.line,
        w.element,
      ),
    );
  }
  const rootLoc = at(entryDoc, rootEl);
  const rootId = attr(rootEl, "data-composition-id") ?? "";
  if (!rootId.trim())
    add(finding("root_missing_composition_id", "error", "the root composition's data-composition-id is empty", 'give it a stable id, e.g. data-composition-id="main"', rootLoc.file, rootLoc.line, rootLoc.element));

  // dimensions
  let width = DEFAULT_WIDTH;
  let height = DEFAULT_HEIGHT;
  const rawW = attr(rootEl, "data-width");
  const rawH = attr(rootEl, "data-height");
  if (rawW === undefined || rawH === undefined || !rawW.trim() || !rawH.trim()) {
    add(
      finding(
        "root_missing_dimensions",
        "error",
        `the root composition has no ${[rawW?.trim() ? "" : "data-width", rawH?.trim() ? "" : "data-height"].filter(Boolean).join(" or ")} (the renderer would default to ${DEFAULT_WIDTH}x${DEFAULT_HEIGHT})`,
        'set data-width and data-height in pixels on the root, e.g. data-width="1920" data-height="1080"',
        rootLoc.file,
        rootLoc.line,
        rootLoc.element,
      ),
    );
  }
  for (const [name, raw] of [
    ["data-width", rawW],
    ["data-height", rawH],
  ] as const) {
    if (raw === undefined || !raw.trim()) continue;
    const n = parseTimingNumber(raw);
    if (n == null || n <= 0 || !Number.isInteger(n) || n > 16384)
      add(
        finding(
          "invalid_dimensions",
          "error",
          `${name}="${raw}" on the root is not a whole number of pixels between 1 and 16384`,
          `use a positive integer, e.g. ${name}="${name === "data-width" ? 1920 : 1080}"`,
          rootLoc.file,
          rootLoc.line,
          rootLoc.element,
        ),
      );
    else if (name === "data-width") width = n;
    else height = n;
  }
  // duration
  let duration = 0;
  const rawDur = attr(rootEl, "data-duration");
  const rawCompDur = attr(rootEl, "data-composition-duration");
  const dur = parseTimingNumber(rawDur);
  if (rawDur !== undefined && rawDur.trim() && (dur == null || dur < 0))
    add(finding("invalid_duration", "error", `data-duration="${rawDur}" on the root is not a non-negative number of seconds`, 'use seconds, e.g. data-duration="5"', rootLoc.file, rootLoc.line, rootLoc.element));
  if (dur != null && dur > 0) duration = dur;
  else {
    const cd = parseTimingNumber(rawCompDur);
    if (rawCompDur !== undefined && rawCompDur.trim() && (cd == null || cd < 0))
      add(
        finding(
          "invalid_duration",
          "error",
          `data-composition-duration="${rawCompDur}" on the root is not a non-negative number of seconds`,
          'use seconds, e.g. data-duration="5"',
          rootLoc.file,
          rootLoc.line,
          rootLoc.element,
        ),
      );
    if (cd != null && cd > 0) duration = cd;
  }
  // fps
  let fps: number | undefined;
  const rawFps = attr(rootEl, "data-fps");
  if (rawFps !== undefined && rawFps.trim()) {
    const f = parseTimingNumber(rawFps);
    if (f == null || f <= 0 || f > 240)
      add(finding("invalid_fps", "warning", `data-fps="${rawFps}" is not a frame rate between 0 and 240 (the default ${DEFAULT_FPS} is used)`, 'use e.g. data-fps="30"', rootLoc.file, rootLoc.line, rootLoc.element));
    else fps = f;
  }
  const noTimeline = hasAttr(rootEl, "data-no-timeline") && attr(rootEl, "data-no-timeline") !== "false";

  // ---- variables ----
  const readSchema = (d: LoadedDoc, els: (Element | null | undefined)[]): VariableDecl[] => {
    const lists: VariableDecl[][] = [];
    const seen = new Set<Element>();
    for (const el of els) {
      if (!el || seen.has(el)) continue;
      seen.add(el);
      const raw = attr(el, "data-composition-variables");
      if (raw === undefined) continue;
      const { decls, problems } = parseVariableSchema(raw);
      const loc = at(d, el);
      for (const p of problems) add(finding(p.code, p.severity, p.message, p.hint, loc.file, loc.line, loc.element));
      lists.push(decls);
    }
    return mergeSchemas(...lists);
  };
  const variables = readSchema(entryDoc, [htmlEl, rootEl]);

  // ---- mounted tree ----
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
        if (mountStack.includes(abs) || mountStack.length >= MAX_DEPTH) {
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
  const isClip = (n: VNode): boolean => !n.isRoot && !n.isInnerRoot && hasAttr(n.el, "data-start");
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

  // ---- references ----
  const refsByDoc = new Map<LoadedDoc, FileReference[]>();
  const cssSeen = new Set<string>();
  const ctxFor = (d: LoadedDoc): ResolveContext => ({ projectDir, baseDir, fileDir: path.dirname(d.abs), mode: d.mode });
  const makeRef = (kind: FileReference["kind"], url: string, ctx: ResolveContext, file: string, line: number | undefined, element?: string): FileReference | null => {
    const cls = classifyUrl(url);
    if (cls.kind === "ignore") return null;
    if (cls.kind === "remote") return { kind, url, remote: cls.url, exists: true, file, line, element };
    const abs = resolveLocalPath(cls.path, ctx);
    return { kind, url, abs, rel: projectRelative(projectDir, abs), exists: fileExists(abs), file, line, element };
  };
  const cssRefs = (out: FileReference[], css: string, offset: number | undefined, d: { rel: string; lineAt: (o: number) => number | undefined }, ctx: ResolveContext, element?: string): void => {
    for (const r of cssReferences(css)) {
      const line = offset !== undefined ? d.lineAt(offset + r.index) : undefined;
      const ref = makeRef(r.isImport ? "css-import" : "css-url", r.url, ctx, d.rel, line, element);
      if (!ref) continue;
      out.push(ref);
      if (ref.abs && ref.exists && (r.isImport || /\.css$/i.test(ref.abs))) cssFile(out, ref.abs);
    }
  };
  const cssFile = (out: FileReference[], abs: string): void => {
    if (cssSeen.has(abs)) return;
    cssSeen.add(abs);
    const text = readTextFile(abs);
    if (text === undefined) return;
    const rel = projectRelative(projectDir, abs) ?? abs;
    cssRefs(out, text, 0, { rel, lineAt: (o) => lineOfOffset(text, o) }, { projectDir, baseDir, fileDir: path.dirname(abs), mode: "document" });
  };
  const collectRefs = (d: LoadedDoc): FileReference[] => {
    const out: FileReference[] = [];
    const ctx = ctxFor(d);
    for (const el of allElements(d.html.doc)) {
      const line = lineOf(d, el);
      const desc = describeElement(el);
      const push = (kind: FileReference["kind"], url: string | undefined, c: ResolveContext = ctx): FileReference | null => {
        if (url === undefined) return null;
        const r = makeRef(kind, url, c, d.rel, line, desc);
        if (r) out.push(r);
        return r;
      };
      switch (el.name) {
        case "script":
          push("script", attr(el, "src"));
          break;
        case "link": {
          const rel = (attr(el, "rel") ?? "").toLowerCase().split(/\s+/);
          if (rel.includes("stylesheet")) {
            const r = push("stylesheet", attr(el, "href"));
            if (r?.abs && r.exists) cssFile(out, r.abs);
          } else if (rel.some((x) => x === "preload" || x === "modulepreload" || x === "icon")) push("link", attr(el, "href"));
          break;
        }
        case "video":
        case "audio":
        case "source":
        case "track":
        case "iframe":
        case "embed":
          push("media", attr(el, "src"));
          break;
        case "img":
          push("image", attr(el, "src"));
          break;
        case "image":
        case "use":
        case "feimage": {
          const href = attr(el, "href") ?? attr(el, "xlink:href");
          if (href && !href.startsWith("#")) push("image", href);
          break;
        }
        case "style": {
          const { text, offset } = ownText(el);
          cssRefs(out, text, offset, { rel: d.rel, lineAt: (o) => d.html.lineAt(o) }, ctx, desc);
          break;
        }
      }
      if (el.name === "video") push("poster", attr(el, "poster"));
      const srcset = attr(el, "srcset");
      if (srcset && (el.name === "img" || el.name === "source")) for (const u of srcsetUrls(srcset)) push("srcset", u);
      const style = attr(el, "style");
      if (style && /url\(|@import/i.test(style)) cssRefs(out, style, 0, { rel: d.rel, lineAt: () => line }, ctx, desc);
      const csrc = attr(el, "data-composition-src");
      if (csrc !== undefined) push("subcomposition", csrc, { projectDir, baseDir, fileDir: baseDir, mode: "document" });
    }
    return out;
  };
  for (const d of a.docs) {
    const refs = collectRefs(d);
    refsByDoc.set(d, refs);
    a.references.push(...refs);
  }
  for (const r of a.references) {
    if (!r.abs) continue;
    if (r.rel === null)
      add(
        finding(
          "local_file_outside_project",
          "warning",
          `"${r.url}" resolves to ${r.abs}, outside the project folder; the renderer's file server cannot serve it`,
          "copy the file into the project and reference it by a relative path",
          r.file,
          r.line,
          r.element,
        ),
      );
    else if (!r.exists && r.kind !== "subcomposition")
      add(
        finding(
          "local_file_missing",
          "error",
          `"${r.url}" (${r.rel}) does not exist`,
          r.file !== entryRel && docByAbs.get(path.resolve(projectDir, r.file))?.mode === "subcomposition" && !r.url.startsWith("../")
            ? "fix the path; in a sub-composition, plain relative paths resolve from the project root and ../ paths from the file"
            : "fix the path or add the file to the project",
          r.file,
          r.line,
          r.element,
        ),
      );
  }

  // ---- scripts ----
  const scriptScope = (d: LoadedDoc): Element[] => {
    if (d.mode === "document") return allElements(d.html.doc);
    const inContainer = d.container ? allElements(d.container) : allElements(d.html.doc);
    return d.templated ? inContainer : allElements(d.html.doc);
  };
  for (const d of a.docs) {
    for (const el of scriptScope(d)) {
      if (el.name !== "script") continue;
      if (d.mode === "document" && isInsideTemplate(el) && !isMountedTemplateContent(el, a.nodes)) continue;
      const src = attr(el, "src");
      const type = (attr(el, "type") ?? "").trim().toLowerCase();
      const { text, offset } = ownText(el);
      a.scripts.push({
        file: d.rel,
        line: lineOf(d, el),
        element: describeElement(el),
        src,
        remote: src !== undefined && classifyUrl(src).kind === "remote",
        text: src !== undefined ? "" : text,
        textLine: offset !== undefined ? d.html.lineAt(offset) : undefined,
        isJs: JS_TYPES.has(type),
      });
    }
  }

  // ---- models ----
  const filesOf = (docs: LoadedDoc[], first: string): { files: string[]; externalUrls: string[] } => {
    const files: string[] = [first];
    const ext: string[] = [];
    for (const d of docs)
      for (const r of refsByDoc.get(d) ?? []) {
        if (r.remote) {
          if (!ext.includes(r.remote)) ext.push(r.remote);
        } else if (r.rel && r.exists && !files.includes(r.rel)) files.push(r.rel);
      }
    return { files, externalUrls: ext };
  };
  const descendants = (v: VNode): VNode[] => {
    const out: VNode[] = [];
    const walk = (n: VNode): void => {
      for (const c of n.children) {
        out.push(c);
        walk(c);
      }
    };
    walk(v);
    return out;
  };
  const compIdOf = (n: VNode): string => {
    for (let p = n.parent; p; p = p.parent) if (p.isComposition) return p.attr("data-composition-id") ?? "";
    return rootId;
  };
  const anonymousCount = new Map<string, number>();
  const clipIds = new Map<VNode, string>();
  for (const n of a.nodes) {
    if (!isClip(n)) continue;
    const id = n.attr("id");
    if (id) clipIds.set(n, id);
    else {
      const cls = (n.attr("class") ?? "").trim().split(/\s+/)[0];
      const base = `${n.el.name}${cls ? `.${cls}` : ""}`;
      const k = (anonymousCount.get(base) ?? 0) + 1;
      anonymousCount.set(base, k);
      clipIds.set(n, `${base}:nth(${k})`);
    }
  }
  const trackOf = (n: VNode): number => {
    const raw = n.attr("data-track-index") ?? n.attr("data-layer");
    const t = parseTimingNumber(raw);
    return t != null && Number.isInteger(t) ? t : 0;
  };
  const clipInfo = (n: VNode): ClipInfo => ({
    id: clipIds.get(n) ?? n.attr("id") ?? n.el.name,
    tag: n.el.name,
    kind: n.isComposition ? "composition" : n.el.name === "video" ? "video" : n.el.name === "audio" ? "audio" : n.el.name === "img" ? "img" : "scene",
    startAttr: n.attr("data-start") ?? "",
    start: resolver.start(n),
    duration: resolver.duration(n),
    track: trackOf(n),
    compositionId: compIdOf(n),
    location: { file: n.doc.rel, line: n.line },
  });
  const mediaInfo = (n: VNode): MediaInfo => {
    const tag = n.el.name as MediaInfo["tag"];
    let src = n.attr("src");
    if (src === undefined && tag !== "img") src = childElements(n.el).find((c) => c.name === "source" && attr(c, "src"))?.attribs.src;
    const cls = classifyUrl(src);
    const timed = hasAttr(n.el, "data-start");
    const mediaStart = parseTimingNumber(n.attr("data-playback-start") ?? n.attr("data-media-start"));
    const rate = parseTimingNumber(n.attr("data-playback-rate"));
    const vol = parseTimingNumber(n.attr("data-volume"));
    const muted = hasAttr(n.el, "muted");
    const hasAudioAttr = n.attr("data-has-audio");
    const m: MediaInfo = {
      tag,
      remote: cls.kind === "remote",
      start: timed ? resolver.start(n) : null,
      duration: timed ? resolver.duration(n) : null,
      mediaStart: mediaStart != null && mediaStart > 0 ? mediaStart : 0,
      playbackRate: rate != null && rate > 0 ? clamp(rate, 0.1, 5) : 1,
      volume: vol != null ? clamp(vol, 0, 3.981) : 1,
      muted,
      loop: hasAttr(n.el, "loop"),
      hasAudio: tag === "img" ? false : hasAudioAttr !== undefined ? hasAudioAttr.trim().toLowerCase() === "true" : tag === "audio" ? true : !muted,
      track: trackOf(n),
      location: { file: n.doc.rel, line: n.line },
    };
    const id = n.attr("id");
    if (id) m.id = id;
    if (src !== undefined) m.src = src;
    if (cls.kind === "local") m.localPath = resolveLocalPath(cls.path, ctxFor(n.doc));
    return m;
  };
  const docsUnder = (host: VNode | null, nodes: VNode[]): LoadedDoc[] => {
    const out: LoadedDoc[] = host ? [] : [entryDoc];
    for (const n of nodes) if (n.isHost && n.mount?.doc && !out.includes(n.mount.doc)) out.push(n.mount.doc);
    return out;
  };
  const subInfo = (host: VNode): SubCompositionInfo => {
    const m = host.mount!;
    const info: SubCompositionInfo = {
      id: host.attr("data-composition-id") ?? "",
      src: m.src,
      file: m.file ?? "",
      start: resolver.start(host),
      duration: resolver.duration(host),
      location: { file: host.doc.rel, line: host.line },
    };
    const inner = m.innerRoot;
    if (inner && m.doc) {
      const nodes = descendants(host);
      const sd = m.doc;
      const sHtml = sd.mode === "subcomposition" ? findTag(sd.html.doc, "html") : null;
      const subVars = readSchema(sd, [sHtml, inner.el]);
      const iw = parseTimingNumber(inner.attr("data-width") ?? host.attr("data-width"));
      const ih = parseTimingNumber(inner.attr("data-height") ?? host.attr("data-height"));
      const idur = parseTimingNumber(inner.attr("data-duration"));
      info.model = modelOf({
        entry: m.file ?? sd.rel,
        id: inner.attr("data-composition-id") ?? info.id,
        width: iw != null && iw > 0 ? iw : width,
        height: ih != null && ih > 0 ? ih : height,
        duration: idur != null && idur > 0 ? idur : (info.duration ?? 0),
        noTimeline: hasAttr(inner.el, "data-no-timeline") || hasAttr(host.el, "data-no-timeline"),
        variables: subVars,
        scope: host,
        nodes,
        docs: docsUnder(host, [host, ...nodes]),
      });
    }
    return info;
  };
  /** The model of one composition: the entry's, or a mounted sub-composition's (`scope` = its host). */
  const modelOf = (o: {
    entry: string;
    id: string;
    width: number;
    height: number;
    duration: number;
    noTimeline: boolean;
    variables: CompositionModel["variables"];
    scope: VNode;
    nodes: VNode[];
    docs: LoadedDoc[];
  }): CompositionModel => ({
    dir: projectDir,
    entry: o.entry,
    id: o.id,
    width: o.width,
    height: o.height,
    duration: o.duration,
    ...(fps !== undefined ? { fps } : {}),
    noTimeline: o.noTimeline,
    variables: o.variables,
    clips: o.nodes.filter(isClip).map(clipInfo),
    media: o.nodes.filter((n) => MEDIA_TAGS.has(n.el.name)).map(mediaInfo),
    subCompositions: directHosts(o.scope).map(subInfo),
    ...filesOf(o.docs, o.entry),
  });
  const directHosts = (scope: VNode): VNode[] => {
    const out: VNode[] = [];
    const walk = (n: VNode): void => {
      for (const c of n.children) {
        if (c.isHost) out.push(c);
        else walk(c);
      }
    };
    walk(scope);
    return out;
  };
  a.model = modelOf({ entry: entryRel, id: rootId, width, height, duration, noTimeline, variables, scope: root, nodes: a.nodes.slice(1), docs: a.docs });
  return a;
}

function isAncestor(anc: Element, el: Element): boolean {
  for (let p = parentElement(el); p; p = parentElement(p)) if (p === anc) return true;
  return false;
}

function findFirstComposition(nodes: VNode[]): VNode | undefined {
  for (const n of nodes) {
    if (n.isComposition) return n;
    const inner = findFirstComposition(n.children);
    if (inner) return inner;
  }
  return undefined;
}

/** A script inside an inline <template> counts only when that template is mounted. */
function isMountedTemplateContent(el: Element, nodes: VNode[]): boolean {
  for (let p = parentElement(el); p; p = parentElement(p)) {
    if (p.name === "template") {
      const tid = attr(p, "id");
      return nodes.some((n) => n.isHost && n.mount?.src === `#${tid}`);
    }
  }
  return false;
}

/**
 * Load a project's composition model. Throws a CompositionError when the project cannot be read
 * (missing folder or entry, no root composition, a sub-composition cycle); other problems are left to lint.
 */
export async function loadComposition(dir: string, opts: { entry?: string } = {}): Promise<CompositionModel> {
  const a = analyzeProject(dir, opts);
  const fatal = a.fatal ?? a.findings.find((f) => f.code === "subcomposition_cycle");
  if (fatal || !a.model) {
    const f = fatal ?? finding("root_composition_missing", "error", `cannot load ${dir}`, "run `hyperframes lint`", a.entry);
    throw new CompositionError(f.code, f.message, { file: f.file, line: f.line, hint: f.hint });
  }
  return a.model;
}
