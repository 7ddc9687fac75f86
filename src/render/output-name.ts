/**
 * Default output names. Every template's root is `data-composition-id="main"`, so a name taken from the id
 * alone makes every project's render `main_<timestamp>.mp4`: generic ids give way to the project folder's name.
 */
import path from "node:path";

/** Composition ids that say nothing about the video. */
export const GENERIC_COMPOSITION_IDS: readonly string[] = ["main", "root", "composition", "index"];

/** The stem of default output names: the composition id when it is meaningful, else the project folder's name. */
export function outputStem(compositionId: string | undefined, projectDir: string): string {
  const id = (compositionId ?? "").trim();
  const useId = id !== "" && !GENERIC_COMPOSITION_IDS.includes(id.toLowerCase());
  const stem = (useId ? id : path.basename(path.resolve(projectDir))).replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^\.+/, "");
  return stem || "render";
}

/** `YYYYMMDD_HHMMSS` in local time. */
export function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
