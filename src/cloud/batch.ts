/**
 * Cloud batch renders: one render per data row, never more than `maxInFlight` renders queued/rendering
 * at once, resumable after a crash.
 *
 * The state file is rewritten atomically after every change. A row is marked `submitting` (with its
 * `callback_id` and `Idempotency-Key`) BEFORE its create request is sent; on resume such a row is looked up
 * by `callback_id` and adopted if the service has it, so a crash between "sent" and "saved" never
 * produces a second render. Rows with a render_id are never submitted again.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CloudError, UsageError } from "../errors.js";
import type { CreateRenderRequest, HyperframesCloud, ProjectInput, RenderDetail } from "./client.js";
import { downloadFile } from "./download.js";
import { sleep } from "./http.js";
import { fileInside, slug, videoExtension, writeFileAtomic } from "./fsutil.js";

export type RowStatus = "pending" | "submitting" | "queued" | "rendering" | "completed" | "failed" | "downloaded";

export interface RowState {
  index: number;
  status: RowStatus;
  callback_id: string;
  idempotency_key: string;
  render_id?: string;
  video?: string;
  error?: string;
}

export interface BatchState {
  version: 1;
  /** identifies the job: hash of the zip, the request settings and the rows */
  job: string;
  project?: ProjectInput & { asset_id?: string };
  rows: RowState[];
  updated_at: string;
}

export interface BatchOptions {
  client: HyperframesCloud;
  rows: Record<string, unknown>[];
  /** request fields shared by every row (everything but project/variables/title/callback_id) */
  base: Omit<CreateRenderRequest, "project">;
  /** returns the project input (uploads once; not called again on resume when the state has it) */
  project: () => Promise<ProjectInput>;
  /** hash of the zip, part of the job identity */
  zipSha256: string;
  statePath: string;
  /** folder for downloaded videos (default: next to the state file) */
  outDir?: string;
  download?: boolean;
  maxInFlight?: number;
  pollIntervalMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: BatchEvent) => void;
}

export type BatchEvent =
  | { type: "submitted"; index: number; render_id: string; recovered?: boolean }
  | { type: "status"; index: number; render_id: string; status: RowStatus }
  | { type: "downloaded"; index: number; render_id: string; path: string }
  | { type: "failed"; index: number; render_id?: string; error: string }
  | { type: "resumed"; done: number; inFlight: number; pending: number };

const ACTIVE: RowStatus[] = ["submitting", "queued", "rendering"];

// The row reader is shared with local batch renders (src/data/rows.ts).
export { readRows, coerceRow } from "../data/rows.js";

async function loadState(p: string): Promise<BatchState | undefined> {
  if (!existsSync(p)) return undefined;
  try {
    const s = JSON.parse(await readFile(p, "utf8")) as BatchState;
    if (s.version !== 1 || !Array.isArray(s.rows)) throw new Error("unknown format");
    return s;
  } catch (e) {
    throw new UsageError("invalid_batch_state", `${p} is not a readable batch state file (${(e as Error).message})`, { file: p, hint: "delete it to start the batch over" });
  }
}

export interface BatchResult {
  state: BatchState;
  completed: number;
  failed: number;
  submittedThisRun: number;
}

export async function runCloudBatch(o: BatchOptions): Promise<BatchResult> {
  const maxInFlight = o.maxInFlight ?? 10;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new UsageError("invalid_option", `--max-in-flight must be a positive integer, got ${maxInFlight}`);
  const job = createHash("sha256").update(JSON.stringify([o.zipSha256, o.base, o.rows])).digest("hex").slice(0, 16);
  const outDir = o.outDir ?? path.dirname(o.statePath);
  const state = await openState(o, job);
  const save = () => saveState(o.statePath, state);
  if (!state.project) {
    state.project = await o.project();
    await save();
  }
  const run: BatchRun = { o, state, save, project: state.project as ProjectInput, title: o.base.title ?? "batch", outDir, maxInFlight, submittedThisRun: 0 };

  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason;
    // Completed-but-not-downloaded rows (e.g. a crash during download).
    for (const row of state.rows)
      if (row.status === "completed" && o.download !== false && row.render_id) await finishRow(run, row, await o.client.getRender(row.render_id, o.signal));
    await fillSlots(run);
    const inFlight = activeRows(state);
    if (inFlight.length === 0 && !state.rows.some((r) => r.status === "pending")) break;
    await sleep(o.pollIntervalMs ?? 3000, o.signal);
    await pollRows(run, inFlight);
  }
  return {
    state,
    completed: state.rows.filter((r) => r.status === "completed" || r.status === "downloaded").length,
    failed: state.rows.filter((r) => r.status === "failed").length,
    submittedThisRun: run.submittedThisRun,
  };
}

/** What the steps of one run share: the options, the state and how to save it, the uploaded project. */
interface BatchRun {
  o: BatchOptions;
  state: BatchState;
  save: () => Promise<void>;
  project: ProjectInput;
  title: string;
  outDir: string;
  maxInFlight: number;
  submittedThisRun: number;
}

async function saveState(p: string, state: BatchState): Promise<void> {
  state.updated_at = new Date().toISOString();
  await writeFileAtomic(p, JSON.stringify(state, null, 2));
}

const activeRows = (state: BatchState) => state.rows.filter((r) => ACTIVE.includes(r.status));

/** The state file of this job (a resume: announced with its counts), or a new one, saved at once. */
async function openState(o: BatchOptions, job: string): Promise<BatchState> {
  const loaded = await loadState(o.statePath);
  if (loaded && loaded.job !== job)
    throw new UsageError("batch_state_mismatch", `${o.statePath} belongs to a different batch (project, settings or rows changed)`, {
      file: o.statePath,
      hint: "delete the state file to start over, or restore the original rows/project to resume",
    });
  if (loaded) {
    const c = (s: RowStatus[]) => loaded.rows.filter((r) => s.includes(r.status)).length;
    o.onEvent?.({ type: "resumed", done: c(["completed", "downloaded", "failed"]), inFlight: c(ACTIVE), pending: c(["pending"]) });
    return loaded;
  }
  const state: BatchState = {
    version: 1,
    job,
    rows: o.rows.map((_, index) => ({
      index,
      status: "pending",
      callback_id: `${o.base.callback_id ? `${o.base.callback_id}-` : `hfb-${job}-`}${index + 1}`,
      // derived from the job (zip, settings, rows) and the row: even without this state file, a re-run of
      // the same batch re-sends the same keys, which the API answers with the renders it already made
      idempotency_key: `hfb_${createHash("sha256").update(`${job}:${index}`).digest("hex").slice(0, 40)}`,
    })),
    updated_at: "",
  };
  await saveState(o.statePath, state);
  return state;
}

/** Submit rows while there is room: interrupted submissions first (adopt or re-send), then pending rows. */
async function fillSlots(run: BatchRun): Promise<void> {
  for (const row of run.state.rows) {
    if (row.status === "submitting" && !row.render_id) {
      await submitRow(run, row); // interrupted submission (already counted as in flight): adopt or re-send
      continue;
    }
    if (row.status !== "pending") continue;
    if (activeRows(run.state).length >= run.maxInFlight) break;
    await submitRow(run, row);
  }
}

/** Ask for the status of each row in flight: finish the ended ones, record the others' changes. */
async function pollRows(run: BatchRun, inFlight: RowState[]): Promise<void> {
  const { o } = run;
  for (const row of inFlight) {
    if (!row.render_id) continue;
    const d = await o.client.getRender(row.render_id, o.signal);
    if (d.status === "completed" || d.status === "failed") await finishRow(run, row, d);
    else if (d.status !== row.status) {
      row.status = d.status;
      await run.save();
      o.onEvent?.({ type: "status", index: row.index, render_id: row.render_id, status: d.status });
    }
  }
}

/** Create the render of one row; marked `submitting` (and saved) before the request is sent. */
async function submitRow(run: BatchRun, row: RowState): Promise<void> {
  const { o, save } = run;
  if (row.status === "submitting") {
    // We may have sent it before a crash: adopt the existing render if the service has it.
    const found = await o.client.findByCallbackId(row.callback_id, o.signal);
    if (found) {
      row.render_id = found.render_id;
      row.status = found.status;
      await save();
      o.onEvent?.({ type: "submitted", index: row.index, render_id: found.render_id, recovered: true });
      return;
    }
  }
  row.status = "submitting";
  await save();
  const req: CreateRenderRequest = {
    ...o.base,
    project: run.project,
    variables: { ...(o.base.variables ?? {}), ...o.rows[row.index] },
    title: `${run.title} #${row.index + 1}`.slice(0, 500),
    callback_id: row.callback_id,
  };
  try {
    const r = await o.client.createRender(req, { idempotencyKey: row.idempotency_key, signal: o.signal });
    row.render_id = r.render_id;
    row.status = r.status;
    run.submittedThisRun++;
    await save();
    o.onEvent?.({ type: "submitted", index: row.index, render_id: r.render_id, recovered: r.recovered });
  } catch (e) {
    if (e instanceof CloudError && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429) {
      // The service refused this row (bad variables...): record it and carry on with the others.
      row.status = "failed";
      row.error = e.message;
      await save();
      o.onEvent?.({ type: "failed", index: row.index, error: e.message });
      return;
    }
    throw e; // network / 5xx after retries: stop; the row stays "submitting" and is checked on resume
  }
}

/** A row whose render ended: record the failure, or mark it completed and download the video. */
async function finishRow(run: BatchRun, row: RowState, d: RenderDetail): Promise<void> {
  const { o, save } = run;
  if (d.status === "failed") {
    row.status = "failed";
    row.error = d.failure_message ?? "render failed";
    await save();
    o.onEvent?.({ type: "failed", index: row.index, render_id: row.render_id, error: row.error });
    return;
  }
  row.status = "completed";
  await save();
  o.onEvent?.({ type: "status", index: row.index, render_id: row.render_id!, status: "completed" });
  if (o.download !== false && d.video_url) {
    // the name comes from local values only; a server format outside mp4/webm/mov is an error
    const ext = videoExtension(d, o.base.format);
    const dest = fileInside(run.outDir, `${slug(run.title)}-${String(row.index + 1).padStart(String(o.rows.length).length, "0")}.${ext}`);
    await downloadFile(d.video_url, dest, { signal: o.signal });
    row.video = dest;
    row.status = "downloaded";
    await save();
    o.onEvent?.({ type: "downloaded", index: row.index, render_id: row.render_id!, path: dest });
  }
}
