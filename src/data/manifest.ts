/**
 * The batch manifest: one JSON file recording every row's status, output, error, timings and input hash.
 * It is rewritten atomically (temp file in the same folder + rename) after every change, so a reader —
 * or a re-run after Ctrl-C, a crash or a kill — always sees a complete, valid file.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomicSync as writeAtomic } from "../fs-atomic.js";

/**
 * pending: not rendered yet (also rows interrupted by Ctrl-C or --fail-fast);
 * rendering: being rendered right now (a manifest left by a killed process may show it; it is retried);
 * done: rendered by this run; skipped: already rendered by an earlier run with identical inputs;
 * failed: the row's data or its render failed (retried on the next run).
 */
export type ManifestRowStatus = "pending" | "rendering" | "done" | "failed" | "skipped";

export interface RowTimings {
  /** file server, page load, media preparation */
  prepareMs: number;
  captureMs: number;
  /** finishing the encode after the last frame */
  encodeMs: number;
  verifyMs: number;
  totalMs: number;
}

export interface ManifestError {
  code: string;
  message: string;
  hint?: string;
}

export interface ManifestRow {
  /** 1-based row number (the same as {index} and "row N" in messages) */
  row: number;
  status: ManifestRowStatus;
  /** absolute output path */
  output: string;
  /** sha256 of the composition's files, the row's variables and the render options */
  inputHash: string;
  error?: ManifestError;
  startedAt?: string;
  finishedAt?: string;
  timings?: RowTimings;
  frames?: number;
  sizeBytes?: number;
  warnings?: string[];
}

export interface ManifestCounts {
  total: number;
  pending: number;
  rendering: number;
  done: number;
  skipped: number;
  failed: number;
}

export interface BatchManifest {
  kind: "hyperframes-batch-manifest";
  version: 1;
  /** absolute project folder and entry file */
  project: string;
  composition: string;
  compositionId: string;
  /** the --batch data file, when the rows came from one */
  source?: string;
  outputPattern: string;
  /** render options that are part of every row's input hash */
  options: Record<string, unknown>;
  /** running; finished (every row attempted); cancelled (Ctrl-C / abort); stopped (--fail-fast); error */
  state: "running" | "finished" | "cancelled" | "stopped" | "error";
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  counts: ManifestCounts;
  rows: ManifestRow[];
}

export function countRows(rows: ManifestRow[]): ManifestCounts {
  const c: ManifestCounts = { total: rows.length, pending: 0, rendering: 0, done: 0, skipped: 0, failed: 0 };
  for (const r of rows) c[r.status]++;
  return c;
}

/** Write a file atomically and durably (fsync before the rename). */
export function writeFileAtomicSync(file: string, data: string): void {
  writeAtomic(file, data, { durable: true });
}

/** Save the manifest (counts and updatedAt refreshed). */
export function saveManifest(file: string, m: BatchManifest): void {
  m.counts = countRows(m.rows);
  m.updatedAt = new Date().toISOString();
  writeFileAtomicSync(file, JSON.stringify(m, null, 2) + "\n");
}

/**
 * The manifest left by an earlier run, or undefined when there is none or it is not a batch manifest
 * (`onProblem` says why, e.g. a file that does not parse; the batch then starts over).
 */
export function loadManifest(file: string, onProblem?: (msg: string) => void): BatchManifest | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as BatchManifest;
    if (m?.kind !== "hyperframes-batch-manifest" || m.version !== 1 || !Array.isArray(m.rows)) throw new Error("not a hyperframes batch manifest");
    return m;
  } catch (e) {
    onProblem?.(`${file} could not be read (${(e as Error).message}); every row is rendered again`);
    return undefined;
  }
}

/** JSON with object keys sorted, so equal values always hash the same. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 of each project file's content (project-relative path → hash; "missing" for unreadable files). */
export function hashFiles(projectDir: string, files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of files) {
    try {
      out[rel] = sha256(readFileSync(path.join(projectDir, rel)));
    } catch {
      out[rel] = "missing";
    }
  }
  return out;
}

/** A row's input hash: the composition's files, the row's merged variables and the render options. */
export function inputHash(files: Record<string, string>, variables: Record<string, unknown>, options: Record<string, unknown>): string {
  return sha256(stableJson({ v: 1, files, variables, options }));
}
