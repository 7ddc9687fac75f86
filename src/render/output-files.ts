/**
 * Where a finished render lands. Every output is written under a temp name next to its final path and moved
 * there only after it passed verification, so a failed or cancelled render leaves nothing behind. A file is
 * renamed over the old one; a png-sequence folder replaces an earlier sequence in the same place, and never a
 * folder holding anything else (`-o .` must not wipe a project). prepareOutput() checks all it can before the
 * first frame (the name, the folder, that it can be written) and creates the partial output up front.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { checkOutputName } from "./render-checks.js";
import { FORMAT_TRAITS, type Format } from "./options.js";
import { partialOutputPath, releaseAtExit, removeAtExit } from "./temp-files.js";

/** A PNG sequence frame file: NNNN.png. */
export const SEQUENCE_FRAME_RE = /^\d{4,}\.png$/;

/** True when `dir` is a folder that holds nothing but NNNN.png frames (an earlier sequence, or empty). */
function isSequenceFolder(dir: string): boolean {
  return readdirSync(dir).every((f) => SEQUENCE_FRAME_RE.test(f));
}

/** Refuse, before anything starts, an output path the format cannot be written to. */
export function checkOutputTarget(output: string, format: Format, shown = output): void {
  if (!existsSync(output)) return;
  const isDir = statSync(output).isDirectory();
  if (FORMAT_TRAITS[format].extension === null) {
    if (!isDir)
      throw new UsageError("output_not_folder", `--output ${shown} is a file, but a ${format} is written to a folder`, {
        hint: "give a folder name (it is created), e.g. -o renders/frames",
      });
    if (!isSequenceFolder(output))
      throw new UsageError("output_folder_not_empty", `--output ${shown} holds files other than NNNN.png frames; a ${format} would replace the folder`, {
        hint: "give a new or empty folder, e.g. -o renders/frames",
      });
  } else if (isDir) {
    throw new UsageError("output_is_folder", `--output ${shown} is a folder, but a ${format} is one file`, { hint: `give a file name, e.g. -o ${path.join(shown, `video.${FORMAT_TRAITS[format].extension}`)}` });
  }
}

export interface PreparedOutput {
  /** the partial output (an empty file or folder already), moved to the output by commitOutput */
  tmp: string;
  /** the first folder created for the output (removed again, if still empty, by discardOutput) */
  createdDir?: string;
}

/** The first folder up from `dir` that exists. */
function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

function notWritable(shown: string, where: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException)?.code ?? "error";
  const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "a read-only file system" : code === "ENOSPC" ? "the disk is full" : code;
  return new UsageError("output_not_writable", `--output ${shown}: cannot write in ${where} (${why})`, { hint: "choose a folder you can write to", cause: e });
}

/**
 * Everything about the output that can be known before the first frame, checked at once (a usage error, before
 * any browser starts): `-o -` (a video is checked and then moved into place, so it needs a file), a name ending in
 * "/" or naming an existing folder for a one-file format, a name that does not fit the format, a parent that is a
 * file. A missing parent folder is created, as the official CLI does. Then the partial output is created empty,
 * which proves the folder writable (a read-only folder fails here, not after the last frame).
 */
export function prepareOutput(output: string, format: Format, shown = output): PreparedOutput {
  const oneFile = FORMAT_TRAITS[format].extension !== null;
  if (shown.trim() === "-")
    throw new UsageError("output_stdout_unsupported", "--output - (standard output) is not supported: a render is checked and then moved into place, so it is written to a file", {
      hint: `give a file name, e.g. -o out.${FORMAT_TRAITS[format].extension ?? "mp4"}, and read the file from there`,
    });
  if (oneFile && /[\\/]$/.test(shown))
    throw new UsageError("output_is_folder", `--output ${shown} names a folder, but a ${format} is one file`, {
      hint: `give a file name, e.g. -o ${path.join(shown, `video.${FORMAT_TRAITS[format].extension}`)}`,
    });
  checkOutputName(output, format);
  checkOutputTarget(output, format, shown);
  const dir = path.dirname(output);
  const ancestor = existingAncestor(dir);
  if (!statSync(ancestor).isDirectory())
    throw new UsageError("output_parent_not_folder", `--output ${shown}: ${ancestor} is a file, not a folder`, { hint: "choose an output path inside a folder" });
  let createdDir: string | undefined;
  try {
    createdDir = mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw notWritable(shown, ancestor, e);
  }
  const tmp = tempOutputPath(output);
  try {
    if (oneFile) closeSync(openSync(tmp, "wx"));
    else mkdirSync(tmp);
    removeAtExit(tmp);
  } catch (e) {
    removeEmptyDirs(dir, createdDir);
    throw notWritable(shown, dir, e);
  }
  return { tmp, createdDir };
}

/** Remove `dir` and its parents up to `top` (inclusive) while they are empty. */
function removeEmptyDirs(dir: string, top: string | undefined): void {
  if (!top) return;
  for (let d = dir; d.startsWith(top); d = path.dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

/** After a failed or cancelled render: the partial output goes, and the folders created for it if still empty. */
export function discardOutput(prepared: PreparedOutput, output: string): void {
  removeOutput(prepared.tmp);
  if (!existsSync(output)) removeEmptyDirs(path.dirname(output), prepared.createdDir);
}

/** The temp path a render writes to before `commitOutput` moves it into place (temp-files.ts: the scheme). */
export const tempOutputPath = (output: string): string => partialOutputPath(output);

/** Move a verified temp output into place (a folder replaces an earlier sequence folder). */
export function commitOutput(tmp: string, output: string): void {
  if (!statSync(tmp).isDirectory() || !existsSync(output)) {
    renameSync(tmp, output);
    releaseAtExit(tmp);
    return;
  }
  if (!statSync(output).isDirectory() || !isSequenceFolder(output))
    throw new UsageError("output_folder_not_empty", `${output} changed during the render and now holds other files; the frames are left in ${tmp}`);
  // move the old one aside first: the new folder appears in one rename
  const old = `${tmp}.old`;
  renameSync(output, old);
  renameSync(tmp, output);
  releaseAtExit(tmp);
  rmSync(old, { recursive: true, force: true });
}

/** Remove a temp output, file or folder. */
export function removeOutput(p: string): void {
  releaseAtExit(p);
  if (existsSync(p)) rmSync(p, { recursive: true, force: true });
}

/** Bytes of an output: the file's size, or the sum of a folder's files. */
export function outputSize(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, f) => n + statSync(path.join(p, f)).size, 0);
}
