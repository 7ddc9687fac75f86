/**
 * Data rows for batch renders (local `render --batch` and `cloud render --batch`): one reader for
 * JSON (an array of objects, or `{"rows": [...]}`), NDJSON (one object per line; `.ndjson`/`.jsonl`)
 * and CSV (a header row naming the fields), plus the schema-driven coercion of CSV text values.
 */
import { readFile } from "node:fs/promises";
import { parse as parseCsv } from "csv-parse/sync";
import { UsageError } from "../errors.js";
import type { VariableDecl } from "../compose/types.js";

export type Row = Record<string, unknown>;
export type RowsFormat = "json" | "ndjson" | "csv";

/** The data format of a rows file, from its extension (anything else is read as JSON, then NDJSON). */
export function rowsFormatFor(file: string): RowsFormat {
  if (/\.csv$/i.test(file)) return "csv";
  if (/\.(ndjson|jsonl)$/i.test(file)) return "ndjson";
  return "json";
}

const isObject = (v: unknown): v is Row => !!v && typeof v === "object" && !Array.isArray(v);

function parseNdjson(text: string, file: string): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new UsageError("invalid_batch_file", `${file}:${i + 1} is not valid JSON: ${(e as Error).message}`, {
        file,
        line: i + 1,
        hint: "NDJSON holds one JSON object per line",
      });
    }
    if (!isObject(v))
      throw new UsageError("invalid_batch_file", `${file}:${i + 1} must be a JSON object (one row per line)`, { file, line: i + 1, hint: '{"title": "A"}' });
    rows.push(v);
  });
  return rows;
}

/** Parse the text of a rows file. `format` defaults to the one named by the file's extension. */
export function parseRows(text: string, file: string, format: RowsFormat = rowsFormatFor(file)): Row[] {
  let rows: unknown;
  if (format === "csv") {
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    } catch (e) {
      throw new UsageError("invalid_batch_file", `${file} is not valid CSV: ${(e as Error).message}`, { file, hint: "the first line must name the variables" });
    }
  } else if (format === "ndjson") {
    rows = parseNdjson(text, file);
  } else {
    try {
      rows = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (e) {
      // a .json file holding one object per line is NDJSON
      const lines = text.split(/\r?\n/).filter((l) => l.trim());
      if (lines.length > 1 && lines.every((l) => l.trim().startsWith("{"))) return parseRows(text, file, "ndjson");
      throw new UsageError("invalid_batch_file", `${file} is not valid JSON: ${(e as Error).message}`, { file });
    }
    if (isObject(rows) && Array.isArray(rows.rows)) rows = rows.rows;
  }
  if (!Array.isArray(rows)) throw new UsageError("invalid_batch_file", `${file} must hold a list of objects (one per video)`, { file, hint: '[{"title": "A"}, {"title": "B"}]' });
  const bad = rows.findIndex((r) => !isObject(r));
  if (bad !== -1)
    throw new UsageError("invalid_batch_file", `${file} must hold a list of objects (one per video); row ${bad + 1} is ${JSON.stringify(rows[bad])?.slice(0, 40)}`, {
      file,
      hint: '[{"title": "A"}, {"title": "B"}]',
    });
  if (rows.length === 0) throw new UsageError("invalid_batch_file", `${file} has no rows`, { file, hint: "add one row per video" });
  return rows as Row[];
}

/** Read rows from a .json (array of objects, or {rows: [...]}), .ndjson/.jsonl or .csv (header row) file. */
export async function readRows(file: string): Promise<Row[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError("batch_file_not_found", `--batch file ${file} does not exist`, { file, hint: "pass a .json, .ndjson or .csv file with one row per video" });
  }
  return parseRows(text, file);
}

/**
 * Coerce text values (CSV cells) to the declared variable types: numbers ("12.5") and booleans
 * ("true"/"false", "yes"/"no", "1"/"0"). A blank cell for any declared variable (string, color, enum,
 * number, boolean…) is dropped so the declared default applies: a CSV cannot tell "empty" from "not given",
 * and an empty colour or enum value would break the page. Values that do not convert, undeclared fields and
 * non-strings pass through unchanged (variable validation reports them).
 */
export function coerceRow(row: Row, decls: VariableDecl[] = []): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) {
    const d = decls.find((x) => x.id === k);
    if (typeof v === "string" && d && v.trim() === "") continue;
    if (typeof v === "string" && d?.type === "number" && Number.isFinite(Number(v))) out[k] = Number(v);
    else if (typeof v === "string" && d?.type === "boolean" && /^(true|false|yes|no|1|0)$/i.test(v.trim()))
      out[k] = /^(true|yes|1)$/i.test(v.trim());
    else out[k] = v;
  }
  return out;
}
