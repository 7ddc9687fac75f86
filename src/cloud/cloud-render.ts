/**
 * `cloudRender()` / `cloudRenderBatch()`: what `hyperframes cloud render` does, as library functions.
 *   pack (lint errors block; a temp zip, removed afterwards) → cost estimate → `confirm` → upload (inline,
 *   multipart or direct by size) → create (Idempotency-Key from the zip and the settings) → poll → download.
 * The request settings are the API's body fields (`CreateRenderRequest` without `project`); the title defaults
 * to the project folder's name and the fps to the root's `data-fps`. Downloads are named from local values only
 * (the title and id sanitised, the mp4/webm/mov allowlist). Durations are in milliseconds (`…Ms`).
 */
import path from "node:path";
import os from "node:os";
import { openAsBlob } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { CloudError, UsageError } from "../errors.js";
import { coerceRow, readRows, type Row } from "../data/rows.js";
import { HyperframesCloud, checkIdempotencyKey, renderIdempotencyKey, type CreateRenderRequest, type RenderDetail } from "./client.js";
import { packProjectToFile, type PackFileResult } from "./packager.js";
import { DEFAULT_INLINE_MAX, createRenderFromZip, uploadProject, type UploadMethod } from "./upload.js";
import { estimateCost, formatCost, type CostEstimate } from "./pricing.js";
import { runCloudBatch, type BatchEvent, type BatchState } from "./batch.js";
import { downloadRenderFiles, type RenderFiles } from "./download.js";
import { slug } from "./fsutil.js";

/** The request settings: every field of a create request but `project`. */
export type CloudRenderSettings = Omit<CreateRenderRequest, "project">;

export interface CloudRenderEstimate extends CostEstimate {
  /** how many renders the estimate covers (rows of a batch) */
  renders: number;
  /** one line, e.g. "$0.0017 (1.0 s of 1080p at 30 fps, $0.10 per output minute)" */
  text: string;
}

export type CloudRenderEvent =
  | { type: "packed"; files: number; bytes: number; sha256: string; warnings: string[] }
  | ({ type: "estimate" } & CloudRenderEstimate)
  | { type: "step"; message: string }
  | { type: "submitted"; render_id: string; status: string; upload: UploadMethod; bytes: number; idempotency_key: string }
  | { type: "status"; render: RenderDetail; elapsedMs: number }
  | { type: "downloading"; path: string }
  | { type: "warning"; message: string }
  | { type: "batch"; event: BatchEvent };

interface CommonOptions {
  /** project folder */
  project: string;
  /** request settings (API field names); default title: the folder's name; default fps: the root's data-fps */
  settings?: CloudRenderSettings;
  /** API client; default `new HyperframesCloud()` (HEYGEN_API_KEY, HEYGEN_API_BASE_URL) */
  client?: HyperframesCloud;
  /**
   * Asked with the cost estimate before anything is uploaded; false (or a throw) submits nothing. Without it
   * the render is submitted (calling the function is the decision; the CLI asks, or wants --yes).
   */
  confirm?: (estimate: CloudRenderEstimate) => boolean | Promise<boolean>;
  /** largest zip sent inline as base64, in bytes (default 5 MB) */
  inlineMaxBytes?: number;
  /** first poll interval in ms (default 2000; backs off ×1.5 to 15 s, or to this interval if longer) */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: CloudRenderEvent) => void;
}

export interface CloudRenderOptions extends CommonOptions {
  /** poll until the render finishes and download the video (default true) */
  wait?: boolean;
  /** where to write the video (default `<project>/renders/<title>-<render_id>.<ext>`) */
  output?: string;
  /** also download the thumbnail (next to the video, `.jpg`) */
  thumbnail?: boolean;
  /** Idempotency-Key of the create request; default: derived from the zip's sha256 and the settings */
  idempotencyKey?: string;
  /** stop waiting after this long (default 2 hours; the render keeps going) */
  maxWaitMs?: number;
}

export interface CloudRenderResult extends Partial<RenderFiles> {
  render_id: string;
  /** the last status seen: `queued`/`rendering` without `wait`, else `completed` */
  status: string;
  callback_id: string;
  idempotency_key: string;
  /** seconds of video, when the service reports it */
  duration?: number | null;
  upload: UploadMethod;
  estimate: CloudRenderEstimate;
}

export interface CloudRenderBatchOptions extends CommonOptions {
  /** one render per row (a row's fields are variable overrides, coerced to the declared types), or a .json / .ndjson / .csv file of them */
  rows: Row[] | string;
  /** resumable state file (default `<project>/renders/cloud-batch-state.json`) */
  statePath?: string;
  /** most renders queued/rendering at once (default 10) */
  maxInFlight?: number;
}

export interface CloudRenderBatchResult {
  completed: number;
  failed: number;
  /** rows submitted by this call (a resumed batch submits only what was left) */
  submitted: number;
  statePath: string;
  state: BatchState;
  estimate: CloudRenderEstimate;
}

/** Check what the API would refuse in the request settings, before anything is packed or sent. */
export function validateCloudSettings(s: CloudRenderSettings): void {
  const v = s.variables;
  if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v)))
    throw new UsageError("invalid_option", "--variables must be a JSON object", { hint: `e.g. --variables '{"title":"Hello"}'` });
  const cb = s.callback_url;
  if (cb !== undefined) {
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(String(cb)).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError("invalid_option", `--callback-url must be an http(s) URL, got "${String(cb)}"`, { hint: "e.g. --callback-url https://example.com/hooks/heygen" });
  }
  const comp = String(s.composition ?? "index.html");
  if (comp.includes("..") || path.isAbsolute(comp)) throw new UsageError("invalid_option", `--composition must be a path inside the project, got "${comp}"`);
}

function pollInterval(o: CommonOptions): number {
  const ms = o.pollIntervalMs ?? 2000;
  if (!Number.isFinite(ms) || ms < 10) throw new UsageError("invalid_option", `pollIntervalMs must be at least 10 ms, got ${ms}`);
  return ms;
}

interface Prepared {
  client: HyperframesCloud;
  dir: string;
  body: CloudRenderSettings;
  pack: PackFileResult;
  zip: Blob;
  estimate: CloudRenderEstimate;
  upload: { inlineMaxBytes: number; filename: string; signal?: AbortSignal; sha256: string; onStep: (s: string) => void };
}

/** Pack into a temp folder, estimate, confirm; `run` gets everything needed to upload; the temp zip is removed after. */
async function withPackedProject<T>(o: CommonOptions, renders: (pack: PackFileResult) => number, run: (p: Prepared) => Promise<T>): Promise<T> {
  const client = o.client ?? new HyperframesCloud();
  if (!client.http.hasKey) throw new CloudError("missing_api_key", "no HeyGen API key: HEYGEN_API_KEY is not set", { hint: "export HEYGEN_API_KEY=<your key>" });
  const dir = path.resolve(o.project);
  const body: CloudRenderSettings = { ...o.settings };
  if (body.title === undefined) body.title = path.basename(dir);
  validateCloudSettings(body);
  const inlineMaxBytes = o.inlineMaxBytes ?? DEFAULT_INLINE_MAX;
  if (!Number.isFinite(inlineMaxBytes) || inlineMaxBytes < 0) throw new UsageError("invalid_option", `inlineMaxBytes must be a number of bytes >= 0, got ${inlineMaxBytes}`);
  const emit = (e: CloudRenderEvent) => o.onEvent?.(e);
  const tmpDir = await mkdtemp(path.join(os.tmpdir(), "hf-cloud-"));
  try {
    const filename = `${slug(path.basename(dir))}.zip`;
    const pack = await packProjectToFile(dir, path.join(tmpDir, filename), { entry: String(body.composition ?? "index.html"), signal: o.signal });
    o.signal?.throwIfAborted();
    emit({ type: "packed", files: pack.files.length, bytes: pack.bytes, sha256: pack.sha256, warnings: pack.warnings });
    if (body.fps === undefined && pack.model.fps) body.fps = pack.model.fps;
    const n = renders(pack);
    const est = estimateCost(pack.model.duration * n, Number(body.fps ?? 30), body.resolution ?? "1080p");
    const estimate: CloudRenderEstimate = { ...est, renders: n, text: `${formatCost(est)}${n > 1 ? ` for ${n} renders` : ""}` };
    emit({ type: "estimate", ...estimate });
    if (o.confirm && !(await o.confirm(estimate))) throw new UsageError("not_confirmed", "not submitted (cost not confirmed)");
    // a file-backed Blob: uploads stream it from disk
    const zip = await openAsBlob(pack.path, { type: "application/zip" });
    const upload = { inlineMaxBytes, filename, signal: o.signal, sha256: pack.sha256, onStep: (message: string) => emit({ type: "step", message }) };
    return await run({ client, dir, body, pack, zip, estimate, upload });
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** Render a project folder on HeyGen's cloud: pack, estimate, upload, create; with `wait` (default) poll and download. */
export async function cloudRender(o: CloudRenderOptions): Promise<CloudRenderResult> {
  if (o.idempotencyKey !== undefined) checkIdempotencyKey(o.idempotencyKey);
  const pollMs = pollInterval(o);
  return withPackedProject(o, () => 1, async ({ client, dir, body, pack, zip, estimate, upload }) => {
    const idempotencyKey = o.idempotencyKey ?? renderIdempotencyKey(pack.sha256, body);
    const { created, upload: up } = await createRenderFromZip(client, zip, body, { ...upload, idempotencyKey });
    o.onEvent?.({ type: "submitted", render_id: created.render_id, status: created.status, upload: up.method, bytes: up.bytes, idempotency_key: created.idempotency_key });
    const result: CloudRenderResult = {
      render_id: created.render_id,
      status: created.status,
      callback_id: created.callback_id,
      idempotency_key: created.idempotency_key,
      upload: up.method,
      estimate,
    };
    if (o.wait === false) return result;
    const done = await client.waitForRender(created.render_id, {
      signal: o.signal,
      intervalMs: pollMs,
      maxIntervalMs: Math.max(15_000, pollMs),
      timeoutMs: o.maxWaitMs,
      onStatus: (render, elapsedMs) => o.onEvent?.({ type: "status", render, elapsedMs }),
    });
    if (done.status === "failed")
      throw new CloudError("render_failed", `cloud render ${created.render_id} failed: ${done.failure_message ?? "no reason given"}`, {
        hint: "render it locally with `hyperframes render` to see the error",
        data: { render_id: created.render_id },
      });
    const files = await downloadRenderFiles(done, dir, {
      id: created.render_id,
      output: o.output,
      thumbnail: o.thumbnail,
      title: body.title,
      format: body.format ?? "mp4",
      signal: o.signal,
      onEvent: (e) => o.onEvent?.(e),
    });
    return { ...result, status: done.status, duration: done.duration, ...files };
  });
}

/**
 * One cloud render per row, at most `maxInFlight` at once, all downloaded into `<project>/renders/`. The project
 * is uploaded once (as an asset) and reused by every row; progress is kept in a state file, so calling it again
 * after a crash or an abort resumes without submitting a row twice.
 */
export async function cloudRenderBatch(o: CloudRenderBatchOptions): Promise<CloudRenderBatchResult> {
  const pollMs = pollInterval(o);
  const rows = typeof o.rows === "string" ? await readRows(o.rows) : o.rows;
  if (!Array.isArray(rows) || rows.length === 0) throw new UsageError("invalid_option", "a cloud batch needs at least one row");
  return withPackedProject(o, () => rows.length, async ({ client, dir, body, pack, zip, estimate, upload }) => {
    const statePath = path.resolve(o.statePath ?? path.join(dir, "renders", "cloud-batch-state.json"));
    const res = await runCloudBatch({
      client,
      rows: rows.map((r) => coerceRow(r, pack.model.variables)),
      base: body,
      // one uploaded asset for every row (never inline: it would be re-sent per row)
      project: async () => (await uploadProject(client, zip, { ...upload, inlineMaxBytes: 0 })).project,
      zipSha256: pack.sha256,
      statePath,
      outDir: path.join(dir, "renders"),
      maxInFlight: o.maxInFlight,
      pollIntervalMs: pollMs,
      signal: o.signal,
      onEvent: (event) => o.onEvent?.({ type: "batch", event }),
    });
    return { completed: res.completed, failed: res.failed, submitted: res.submittedThisRun, statePath, state: res.state, estimate };
  });
}
