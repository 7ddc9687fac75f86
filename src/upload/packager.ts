/**
 * The packager: a deterministic zip of exactly what a composition needs to render standalone.
 *
 * Contents: the entry HTML at the zip root (project-relative paths are kept) plus every local file the
 * static composition model references (`model.files`), plus `--include` globs, minus `--exclude` globs.
 * Never packed: `.env*`, dotfiles and dot-folders (`.git/` …), OS junk (.DS_Store, Thumbs.db …); the
 * `--include` globs also skip node_modules/ and renders/ (a file there is packed only when the composition
 * references it). Paths with `..`, absolute paths and symlinks resolving outside the project are refused.
 * Lint errors block packing; remote URLs are reported as warnings (they must be reachable at render time).
 * Same input → same bytes: sorted entries (entry first), fixed timestamps and permissions, no folder entries.
 */
import { createHash } from "node:crypto";
import { lstat, readFile, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import JSZip from "jszip";
import picomatch from "picomatch";
import type { CompositionModel, LintResult } from "../compose/types.js";
import { CompositionError, UsageError } from "../errors.js";
import { loadComposition, lintProject } from "../compose/index.js";

/** The static composition model API (src/compose/index.ts). */
export interface ComposeApi {
  loadComposition(dir: string, opts?: { entry?: string }): Promise<CompositionModel> | CompositionModel;
  lintProject(dir: string, opts?: { entry?: string }): Promise<LintResult> | LintResult;
}

export interface PackOptions {
  /** entry HTML, project-relative (default index.html) */
  entry?: string;
  /** extra files to pack (picomatch globs, project-relative) */
  include?: string[];
  /** files to leave out (picomatch globs); cannot exclude the entry */
  exclude?: string[];
  /** pack despite lint errors (default false) */
  allowLintErrors?: boolean;
  /** the composition model API; default: src/compose/index.js */
  compose?: ComposeApi;
}

export interface PackedFile {
  path: string;
  size: number;
  /** why it is in the zip */
  reason: "entry" | "referenced" | "included";
}

export interface PackResult {
  dir: string;
  entry: string;
  zip: Buffer;
  bytes: number;
  sha256: string;
  files: PackedFile[];
  warnings: string[];
  model: CompositionModel;
  lint: LintResult;
}

/** 1980-01-01T00:00:00Z: the earliest DOS date; jszip writes UTC fields, so this is TZ-independent. */
const FIXED_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/** Never packed, whatever references them (secrets, VCS, OS junk). */
const SECRET_OR_JUNK = picomatch(["**/.env", "**/.env.*", "**/.*", "**/.*/**", "**/Thumbs.db", "**/desktop.ini", "**/*~", "**/*.swp", "**/__MACOSX/**"], {
  dot: true,
});
/** Skipped by --include globs (but packed when referenced). */
const BULKY = picomatch(["node_modules/**", "**/node_modules/**", "renders/**", "*.zip"], { dot: true });

const defaultCompose: ComposeApi = { loadComposition, lintProject };

/** Reject absolute paths, `..` segments and backslashes in a project-relative path. */
export function checkRelative(p: string, what = "path"): string {
  const norm = p.replace(/^\.\//, "");
  if (!norm || path.isAbsolute(norm) || /^[a-zA-Z]:/.test(norm) || norm.includes("\\") || norm.split("/").some((s) => s === ".." || s === ""))
    throw new UsageError("unsafe_path", `${what} "${p}" is not a plain path inside the project`, {
      hint: "reference files inside the project folder with relative paths without ..",
      file: p,
    });
  return norm;
}

/** Resolve a project-relative file, refusing symlinks (anywhere on the path) that lead outside the project. */
async function resolveInside(rootReal: string, rel: string): Promise<{ abs: string; size: number }> {
  const abs = path.join(rootReal, rel);
  let st;
  try {
    st = await lstat(abs);
  } catch {
    throw new UsageError("missing_file", `${rel} is referenced by the composition but does not exist`, { file: rel, hint: "add the file or fix the reference" });
  }
  const real = await realpath(abs);
  if (real !== rootReal && !real.startsWith(rootReal + path.sep))
    throw new UsageError("symlink_escape", `${rel} ${st.isSymbolicLink() ? "is a symlink" : "goes through a symlink"} pointing outside the project (${real})`, {
      file: rel,
      hint: "copy the file into the project instead of linking to it",
    });
  const s = await stat(real);
  if (!s.isFile()) throw new UsageError("not_a_file", `${rel} is not a regular file`, { file: rel });
  return { abs: real, size: s.size };
}

/** Project files for --include globs (skips dot-folders; no symlink following for directories). */
async function walk(rootReal: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(path.join(rootReal, rel), { withFileTypes: true });
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    if (e.isDirectory()) out.push(...(await walk(rootReal, p)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
  return out;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Pack a project into a deterministic zip (in memory). */
export async function packProject(dir: string, o: PackOptions = {}): Promise<PackResult> {
  const rootReal = await realpath(path.resolve(dir)).catch(() => {
    throw new UsageError("project_not_found", `project folder ${dir} does not exist`, { hint: "pass the folder that contains index.html" });
  });
  const entry = checkRelative(o.entry ?? "index.html", "entry");
  const api = o.compose ?? defaultCompose;
  const lint = await api.lintProject(rootReal, { entry });
  // a reference leading outside the project (compose's checkProjectPath) is never packed, lint errors allowed or not
  const escape = lint.findings.find((f) => f.code === "local_file_outside_project");
  if (escape)
    throw new UsageError(/symlink/.test(escape.message) ? "symlink_escape" : "unsafe_path", `${escape.file}${escape.line ? `:${escape.line}` : ""}: ${escape.message}`, {
      file: escape.file,
      line: escape.line,
      hint: "copy the file into the project instead of linking to it",
    });
  if (lint.errorCount > 0 && !o.allowLintErrors) {
    const first = lint.findings.find((f) => f.severity === "error");
    throw new CompositionError("lint_errors", `${lint.errorCount} lint error${lint.errorCount > 1 ? "s" : ""} in ${entry}; not packing${first ? ` (first: ${first.file}${first.line ? `:${first.line}` : ""}: ${first.message})` : ""}`, {
      file: first?.file,
      line: first?.line,
      hint: `run \`hyperframes lint ${dir}\` and fix the errors`,
    });
  }
  const model = await api.loadComposition(rootReal, { entry });
  const warnings: string[] = [];
  for (const u of model.externalUrls ?? []) warnings.push(`remote URL ${u} is not packed; it must be reachable when the cloud renders`);

  const exclude = o.exclude?.length ? picomatch(o.exclude, { dot: true }) : () => false;
  const chosen = new Map<string, PackedFile["reason"]>();
  const modelEntry = checkRelative(model.entry ?? entry, "entry");
  chosen.set(modelEntry, "entry");
  for (const f of model.files ?? []) {
    const rel = checkRelative(f, "referenced file");
    if (chosen.has(rel)) continue;
    if (SECRET_OR_JUNK(rel)) {
      warnings.push(`${rel} is referenced but never packed (dotfiles, .env and OS junk are left out)`);
      continue;
    }
    if (exclude(rel)) continue;
    chosen.set(rel, "referenced");
  }
  if (o.include?.length) {
    const inc = picomatch(o.include, { dot: false });
    for (const rel of (await walk(rootReal)).sort(byteOrder)) {
      if (chosen.has(rel) || !inc(rel) || SECRET_OR_JUNK(rel) || BULKY(rel) || exclude(rel)) continue;
      chosen.set(rel, "included");
    }
  }
  if (exclude(modelEntry)) throw new UsageError("invalid_option", `--exclude matches the entry ${modelEntry}`, { hint: "the entry HTML is always packed" });

  const rest = [...chosen.keys()].filter((k) => k !== modelEntry).sort(byteOrder);
  const ordered = [modelEntry, ...rest];
  const zip = new JSZip();
  const files: PackedFile[] = [];
  for (const rel of ordered) {
    const { abs, size } = await resolveInside(rootReal, rel);
    zip.file(rel, await readFile(abs), { date: FIXED_DATE, unixPermissions: 0o100644, createFolders: false, binary: true });
    files.push({ path: rel, size, reason: chosen.get(rel)! });
  }
  const buf = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 9 }, platform: "UNIX", streamFiles: false });
  return {
    dir: rootReal,
    entry: modelEntry,
    zip: buf,
    bytes: buf.length,
    sha256: createHash("sha256").update(buf).digest("hex"),
    files,
    warnings,
    model,
    lint,
  };
}
