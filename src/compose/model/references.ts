/**
 * Model stage "references": every file each loaded document references (scripts, stylesheets and the CSS
 * they import, media, images, srcset, sub-compositions), with missing and outside-the-project files as findings.
 */
import path from "node:path";
import { allElements, attr, describeElement, ownText, type Element } from "../html.js";
import { checkProjectPath, classifyCompositionSrc, classifyUrl, cssReferences, fileExists, lineOfOffset, projectRelative, readTextFile, resolveLocalPath, srcsetUrls, type ResolveContext } from "../files.js";
import { finding, type Ctx } from "./context.js";
import type { FileReference, LoadedDoc } from "./types.js";

/** Where CSS text stands: the file it is written in and the line of an offset into it. */
interface CssOrigin {
  rel: string;
  lineAt: (o: number) => number | undefined;
}

/** Collects the references in CSS text and, through them, in the local stylesheets it loads (each file once). */
interface CssCollector {
  refs(out: FileReference[], css: string, offset: number | undefined, d: CssOrigin, rc: ResolveContext, element?: string): void;
  file(out: FileReference[], abs: string): void;
}

/** Collect the references of every loaded document into `a.references`; returns them per document. */
export function collectReferences(ctx: Ctx): Map<LoadedDoc, FileReference[]> {
  const { a } = ctx;
  const refsByDoc = new Map<LoadedDoc, FileReference[]>();
  const css = cssCollector(ctx);
  for (const d of a.docs) {
    const refs = docReferences(ctx, css, d);
    refsByDoc.set(d, refs);
    a.references.push(...refs);
  }
  for (const r of a.references) reportReference(ctx, r);
  return refsByDoc;
}

/** The reference to `url` (null when it names no file: data:, #fragment, …), resolved and checked against the project. */
function makeRef(projectDir: string, kind: FileReference["kind"], url: string, rc: ResolveContext, file: string, line: number | undefined, element?: string): FileReference | null {
  const cls = kind === "subcomposition" ? classifyCompositionSrc(url) : classifyUrl(url);
  if (cls.kind === "ignore") return null;
  if (cls.kind === "remote") return { kind, url, remote: cls.url, exists: true, file, line, element };
  const abs = resolveLocalPath(cls.path, rc);
  const c = checkProjectPath(projectDir, abs);
  const ref: FileReference = { kind, url, abs, rel: c.inside ? projectRelative(projectDir, abs) : null, exists: fileExists(abs), file, line, element };
  if (c.viaSymlink) ref.symlinkTarget = c.real;
  return ref;
}

function cssCollector(ctx: Ctx): CssCollector {
  const { projectDir, baseDir } = ctx;
  const cssSeen = new Set<string>();
  const refs: CssCollector["refs"] = (out, css, offset, d, rc, element) => {
    for (const r of cssReferences(css)) {
      const line = offset !== undefined ? d.lineAt(offset + r.index) : undefined;
      const ref = makeRef(projectDir, r.isImport ? "css-import" : "css-url", r.url, rc, d.rel, line, element);
      if (!ref) continue;
      out.push(ref);
      if (ref.abs && ref.rel != null && ref.exists && (r.isImport || /\.css$/i.test(ref.abs))) file(out, ref.abs);
    }
  };
  const file: CssCollector["file"] = (out, abs) => {
    if (cssSeen.has(abs)) return;
    cssSeen.add(abs);
    const text = readTextFile(abs);
    if (text === undefined) return;
    const rel = projectRelative(projectDir, abs) ?? abs;
    refs(out, text, 0, { rel, lineAt: (o) => lineOfOffset(text, o) }, { projectDir, baseDir, fileDir: path.dirname(abs), mode: "document" });
  };
  return { refs, file };
}

/** The references written in one document, element by element. */
function docReferences(ctx: Ctx, css: CssCollector, d: LoadedDoc): FileReference[] {
  const { projectDir, baseDir, lineOf, ctxFor } = ctx;
  const out: FileReference[] = [];
  const rc = ctxFor(d);
  const origin: CssOrigin = { rel: d.rel, lineAt: (o) => d.html.lineAt(o) };
  for (const el of allElements(d.html.doc)) {
    const line = lineOf(d, el);
    const desc = describeElement(el);
    const push = (kind: FileReference["kind"], url: string | undefined, c: ResolveContext = rc): FileReference | null => {
      if (url === undefined) return null;
      const r = makeRef(projectDir, kind, url, c, d.rel, line, desc);
      if (r) out.push(r);
      return r;
    };
    const styleText = (text: string, offset: number | undefined): void => css.refs(out, text, offset, origin, rc, desc);
    tagReferences(el, push, styleText, (abs) => css.file(out, abs));
    if (el.name === "video") push("poster", attr(el, "poster"));
    const srcset = attr(el, "srcset");
    if (srcset && (el.name === "img" || el.name === "source")) for (const u of srcsetUrls(srcset)) push("srcset", u);
    const style = attr(el, "style");
    if (style && /url\(|@import/i.test(style)) css.refs(out, style, 0, { rel: d.rel, lineAt: () => line }, rc, desc);
    const csrc = attr(el, "data-composition-src");
    if (csrc !== undefined) push("subcomposition", csrc, { projectDir, baseDir, fileDir: baseDir, mode: "document" });
  }
  return out;
}

/**
 * The references an element makes by its tag (script, link, media, images, <style> text): `push` records one,
 * `styleText` collects the CSS of a <style>, `stylesheet` follows a linked local stylesheet.
 */
function tagReferences(
  el: Element,
  push: (kind: FileReference["kind"], url: string | undefined) => FileReference | null,
  styleText: (text: string, offset: number | undefined) => void,
  stylesheet: (abs: string) => void,
): void {
  switch (el.name) {
    case "script":
      push("script", attr(el, "src"));
      break;
    case "link": {
      const rel = (attr(el, "rel") ?? "").toLowerCase().split(/\s+/);
      if (rel.includes("stylesheet")) {
        const r = push("stylesheet", attr(el, "href"));
        if (r?.abs && r.rel != null && r.exists) stylesheet(r.abs);
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
      styleText(text, offset);
      break;
    }
  }
}

/** A local reference outside the project, or to a file that does not exist, is a finding. */
function reportReference(ctx: Ctx, r: FileReference): void {
  const { projectDir, entryRel, docByAbs, add } = ctx;
  if (!r.abs) return;
  if (r.rel === null)
    add(
      finding(
        "local_file_outside_project",
        "error",
        r.symlinkTarget
          ? `"${r.url}" is a symlink to ${r.symlinkTarget}, outside the project folder; renders and the preview refuse it`
          : `"${r.url}" resolves to ${r.abs}, outside the project folder; renders and the preview refuse it`,
        "copy the file into the project (not a symlink to elsewhere) and reference it by a relative path",
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
