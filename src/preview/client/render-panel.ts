/** The "Render" action: starts a local draft render of the current composition and variables, shows progress and the result. */
import { $, h } from "./dom.js";
import type { RenderJob } from "./types.js";

/** Headers of the player's state-changing requests: the server refuses any without them (guard.ts). */
function apiHeaders(): Record<string, string> {
  return { "Content-Type": "application/json", "X-Hyperframes-Token": String((window as any).__HF_API_TOKEN ?? "") };
}

export class RenderPanel {
  private readonly el = $("render-panel");
  private readonly btn = $<HTMLButtonElement>("render-btn");
  private job: RenderJob | null = null;
  private source: EventSource | null = null;

  constructor(private readonly current: () => { composition: string; variables: Record<string, unknown> }) {
    this.btn.addEventListener("click", () => void this.start());
  }

  async start(): Promise<void> {
    if (this.job?.status === "running") return;
    const { composition, variables } = this.current();
    this.btn.disabled = true;
    this.draw({ id: "", status: "running", composition, progress: { frame: 0, total: 0, fps: 0, etaSeconds: 0 } });
    try {
      const r = await fetch("/__hyperframes/render", {
        method: "POST",
        headers: apiHeaders(),
        body: JSON.stringify({ composition, variables, quality: "draft" }),
      });
      const body = await r.json();
      if (!r.ok) throw new Error(body?.error?.message ?? `HTTP ${r.status}`);
      this.follow(body as RenderJob);
    } catch (e) {
      this.btn.disabled = false;
      this.draw({ id: "", status: "error", composition, progress: { frame: 0, total: 0, fps: 0, etaSeconds: 0 }, error: { message: (e as Error).message } });
    }
  }

  private follow(job: RenderJob): void {
    this.draw(job);
    this.source?.close();
    const es = new EventSource(`/__hyperframes/render/${job.id}/events`);
    this.source = es;
    es.onmessage = (ev) => {
      const j = JSON.parse(ev.data) as RenderJob;
      this.draw(j);
      if (j.status !== "running") {
        es.close();
        this.btn.disabled = false;
      }
    };
    es.onerror = () => {
      // fall back to one poll; SSE reconnects by itself while the server is up
      void fetch(`/__hyperframes/render/${job.id}`)
        .then((r) => r.json())
        .then((j: RenderJob) => {
          this.draw(j);
          if (j.status !== "running") {
            es.close();
            this.btn.disabled = false;
          }
        })
        .catch(() => undefined);
    };
  }

  private draw(job: RenderJob): void {
    this.job = job;
    const el = this.el;
    el.textContent = "";
    el.classList.add("show");
    const p = job.progress;
    const pct = job.status === "done" ? 100 : p.total > 0 ? Math.round((p.frame / p.total) * 100) : 0;
    const label = { running: "Rendering draft…", done: "Render finished", error: "Render failed", cancelled: "Render cancelled" }[job.status];
    const head = h("div", { class: "title" }, h("strong", {}, label), h("span", { class: "kbd" }, `${pct}%`));
    el.append(head);
    const bar = h("div", { class: "bar" }, h("i", { style: `width:${pct}%` }));
    el.append(bar);
    if (job.status === "running") {
      const phase = p.phase && p.phase !== "capture" ? `${p.phase}${p.message ? `: ${p.message}` : ""} · ` : "";
      el.append(h("div", { class: "info" }, p.total ? `${phase}frame ${p.frame}/${p.total} · ${p.fps.toFixed(1)} fps · ETA ${Math.ceil(p.etaSeconds)}s` : `${phase || "preparing · "}starting the browser…`));
      if (job.id) {
        const cancel = h("button", { class: "btn", style: "margin-top:8px" }, "Cancel");
        cancel.addEventListener("click", () => void fetch(`/__hyperframes/render/${job.id}/cancel`, { method: "POST", headers: apiHeaders(), body: "{}" }));
        el.append(cancel);
      }
    } else if (job.status === "done") {
      el.append(h("div", { class: "info" }, `${job.frames ?? p.total} frames → `, job.url ? h("a", { href: job.url, target: "_blank", id: "render-link" }, job.output ?? "output") : job.output ?? ""));
      if (job.url && /\.(mp4|webm|mov)$/i.test(job.url)) el.append(h("video", { src: job.url, controls: true, muted: true, preload: "metadata" }));
    } else if (job.status === "error") {
      el.append(h("div", { class: "err" }, `${job.error?.message ?? "unknown error"}${job.error?.hint ? `\n→ ${job.error.hint}` : ""}`));
    }
  }
}
