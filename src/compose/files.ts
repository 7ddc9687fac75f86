/**
 * Referenced files: classifying URLs (local / remote / ignorable), resolving local ones the way the
 * runtime and the render file server do, and extracting references from CSS (`url(...)`, `@import`)
 * and `srcset`. CSS is scanned as text (it is not HTML); HTML is always walked with the parser.
 */
import path from "node:path";
import { existsSync, readFileSync, statSync } from "node:fs";

export type UrlClass =
  | { kind: "local"; path: string }
  | { kind: "remote"; url: string }
  | { kind: "ignore" };

/** Classify an authored URL. Local paths lose their query/fragment and are percent-decoded. */
export function classifyUrl(raw: string | undefined | null): UrlClass {
  const v = (raw ?? "").trim();
  if (!v || v.startsWith("#")) return { kind: "ignore" };
  if (/^https?:\/\//i.test(v)) return { kind: "remote", url: v };
  if (v.startsWith("//")) return { kind: "remote", url: `https:${v}` };
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return { kind: "ignore" }; // data:, blob:, about:, javascript:, mailto:, file:...
  let p = v.replace(/[?#].*$/s, "");
  if (!p) return { kind: "ignore" };
  try {
    p = decodeURIComponent(p);
  } catch {
    /* keep as authored */
  }
  return { kind: "local", path: p };
}

export interface ResolveContext {
  /** absolute project directory (the file server root) */
  projectDir: string;
  /** directory that plain relative paths resolve against (the entry document's directory) */
  baseDir: string;
  /** directory of the file holding the reference */
  fileDir: string;
  /**
   * "document": relative to the file (entry HTML, CSS files);
   * "subcomposition": `../` paths relative to the file; other relative paths name a sibling of the file when
   * that file exists, else resolve from the document base (contract §5.2; the official compiler's rule).
   */
  mode: "document" | "subcomposition";
}

/** Absolute filesystem path a local reference points to (the one rule shared by the model and the compiler). */
export function resolveLocalPath(localPath: string, ctx: ResolveContext): string {
  if (localPath.startsWith("/")) return path.join(ctx.projectDir, localPath);
  if (ctx.mode === "subcomposition" && !localPath.startsWith("../")) {
    const sibling = path.resolve(ctx.fileDir, localPath);
    if (path.resolve(ctx.fileDir) !== path.resolve(ctx.baseDir) && existsSync(sibling)) return sibling;
    return path.resolve(ctx.baseDir, localPath);
  }
  return path.resolve(ctx.fileDir, localPath);
}

/** Project-relative posix path, or null when `abs` is outside the project directory. */
export function projectRelative(projectDir: string, abs: string): string | null {
  const rel = path.relative(projectDir, abs);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return rel === "" ? "" : null;
  return rel.split(path.sep).join("/");
}

export interface CssReference {
  url: string;
  /** character offset of the reference in the CSS text */
  index: number;
  isImport: boolean;
}

/** Replace CSS comments with spaces (keeping newlines, so offsets and lines stay valid). */
function blankCssComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "));
}

/** `url(...)` and `@import "..."` references in a CSS text. */
export function cssReferences(css: string): CssReference[] {
  const text = blankCssComments(css);
  const out: CssReference[] = [];
  const importRe = /@import\s+(?:url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|"([^"]*)"|'([^']*)')/gi;
  const importUrlSpans = new Set<number>();
  for (let m = importRe.exec(text); m; m = importRe.exec(text)) {
    const url = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? "";
    out.push({ url, index: m.index, isImport: true });
    const u = m[0].toLowerCase().indexOf("url(");
    if (u !== -1) importUrlSpans.add(m.index + u);
  }
  const urlRe = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi;
  for (let m = urlRe.exec(text); m; m = urlRe.exec(text)) {
    if (importUrlSpans.has(m.index)) continue;
    out.push({ url: m[1] ?? m[2] ?? m[3] ?? "", index: m.index, isImport: false });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** URLs of a `srcset` attribute (`a.png 1x, b.png 2x`). */
export function srcsetUrls(srcset: string): string[] {
  const out: string[] = [];
  for (const part of srcset.split(",")) {
    const url = part.trim().split(/\s+/)[0];
    if (url) out.push(url);
  }
  return out;
}

export function fileExists(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

export function fileSize(abs: string): number {
  try {
    return statSync(abs).size;
  } catch {
    return 0;
  }
}

export function readTextFile(abs: string): string | undefined {
  try {
    return readFileSync(abs, "utf8");
  } catch {
    return undefined;
  }
}

/** 1-based line of an offset in a text. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
