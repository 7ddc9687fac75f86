/**
 * The packager: a deterministic zip of exactly what a composition needs to render standalone.
 *
 * Contents: the entry HTML at the zip root (project-relative paths are kept) plus every local file the
 * static composition model references (`model.files`), plus `--include` globs, minus `--exclude` globs.
 * Never packed: dotfiles and dot-folders (`.git/` …), OS junk (.DS_Store, Thumbs.db …); the `--include`
 * globs also skip node_modules/ and renders/ (a file there is packed only when the composition references it).
 * Secrets (`.env*`, `*.pem`, `*.key`, `id_*`, `.npmrc`, credentials files … see SECRET_GLOBS) are never
 * packed, whether referenced or matched by `--include`, unless an `--include-secrets` glob names them; the
 * ones left out are listed in a warning. Referenced files outside the project (`../x.png`) cannot be packed:
 * each one is named in a warning. Paths with `..`, absolute paths and symlinks resolving outside the
 * project are refused.
 * Lint errors block packing; remote URLs are reported as warnings (they must be reachable at render time).
 * Same input → same bytes: sorted entries (entry first), fixed timestamps and permissions, no folder entries.
 *
 * Memory: files are streamed into the zip one at a time (jszip's `generateNodeStream` with `streamFiles`,
 * each file a lazily opened read stream), so packing costs a few MB per file whatever the project's size.
 * `packProjectToFile` writes the zip to disk as it is produced; `packProject` collects it in memory (for
 * small projects and tests). Already-compressed media (mp4, png, woff2 …) is stored, the rest deflated.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, readdir, realpath, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import JSZip from "jszip";
import picomatch from "picomatch";
import type { CompositionModel, LintResult } from "../compose/types.js";
import { CompositionError, UsageError } from "../errors.js";
import { loadComposition, lintProject } from "../compose/index.js";
import { assertProjectFolder } from "../compose/project-dir.js";

/** The static composition model API (src/compose/index.ts). */
export interface ComposeApi {
  loadComposition(dir: string, opts?: { entry?: string; entryFlag?: string }): Promise<CompositionModel> | CompositionModel;
  lintProject(dir: string, opts?: { entry?: string; entryFlag?: string }): Promise<LintResult> | LintResult;
}

export interface PackOptions {
  /** entry HTML, project-relative (default index.html) */
  entry?: string;
  /** extra files to pack (picomatch globs, project-relative) */
  include?: string[];
  /** files to leave out (picomatch globs); cannot exclude the entry */
  exclude?: string[];
  /**
   * secrets to pack anyway (picomatch globs, dotfiles included): files that look like secrets (`.env*`,
   * keys, `.npmrc`, credentials …) are packed only when one of these names them
   */
  includeSecrets?: string[];
  /** pack despite lint errors (default false) */
  allowLintErrors?: boolean;
  /** the composition model API; default: src/compose/index.js */
  compose?: ComposeApi;
  /** stop packing (the partial zip is removed) */
  signal?: AbortSignal;
}

export interface PackedFile {
  path: string;
  size: number;
  /** why it is in the zip ("secret": named by --include-secrets) */
  reason: "entry" | "referenced" | "included" | "secret";
}

export interface PackInfo {
  dir: string;
  entry: string;
  bytes: number;
  sha256: string;
  files: PackedFile[];
  warnings: string[];
  model: CompositionModel;
  lint: LintResult;
}

/** `packProject`: the zip in memory. */
export interface PackResult extends PackInfo {
  zip: Buffer;
}

/** `packProjectToFile`: the zip on disk. */
export interface PackFileResult extends PackInfo {
  path: string;
}

/** 1980-01-01T00:00:00Z: the earliest DOS date; jszip writes UTC fields, so this is TZ-independent. */
const FIXED_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/**
 * Files that look like secrets: never packed unless `--include-secrets` names them. Matched anywhere in the
 * project (basename patterns), dotfiles included.
 */
export const SECRET_GLOBS = [
  "**/.env",
  "**/.env.*",
  "**/*.env",
  "**/*.pem",
  "**/*.key",
  "**/id_*",
  "**/.npmrc",
  "**/.yarnrc.yml",
  "**/.netrc",
  "**/.pypirc",
  "**/.git-credentials",
  "**/.htpasswd",
  "**/credentials",
  "**/credentials.*",
  "**/*-credentials.*",
  "**/*_credentials.*",
  "**/*.p12",
  "**/*.pfx",
  "**/*.jks",
  "**/*.keystore",
  "**/*.ppk",
  "**/.ssh/**",
  "**/.aws/**",
  "**/.gnupg/**",
  "**/.docker/config.json",
];
const SECRET = picomatch(SECRET_GLOBS, { dot: true });
/** Never packed (VCS, dot-folders, OS junk), and never worth a warning when skipped by a glob. */
const JUNK = picomatch(["**/.*", "**/.*/**", "**/Thumbs.db", "**/desktop.ini", "**/*~", "**/*.swp", "**/__MACOSX/**"], { dot: true });
/** Skipped by --include globs (but packed when referenced). */
const BULKY = picomatch(["node_modules/**", "**/node_modules/**", "renders/**", "*.zip"], { dot: true });
/** Already compressed: stored as is (deflating them again costs time and saves nothing). */
const STORED = /\.(mp4|m4v|mov|webm|mkv|avi|m4a|mp3|aac|ogg|oga|opus|flac|png|jpe?g|gif|webp|avif|heic|woff2?|zip|gz|tgz|br|zst|7z|xz|bz2|pdf)$/i;

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

/** Project files for --include / --include-secrets globs (dotfiles too; never enters .git/ or node_modules/; no symlinked folders). */
async function walk(rootReal: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(path.join(rootReal, rel), { withFileTypes: true });
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (e.name === ".git" || e.name === "node_modules" || e.name === ".hg" || e.name === ".svn") continue;
      out.push(...(await walk(rootReal, p)));
    } else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
  return out;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface PackPlan extends Omit<PackInfo, "bytes" | "sha256"> {
  /** absolute (symlink-resolved) path of each packed file, in zip order */
  abs: string[];
}

/** Decide what goes into the zip (lint, model, globs, secrets, symlink checks); reads no file contents. */
async function planPack(dir: string, o: PackOptions): Promise<PackPlan> {
  const rootReal = await realpath(assertProjectFolder(dir, "--composition"));
  const entry = checkRelative(o.entry ?? "index.html", "entry");
  const api = o.compose ?? defaultCompose;
  const lint = await api.lintProject(rootReal, { entry, entryFlag: "--composition" });
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
  const model = await api.loadComposition(rootReal, { entry, entryFlag: "--composition" });
  const warnings: string[] = [];
  for (const u of model.externalUrls ?? []) warnings.push(`remote URL ${u} is not packed; it must be reachable when the cloud renders`);
  // The model leaves out references that resolve outside the project; the lint names each one.
  for (const f of lint.findings)
    if (f.code === "local_file_outside_project")
      warnings.push(`not packed (outside the project): ${f.file}${f.line ? `:${f.line}` : ""}: ${f.message} — copy the file into the project and reference it by a relative path`);

  const exclude = o.exclude?.length ? picomatch(o.exclude, { dot: true }) : () => false;
  const allowSecret = o.includeSecrets?.length ? picomatch(o.includeSecrets, { dot: true }) : () => false;
  const secretsLeftOut = new Set<string>();
  const chosen = new Map<string, PackedFile["reason"]>();
  const modelEntry = checkRelative(model.entry ?? entry, "entry");
  chosen.set(modelEntry, "entry");
  for (const f of model.files ?? []) {
    const rel = checkRelative(f, "referenced file");
    if (chosen.has(rel) || exclude(rel)) continue;
    if (SECRET(rel) && !allowSecret(rel)) {
      warnings.push(`${rel} is referenced but looks like a secret, so it is not packed; pass --include-secrets ${rel} if it really belongs in the zip`);
      continue;
    }
    if (JUNK(rel) && !allowSecret(rel)) {
      warnings.push(`${rel} is referenced but never packed (dotfiles and OS junk are left out)`);
      continue;
    }
    chosen.set(rel, SECRET(rel) ? "secret" : "referenced");
  }
  if (o.include?.length || o.includeSecrets?.length) {
    const inc = o.include?.length ? picomatch(o.include, { dot: false }) : () => false;
    for (const rel of (await walk(rootReal)).sort(byteOrder)) {
      if (chosen.has(rel) || exclude(rel)) continue;
      if (allowSecret(rel)) {
        chosen.set(rel, SECRET(rel) ? "secret" : "included");
        continue;
      }
      if (!inc(rel)) continue;
      if (SECRET(rel)) secretsLeftOut.add(rel);
      else if (!JUNK(rel) && !BULKY(rel)) chosen.set(rel, "included");
    }
  }
  if (secretsLeftOut.size) {
    const list = [...secretsLeftOut];
    warnings.push(
      `left out ${list.length} file${list.length > 1 ? "s" : ""} that look${list.length > 1 ? "" : "s"} like secrets: ${list.slice(0, 20).join(", ")}${list.length > 20 ? ", …" : ""} (pass --include-secrets <path> to pack one on purpose)`,
    );
  }
  if (exclude(modelEntry)) throw new UsageError("invalid_option", `--exclude matches the entry ${modelEntry}`, { hint: "the entry HTML is always packed" });

  const rest = [...chosen.keys()].filter((k) => k !== modelEntry).sort(byteOrder);
  const files: PackedFile[] = [];
  const abs: string[] = [];
  for (const rel of [modelEntry, ...rest]) {
    const r = await resolveInside(rootReal, rel);
    files.push({ path: rel, size: r.size, reason: chosen.get(rel)! });
    abs.push(r.abs);
  }
  return { dir: rootReal, entry: modelEntry, files, abs, warnings, model, lint };
}

/** The zip as a stream: each file is opened only when jszip reaches it, so one file is read at a time. */
function zipStream(plan: PackPlan): NodeJS.ReadableStream {
  const zip = new JSZip();
  plan.files.forEach((f, i) => {
    const file = plan.abs[i]!;
    const lazy = Readable.from(
      (async function* () {
        yield* createReadStream(file, { highWaterMark: 256 * 1024 });
      })(),
      { objectMode: false },
    );
    zip.file(f.path, lazy, {
      date: FIXED_DATE,
      unixPermissions: 0o100644,
      createFolders: false,
      binary: true,
      compression: STORED.test(f.path) ? "STORE" : "DEFLATE",
      compressionOptions: { level: 6 },
    });
  });
  return zip.generateNodeStream({ type: "nodebuffer", streamFiles: true, compression: "DEFLATE", compressionOptions: { level: 6 }, platform: "UNIX" });
}

/** Counts and hashes the bytes passing through. */
function meter(): { stream: Transform; bytes: () => number; sha256: () => string } {
  const hash = createHash("sha256");
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  return { stream, bytes: () => bytes, sha256: () => hash.digest("hex") };
}

const info = (plan: PackPlan, bytes: number, sha256: string): PackInfo => {
  const { abs: _abs, ...rest } = plan;
  return { ...rest, bytes, sha256 };
};

/** Pack a project into a deterministic zip, streamed to `file` (written atomically: temp file, then rename). */
export async function packProjectToFile(dir: string, file: string, o: PackOptions = {}): Promise<PackFileResult> {
  const plan = await planPack(dir, o);
  const dest = path.resolve(file);
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString("hex")}.tmp`);
  const m = meter();
  try {
    o.signal?.throwIfAborted();
    await pipeline(zipStream(plan), m.stream, createWriteStream(tmp), o.signal ? { signal: o.signal } : {});
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { ...info(plan, m.bytes(), m.sha256()), path: dest };
}

/** Pack a project into a deterministic zip in memory (same bytes as `packProjectToFile`). */
export async function packProject(dir: string, o: PackOptions = {}): Promise<PackResult> {
  const plan = await planPack(dir, o);
  const chunks: Buffer[] = [];
  const m = meter();
  o.signal?.throwIfAborted();
  await pipeline(
    zipStream(plan),
    m.stream,
    async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) chunks.push(c);
    },
    o.signal ? { signal: o.signal } : {},
  );
  const zip = Buffer.concat(chunks);
  return { ...info(plan, zip.length, m.sha256()), zip };
}
