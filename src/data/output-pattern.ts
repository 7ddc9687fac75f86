/**
 * Batch output names: expands `--output-pattern` for every row into a safe file path and refuses
 * patterns that would make two rows write the same file.
 *
 * Placeholders:
 *   {index}        the 1-based row number ("row 3" in messages), not padded, so a file keeps its name
 *                  when rows are appended (resume then skips the rows already rendered)
 *   {row.<field>}  a field of the row (CSV column / JSON key); path separators and characters that are
 *                  unsafe in file names become "_", leading dots are replaced, long values are cut
 *   {id}           the composition id (data-composition-id)
 * A relative pattern resolves against the current directory. Without an extension `.<format>` is added (not
 * for a png-sequence, whose outputs are folders).
 */
import path from "node:path";
import { UsageError } from "../errors.js";
import type { Row } from "./rows.js";

export const VIDEO_EXTENSIONS = ["mp4", "webm", "mov", "gif"] as const;
export type VideoExtension = (typeof VIDEO_EXTENSIONS)[number];

const PLACEHOLDER_RE = /\{([^{}]*)\}/g;
const MAX_SEGMENT = 80;

/** A value made safe for one file-name segment. */
export function safeSegment(value: unknown): string {
  const s = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  let out = s
    .normalize("NFC")
    // path separators, characters Windows/macOS refuse, controls, whitespace runs
    .replace(/[/\\:*?"<>|\u0000-\u001f\u007f\s]+/g, "_")
    .replace(/^\.+/, (m) => "_".repeat(m.length))
    .replace(/\.+$/, "");
  if ([...out].length > MAX_SEGMENT) out = [...out].slice(0, MAX_SEGMENT).join("");
  return out || "_";
}

export interface PatternInfo {
  pattern: string;
  /** the literal extension at the end of the pattern (lower case), if any */
  extension?: string;
  /** the folder part before the first placeholder (where the manifest goes), unresolved */
  staticDir: string;
}

/** Validate a pattern's placeholders and find its extension and static folder. */
export function analyzePattern(pattern: string): PatternInfo {
  if (!pattern.trim()) throw new UsageError("invalid_output_pattern", "--output-pattern is empty", { hint: 'e.g. --output-pattern "renders/{row.id}_{index}.mp4"' });
  for (const m of pattern.matchAll(PLACEHOLDER_RE)) {
    const name = m[1]!;
    if (name === "index" || name === "id") continue;
    if (/^row\.[^\s]+$/.test(name)) continue;
    throw new UsageError("invalid_output_pattern", `--output-pattern "${pattern}" has an unknown placeholder {${name}}`, {
      hint: "use {index} (1-based row number), {row.<field>} (a field of the row) or {id} (the composition id)",
    });
  }
  if (/[{}]/.test(pattern.replace(PLACEHOLDER_RE, "")))
    throw new UsageError("invalid_output_pattern", `--output-pattern "${pattern}" has an unmatched { or }`, { hint: 'placeholders look like {index} or {row.name}' });
  const ext = /\.([A-Za-z0-9]{2,5})$/.exec(pattern)?.[1]?.toLowerCase();
  const first = pattern.search(/\{/);
  const prefix = first === -1 ? pattern : pattern.slice(0, first);
  const cut = Math.max(prefix.lastIndexOf("/"), prefix.lastIndexOf("\\"));
  const staticDir = cut === -1 ? "." : cut === 0 ? prefix.slice(0, 1) : prefix.slice(0, cut);
  return { pattern, extension: ext, staticDir };
}

export interface PlanOptions {
  /** composition id for {id} */
  id: string;
  /** output format; files without an extension get `.<format>` (a png-sequence folder gets none) */
  format: string;
  /** folder relative patterns resolve against (default: the current directory) */
  cwd?: string;
}

/** Expand the pattern for one row (0-based `index`); returns the absolute output path. */
export function expandPattern(info: PatternInfo, row: Row, index: number, o: PlanOptions): string {
  const expanded = info.pattern.replace(PLACEHOLDER_RE, (_m, name: string) => {
    if (name === "index") return String(index + 1);
    if (name === "id") return safeSegment(o.id || "composition");
    const field = name.slice(4);
    const v = row[field];
    if (v === undefined || v === null || (typeof v === "string" && v.trim() === ""))
      throw new UsageError("output_pattern_field_missing", `row ${index + 1} has no value for field "${field}" used by --output-pattern "${info.pattern}"`, {
        hint: `fill in "${field}" for every row, or use {index} in the pattern`,
        data: { row: index + 1, field },
      });
    return safeSegment(v);
  });
  let file = path.resolve(o.cwd ?? process.cwd(), expanded);
  if (o.format !== "png-sequence" && (!info.extension || !(VIDEO_EXTENSIONS as readonly string[]).includes(info.extension))) file += `.${o.format}`;
  return file;
}

/**
 * Output paths for every row. Throws a UsageError naming both rows when two rows would write the same
 * file (compared case-insensitively, as on macOS and Windows file systems).
 */
export function planOutputs(pattern: string, rows: Row[], o: PlanOptions): string[] {
  const info = analyzePattern(pattern);
  const seen = new Map<string, number>();
  return rows.map((row, i) => {
    const file = expandPattern(info, row, i, o);
    const key = file.toLowerCase();
    const prev = seen.get(key);
    if (prev !== undefined)
      throw new UsageError("output_collision", `--output-pattern "${pattern}" gives rows ${prev + 1} and ${i + 1} the same file ${path.relative(o.cwd ?? process.cwd(), file) || file}`, {
        hint: "add {index}, or a field that is unique per row such as {row.id}, to the pattern",
        data: { rows: [prev + 1, i + 1], file },
      });
    seen.set(key, i);
    return file;
  });
}
