/**
 * Referenced files: classifying URLs (local / remote / ignorable), resolving local ones the way the
 * runtime and the render file server do, and extracting references from CSS (`url(...)`, `@import`)
 * and `srcset`. CSS is scanned as text (it is not HTML); HTML is always walked with the parser.
 */
import path from "node:path";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";

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

/**
 * `data-composition-src` is a file path, not a URL: the compiler reads it as authored (the official does too), so
 * `a#b.html` and `a%20b.html` name those very files. Remote and scheme URLs are classified as by classifyUrl.
 */
export function classifyCompositionSrc(raw: string | undefined | null): UrlClass {
  const cls = classifyUrl(raw);
  return cls.kind === "local" ? { kind: "local", path: (raw ?? "").trim() } : cls;
}

/** CDN URLs of GSAP that renders answer from the installed gsap package (group 1: the file name). */
export const GSAP_CDN_RE =
  /^(?:https?:)?\/\/(?:cdn\.jsdelivr\.net\/npm\/gsap(?:@[^/]+)?\/dist\/|cdnjs\.cloudflare\.com\/ajax\/libs\/gsap\/[^/]+\/|unpkg\.com\/gsap(?:@[^/]+)?\/dist\/)([A-Za-z0-9_.-]+\.js)$/;

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

// ---------------------------------------------------------------------------------------------
// The project boundary. ONE rule, used by the model and lint, the compiler, the render file server and the
// preview server: a composition may load a file only when its real path (every symlink followed) is inside
// the project folder's real path. Only the toolkit's own routes (runtime, gsap, bundled fonts) are exempt.

export interface ProjectPathCheck {
  /** true when the real path is inside the project folder */
  inside: boolean;
  /** the real path (for a missing file: its nearest existing folder's real path + the rest) */
  real: string;
  /** the path is lexically inside the project but a symlink (of the file or a folder above it) leads out */
  viaSymlink: boolean;
  exists: boolean;
}

function within(root: string, p: string): boolean {
  if (p === root) return true;
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Real path of `abs`; for a missing path, the real path of its nearest existing ancestor joined with the rest. */
function realPathOf(abs: string): { real: string; exists: boolean } {
  try {
    return { real: realpathSync(abs), exists: true };
  } catch {
    /* missing (or a dangling link): walk up */
  }
  const tail: string[] = [];
  let dir = abs;
  for (;;) {
    const up = path.dirname(dir);
    tail.unshift(path.basename(dir));
    if (up === dir) return { real: abs, exists: false };
    dir = up;
    try {
      return { real: path.join(realpathSync(dir), ...tail), exists: false };
    } catch {
      /* keep walking */
    }
  }
}

/**
 * Is the file at absolute path `abs` inside the project `projectDir`, once every symlink is followed?
 * A missing file is judged by where its nearest existing folder really is (a missing file under a symlink
 * to /etc is outside too).
 */
export function checkProjectPath(projectDir: string, abs: string): ProjectPathCheck {
  const lexicalRoot = path.resolve(projectDir);
  const root = realOrResolved(lexicalRoot);
  const target = path.resolve(abs);
  const lexicallyInside = within(lexicalRoot, target) || within(root, target);
  const { real, exists } = realPathOf(target);
  const inside = within(root, real);
  return { inside, real, viaSymlink: !inside && lexicallyInside, exists };
}

/** `.env`, `.env.local`, … anywhere in a path: never served, whatever asks for it. */
export function isSecretPath(rel: string): boolean {
  return rel.split(/[\\/]/).some((seg) => /^\.env(\.|$)/i.test(seg));
}

export type ProjectUrlResolution =
  | { status: "ok"; file: string }
  | { status: "missing" }
  /** outside the project (`..`, a symlink leading out) or a secret file (`.env*`) */
  | { status: "forbidden"; reason: "outside" | "secret"; real?: string };

/**
 * Percent-decode a URL path as a file name: valid `%XX` runs are decoded, and a `%` that starts no escape
 * stays itself (the browser sends `img 50%.svg` as `/img%2050%.svg`, which decodeURIComponent refuses).
 */
export function decodeUrlPath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/**
 * Map the path of a URL on a server rooted at the project (`/img/a.png?x=1`) to the file it serves.
 * Used by the render file server and the preview server, so both refuse exactly the same requests.
 */
export function resolveProjectUrl(projectDir: string, urlPath: string): ProjectUrlResolution {
  const rel = decodeUrlPath(urlPath.split("?")[0]!.split("#")[0]!);
  if (rel.includes("\0")) return { status: "missing" };
  const normal = path.posix.normalize("/" + rel);
  if (isSecretPath(normal)) return { status: "forbidden", reason: "secret" };
  const root = realOrResolved(projectDir);
  const candidate = path.join(root, "." + normal);
  const c = checkProjectPath(root, candidate);
  if (!c.inside) return { status: "forbidden", reason: "outside", real: c.real };
  // a symlink inside the project to a .env file is a .env file too
  if (isSecretPath(path.relative(root, c.real))) return { status: "forbidden", reason: "secret" };
  if (!c.exists) return { status: "missing" };
  return { status: "ok", file: c.real };
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
