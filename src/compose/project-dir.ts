/**
 * The project folder a command was given: it must be a folder. A missing path and a file (someone passed
 * `my-video/index.html`) get different messages; the file case says to pass its folder, and names the flag
 * that picks another entry file (`--entry` for lint/info, `--composition` for render/pack/snapshot).
 */
import { statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";

/** Throw a UsageError unless `given` (resolved against the current directory) is a folder. */
export function assertProjectFolder(given: string, entryFlag = "--entry"): string {
  const abs = path.resolve(given);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new UsageError("project_not_found", `project folder ${given} does not exist`, {
      hint: "pass the folder that holds index.html (or create one with `hyperframes init <name>`)",
    });
  }
  if (!st.isDirectory()) throw projectIsFileError(given, entryFlag);
  return abs;
}

/** The error for a file given where a project folder is expected. */
export function projectIsFileError(given: string, entryFlag = "--entry"): UsageError {
  const folder = path.dirname(given) || ".";
  const base = path.basename(given);
  return new UsageError("project_is_file", `${given} is a file, not a project folder`, {
    hint: `pass its folder instead: ${folder}${base === "index.html" ? "" : ` ${entryFlag} ${base}`}`,
  });
}
