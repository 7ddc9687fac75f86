/**
 * The "Render" panel: the Render button opens it with the settings (format, quality, fps, the current
 * variables), Start renders the current composition locally, progress follows over SSE with a cancel
 * button, and the history of renders/ (render-history.ts) is listed below, refreshed after each render.
 */
import { $, h } from "./dom.js";
import { apiHeaders } from "./api.js";
import { RenderHistory } from "./render-history.js";
import type { RenderJob } from "./types.js";
import { progressDetail, stagePercent, type ProgressView } from "../../render/progress-text.js";

export interface RenderTarget {
  composition: string;
  variables: Record<string, unknown>;
  fps: number;
  /** sub-compositions render as part of a page, not alone */
  sub: boolean;
}

export class RenderPanel {
  private readonly el = $("render-panel");
  private readonly btn = $<HTMLButtonElement>("render-btn");
  private readonly start = $<HTMLButtonElement>("render-start");
  private readonly progress = $("render-progress");
  private readonly fps = $<HTMLInputElement>("render-fps");
  readonly history = new RenderHistory();
  private job: RenderJob | null = null;
  private source: EventSource | null = null;

  constructor(private readonly current: () => RenderTarget) {
    this.btn.addEventListener("click", () => this.toggle());
    $("render-close").addEventListener("click", () => this.toggle(false));
    $<HTMLFormElement>("render-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.run();
    });
    void this.history.refresh();
  }

  get open(): boolean {
    return this.el.classList.contains("show");
  }

  toggle(force?: boolean): void {
    const show = force ?? !this.open;
    this.el.classList.toggle("show", show);
    this.btn.setAttribute("aria-expanded", String(show));
    if (show) {
      this.showTarget();
      void this.history.refresh();
    }
  }

  /** Fill the settings with what will be rendered: the composition's fps, the current variables. */
  showTarget(): void {
    const t = this.current();
    this.fps.placeholder = String(t.fps);
    $("render-vars").textContent = Object.keys(t.variables).length ? JSON.stringify(t.variables, null, 1) : "defaults (no overrides)";
    const running = this.job?.status === "running";
    this.start.disabled = running || t.sub;
    this.start.title = t.sub ? `${t.composition} is a sub-composition: open a page that mounts it to render` : "";
    this.start.textContent = t.sub ? "Sub-compositions render with their page" : "Start render";
  }

  async run(): Promise<void> {
    if (this.job?.status === "running") return;
    const { composition, variables } = this.current();
    const settings = {
      format: $<HTMLSelectElement>("render-format").value,
      quality: $<HTMLSelectElement>("render-quality").value,
      ...(this.fps.value ? { fps: Number(this.fps.value) } : {}),
    };
    this.start.disabled = true;
    this.draw({ id: "", status: "running", composition, progress: { frame: 0, total: 0, fps: 0, etaSeconds: 0 } });
    try {
      const r = await fetch("/__hyperframes/render", { method: "POST", headers: apiHeaders(), body: JSON.stringify({ composition, variables, ...settings }) });
      const body = await r.json();
      if (!r.ok) throw new Error(`${body?.error?.message ?? `HTTP ${r.status}`}${body?.error?.hint ? `\n→ ${body.error.hint}` : ""}`);
      this.follow(body as RenderJob);
    } catch (e) {
      this.draw({ id: "", status: "error", composition, progress: { frame: 0, total: 0, fps: 0, etaSeconds: 0 }, error: { message: (e as Error).message } });
      this.finished();
    }
  }

  private finished(): void {
    this.showTarget();
    void this.history.refresh();
  }

  private follow(job: RenderJob): void {
    this.draw(job);
    this.source?.close();
    const es = new EventSource(`/__hyperframes/render/${job.id}/events`);
    this.source = es;
    const update = (j: RenderJob) => {
      this.draw(j);
      if (j.status !== "running") {
        es.close();
        this.finished();
      }
    };
    es.onmessage = (ev) => update(JSON.parse(ev.data) as RenderJob);
    // fall back to one poll; SSE reconnects by itself while the server is up
    es.onerror = () =>
      void fetch(`/__hyperframes/render/${job.id}`)
        .then((r) => r.json())
        .then((j: RenderJob) => update(j))
        .catch(() => undefined);
  }

  /** Draw the job; while it runs, only the numbers change (the Cancel button stays the same element, so a click lands). */
  private draw(job: RenderJob): void {
    const same = this.job?.id === job.id && this.job.status === job.status && !!job.id;
    this.job = job;
    const el = this.progress;
    const p = job.progress;
    // the percentage of the stage running now (capture, then the encoder's tail, …), as on the command line
    const pct = job.status === "done" ? 100 : p.stage ? stagePercent({ stageProgress: p.stageProgress ?? 0 }) : 0;
    const label = { running: "Rendering…", done: "Render finished", error: "Render failed", cancelled: "Render cancelled" }[job.status];
    if (!same) {
      el.textContent = "";
      el.append(h("div", { class: "title" }, h("strong", {}, label), h("span", { class: "kbd pct" })), h("div", { class: "bar" }, h("i")));
      if (job.status === "running") {
        el.append(h("div", { class: "info" }));
        if (job.id) {
          const cancel = h("button", { class: "btn", id: "render-cancel", type: "button", style: "margin-top:8px" }, "Cancel");
          cancel.addEventListener("click", () => void fetch(`/__hyperframes/render/${job.id}/cancel`, { method: "POST", headers: apiHeaders(), body: "{}" }));
          el.append(cancel);
        }
      } else if (job.status === "done") {
        el.append(h("div", { class: "info" }, `${job.frames ?? p.total} frames → `, job.url ? h("a", { href: job.url, target: "_blank", id: "render-link" }, job.output ?? "output") : job.output ?? ""));
      } else if (job.status === "error") {
        el.append(h("div", { class: "err" }, `${job.error?.message ?? "unknown error"}${job.error?.hint ? `\n→ ${job.error.hint}` : ""}`));
      }
    }
    el.querySelector<HTMLElement>(".pct")!.textContent = `${pct}%`;
    el.querySelector<HTMLElement>(".bar i")!.style.width = `${pct}%`;
    if (job.status === "running") {
      el.querySelector<HTMLElement>(".info")!.textContent = p.stage && p.total ? `${p.stage}: ${progressDetail(p as ProgressView)}` : "load: starting the browser…";
    }
  }
}
