/**
 * Local draft renders started from the preview's "Render" button: one job at a time, progress kept in
 * memory for polling (`GET /__hyperframes/render/<id>`) and pushed over SSE (`.../events`).
 */
import path from "node:path";
import { mkdirSync } from "node:fs";
import { UsageError, isHyperframesError } from "../errors.js";
import { render, type RenderProgress } from "../render/render.js";

export type RenderJobStatus = "running" | "done" | "error" | "cancelled";

/** What the preview's render settings offer (png-sequence writes a folder, which the history does not list). */
export const PREVIEW_FORMATS = ["mp4", "webm", "mov", "gif"] as const;
export const PREVIEW_QUALITIES = ["draft", "standard", "high"] as const;

export interface RenderSettings {
  quality: (typeof PREVIEW_QUALITIES)[number];
  format: (typeof PREVIEW_FORMATS)[number];
  /** frames per second (default: the composition's) */
  fps?: number;
}

export interface RenderJobRequest extends Partial<RenderSettings> {
  /** project-relative composition file */
  composition: string;
  variables?: Record<string, unknown>;
}

/** The settings of a render request body, checked (draft mp4 at the composition's fps unless told). */
export function renderSettings(body: { quality?: unknown; format?: unknown; fps?: unknown }): RenderSettings {
  const pick = <T extends string>(name: string, v: unknown, allowed: readonly T[], dflt: T): T => {
    if (v === undefined || v === null || v === "") return dflt;
    if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
    throw new UsageError("preview_bad_render_setting", `${name} ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`, { hint: `use one of ${allowed.join(", ")}` });
  };
  const out: RenderSettings = { quality: pick("quality", body.quality, PREVIEW_QUALITIES, "draft"), format: pick("format", body.format, PREVIEW_FORMATS, "mp4") };
  if (body.fps !== undefined && body.fps !== null && body.fps !== "") {
    const fps = Number(body.fps);
    if (!Number.isFinite(fps) || fps <= 0 || fps > 240) throw new UsageError("preview_bad_render_setting", `fps ${JSON.stringify(body.fps)} is not a frame rate between 0 and 240`, { hint: "use e.g. 24, 30 or 60" });
    out.fps = fps;
  }
  return out;
}

export interface RenderJobState {
  id: string;
  status: RenderJobStatus;
  composition: string;
  settings: RenderSettings;
  startedAt: number;
  finishedAt?: number;
  /** the render's last progress report */
  progress: RenderProgress;
  /** project-relative output path and the URL the preview serves it at */
  output?: string;
  url?: string;
  frames?: number;
  error?: { message: string; code?: string; hint?: string };
}

type Listener = (s: RenderJobState) => void;

export class RenderJobs {
  private jobs = new Map<string, RenderJobState>();
  private controllers = new Map<string, AbortController>();
  private listeners = new Map<string, Set<Listener>>();
  private seq = 0;

  constructor(
    private readonly projectDir: string,
    private readonly opts: { allowNetwork?: boolean } = {},
  ) {}

  get(id: string): RenderJobState | undefined {
    return this.jobs.get(id);
  }

  running(): RenderJobState | undefined {
    for (const j of this.jobs.values()) if (j.status === "running") return j;
    return undefined;
  }

  subscribe(id: string, fn: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(fn);
    return () => set!.delete(fn);
  }

  private emit(job: RenderJobState): void {
    for (const fn of this.listeners.get(job.id) ?? []) fn(job);
  }

  start(req: RenderJobRequest): RenderJobState {
    const busy = this.running();
    if (busy) throw new UsageError("render_busy", `a render of ${busy.composition} is already running`, { hint: "wait for it to finish or cancel it" });
    const id = `r${Date.now().toString(36)}${(++this.seq).toString(36)}`;
    const stem = path.basename(req.composition, path.extname(req.composition));
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
    const ext = req.format ?? "mp4";
    const rel = `renders/${stem}-preview-${stamp}.${ext}`;
    mkdirSync(path.join(this.projectDir, "renders"), { recursive: true });
    const job: RenderJobState = {
      id,
      status: "running",
      composition: req.composition,
      settings: { quality: req.quality ?? "draft", format: req.format ?? "mp4", ...(req.fps ? { fps: req.fps } : {}) },
      startedAt: Date.now(),
      progress: { phase: "prepare", stage: "load", stageProgress: 0, frame: 0, total: 0, encoded: 0, fps: 0, etaSeconds: 0, elapsedMs: 0 },
    };
    this.jobs.set(id, job);
    const ac = new AbortController();
    this.controllers.set(id, ac);
    void render({
      project: this.projectDir,
      composition: req.composition,
      output: path.join(this.projectDir, rel),
      quality: req.quality ?? "draft",
      format: req.format,
      fps: req.fps,
      variables: req.variables,
      allowNetwork: this.opts.allowNetwork,
      signal: ac.signal,
      onProgress: (p) => {
        job.progress = p;
        this.emit(job);
      },
    })
      .then((r) => {
        const out = path.relative(this.projectDir, r.output).split(path.sep).join("/");
        job.status = "done";
        job.output = out;
        job.url = out.startsWith("..") ? undefined : `/${out.split("/").map(encodeURIComponent).join("/")}`;
        job.frames = r.frames;
        const total = job.progress.total || r.frames;
        job.progress = { ...job.progress, phase: "done", stage: "done", stageProgress: 1, frame: total, total, encoded: total, etaSeconds: 0 };
      })
      .catch((e: unknown) => {
        if (ac.signal.aborted) {
          job.status = "cancelled";
          return;
        }
        job.status = "error";
        job.error = isHyperframesError(e)
          ? { message: e.message, code: e.code, hint: e.hint }
          : { message: (e as Error)?.message ?? String(e) };
      })
      .finally(() => {
        job.finishedAt = Date.now();
        this.controllers.delete(id);
        this.emit(job);
      });
    return job;
  }

  cancel(id: string): boolean {
    const ac = this.controllers.get(id);
    if (!ac) return false;
    ac.abort();
    return true;
  }

  /** Abort everything (server shutdown) and wait briefly for the renders to stop. */
  async closeAll(timeoutMs = 5000): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.status === "running");
    for (const ac of this.controllers.values()) ac.abort();
    if (!running.length) return;
    await Promise.race([
      Promise.all(running.map((j) => new Promise<void>((res) => (j.status !== "running" ? res() : this.subscribe(j.id, (s) => s.status !== "running" && res()))))),
      new Promise((res) => setTimeout(res, timeoutMs).unref()),
    ]);
  }
}
