/**
 * Where a finished render lands. Every output is written under a temp name next to its final path and moved
 * there only after it passed verification, so a failed or cancelled render leaves nothing behind. A file is
 * renamed over the old one; a png-sequence folder replaces an earlier sequence in the same place, and never a
 * folder holding anything else (`-o .` must not wipe a project).
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { FORMAT_TRAITS, type Format } from "./options.js";
import { partialOutputPath } from "./temp-files.js";

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

/** The temp path a render writes to before `commitOutput` moves it into place (temp-files.ts: the scheme). */
export const tempOutputPath = (output: string): string => partialOutputPath(output);

/** Move a verified temp output into place (a folder replaces an earlier sequence folder). */
export function commitOutput(tmp: string, output: string): void {
  if (!statSync(tmp).isDirectory() || !existsSync(output)) {
    renameSync(tmp, output);
    return;
  }
  if (!statSync(output).isDirectory() || !isSequenceFolder(output))
    throw new UsageError("output_folder_not_empty", `${output} changed during the render and now holds other files; the frames are left in ${tmp}`);
  // move the old one aside first: the new folder appears in one rename
  const old = `${tmp}.old`;
  renameSync(output, old);
  renameSync(tmp, output);
  rmSync(old, { recursive: true, force: true });
}

/** Remove a temp output, file or folder. */
export function removeOutput(p: string): void {
  if (existsSync(p)) rmSync(p, { recursive: true, force: true });
}

/** Bytes of an output: the file's size, or the sum of a folder's files. */
export function outputSize(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, f) => n + statSync(path.join(p, f)).size, 0);
}
