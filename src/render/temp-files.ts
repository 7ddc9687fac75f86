/**
 * One naming scheme for everything the toolkit writes before it is done, and the sweep of what a killed
 * process left behind. Render, batch, snapshot, the browser launcher and the preview's file watcher all use it.
 *
 *   temp folders     <tmpdir>/hyperframes-<kind>-<pid>-<random>   (render work, browser profiles, frame caches…)
 *   partial outputs  <folder of the target>/.<name>.hf-tmp-<pid>-<stamp>
 *
 * Both carry the owner's pid. A partial output is hidden and has no media extension, so it never looks like
 * a result. A process removes its own on success, error, Ctrl-C and exit; `kill -9` cannot be caught, so every
 * render also sweeps (sweepStaleTemps) the temp folders and partial outputs whose owner process is gone: only
 * names of this scheme, only in the temp folder and next to the target, never those of a live process.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PARTIAL_MARK, partialOutputPath } from "../fs-atomic.js";

export { partialOutputPath };

/** What a temp folder is for (a lowercase word: part of the pattern the sweep matches). */
export type TempKind = "render" | "snapshot" | "frames" | "profile";

const TEMP_DIR_RE = /^hyperframes-[a-z]+-(?<pid>\d+)-[A-Za-z0-9]{6}$/;
/** `.<name>.hf-tmp-<pid>-<stamp>`, the pid the owner's (also the older `…-<ms>.<ext>` and a sequence's `….old`). */
const PARTIAL_RE = /^\..+\.hf-tmp-(?<pid>\d+)(?:-[0-9a-z]+)?(?:\.[A-Za-z0-9]+)?$/;

/** Glob patterns of partial outputs (files and folders) for file watchers. */
export const PARTIAL_OUTPUT_GLOBS: readonly string[] = [`**/.*${PARTIAL_MARK}*`, `**/.*${PARTIAL_MARK}*/**`];

/**
 * Temp folders and partial outputs of this process not yet removed or committed: removed at exit (a second
 * Ctrl-C exits at once, without the render's own cleanup).
 */
const mine = new Set<string>();
let exitHook = false;

/** Remove `p` (file or folder) when this process exits, unless released first. */
export function removeAtExit(p: string): void {
  mine.add(p);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      for (const d of mine) rmSync(d, { recursive: true, force: true, maxRetries: 2 });
    });
  }
}

/** No longer remove `p` at exit (it was removed, or moved into place). */
export function releaseAtExit(p: string): void {
  mine.delete(p);
}

/** A new temp folder `<tmpdir>/hyperframes-<kind>-<pid>-<random>`; remove it with removeTempDir. */
export function makeTempDir(kind: TempKind): string {
  const dir = mkdtempSync(path.join(tmpdir(), `hyperframes-${kind}-${process.pid}-`));
  removeAtExit(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  releaseAtExit(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}

/** True for a file or folder name of a partial output (any owner). */
export function isPartialOutputName(name: string): boolean {
  return PARTIAL_RE.test(name);
}

/** The owner pid in a temp folder's or partial output's name (undefined: not a name of this scheme). */
export function ownerPid(name: string): number | undefined {
  const pid = Number((TEMP_DIR_RE.exec(name) ?? PARTIAL_RE.exec(name))?.groups?.pid ?? NaN);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Is `pid` a running process (EPERM: it runs, as another user)? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sweepDir(dir: string, matches: (name: string) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!matches(name)) continue;
    const pid = ownerPid(name);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    try {
      rmSync(path.join(dir, name), { recursive: true, force: true, maxRetries: 2 });
      removed.push(path.join(dir, name));
    } catch {
      /* someone else's, or busy: left for a later sweep */
    }
  }
  return removed;
}

/**
 * Remove what killed processes left: temp folders of this scheme in the temp folder, and partial outputs in
 * `outputDirs` (the folders results are written to), whose owner pid no longer runs. Returns what was removed.
 */
export function sweepStaleTemps(outputDirs: readonly string[] = []): string[] {
  const removed = sweepDir(tmpdir(), (n) => TEMP_DIR_RE.test(n));
  for (const d of new Set(outputDirs)) removed.push(...sweepDir(d, isPartialOutputName));
  return removed;
}
