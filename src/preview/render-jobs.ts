/**
 * Local draft renders started from the preview's "Render" button: one job at a time, progress kept in
 * memory for polling (`GET /__hyperframes/render/<id>`) and pushed over SSE (`.../events`).
 */
import path from "node:path";
import { mkdirSync } from "node:fs";
import { UsageError, isHyperframesError } from "../errors.js";
import { render } from "../render/render.js";

export type RenderJobStatus = "running" | "done" | "error" | "cancelled";

export interface RenderJobRequest {
  /** project-relative composition file */
  composition: string;
  variables?: Record<string, unknown>;
  quality?: "draft" | "standard" | "high";
  fps?: number;
  format?: "mp4" | "webm" | "mov";
}

export interface RenderJobState {
  id: string;
  status: RenderJobStatus;
  composition: string;
  startedAt: number;
  finishedAt?: number;
  progress: { phase: string; frame: number; total: number; fps: number; etaSeconds: number; message?: string };
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
      startedAt: Date.now(),
      progress: { phase: "prepare", frame: 0, total: 0, fps: 0, etaSeconds: 0 },
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
        job.progress = { phase: p.phase, frame: p.frame, total: p.total, fps: p.fps, etaSeconds: p.etaSeconds, message: p.message };
        this.emit(job);
      },
    })
      .then((r) => {
        const out = path.relative(this.projectDir, r.output).split(path.sep).join("/");
        job.status = "done";
        job.output = out;
        job.url = out.startsWith("..") ? undefined : `/${out.split("/").map(encodeURIComponent).join("/")}`;
        job.frames = r.frames;
        job.progress = { ...job.progress, phase: "done", frame: job.progress.total || r.frames, total: job.progress.total || r.frames, etaSeconds: 0 };
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
