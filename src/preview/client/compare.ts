/**
 * "Compare with the last render": the newest rendered video of this composition (from renders/) over the
 * live preview, at the player's time — at half opacity (overlay), or in the right half (split: live on the
 * left, render on the right) — so what the preview shows can be checked against what renders. Off → overlay
 * → split → off.
 */
import { $, h, toast } from "./dom.js";
import type { RenderFile } from "./types.js";

export type CompareMode = "off" | "overlay" | "split";
const NEXT: Record<CompareMode, CompareMode> = { off: "overlay", overlay: "split", split: "off" };

export class Compare {
  mode: CompareMode = "off";
  /** the render shown (project-relative), when on */
  file = "";
  private readonly btn = $<HTMLButtonElement>("compare-btn");
  private video: HTMLVideoElement | null = null;
  private time = 0;

  constructor(
    private readonly box: HTMLElement,
    /** the renders of the project, newest first (refreshed on each call) */
    private readonly renders: () => Promise<RenderFile[]>,
    private readonly composition: () => string,
  ) {
    this.btn.addEventListener("click", () => void this.cycle());
  }

  async cycle(): Promise<void> {
    const next = NEXT[this.mode];
    if (next === "off") return this.set("off");
    if (!this.video) {
      const stem = this.composition().replace(/^.*\//, "").replace(/\.html?$/i, "");
      const latest = (await this.renders()).find((f) => f.kind === "video" && f.name.startsWith(`${stem}-`));
      if (!latest) return toast(`No rendered video of ${this.composition()} in renders/ yet: render it first`);
      this.file = latest.file;
      this.video = h("video", { id: "compare-video", src: latest.url, muted: true, preload: "auto", playsInline: true });
      this.box.append(this.video, h("div", { id: "compare-divider" }));
      this.setTime(this.time);
    }
    this.set(next);
  }

  set(mode: CompareMode): void {
    this.mode = mode;
    if (mode === "off") {
      this.video?.remove();
      this.box.querySelector("#compare-divider")?.remove();
      this.video = null;
      this.file = "";
    }
    this.box.dataset.compare = mode;
    this.btn.classList.toggle("on", mode !== "off");
    this.btn.textContent = mode === "off" ? "Compare" : `Compare: ${mode}`;
    this.btn.title = mode === "off" ? "Compare with the last render (overlay, then split)" : `Showing ${this.file} (${mode}); click for ${NEXT[mode]}`;
  }

  /** Show the render's frame at composition time `t`. */
  setTime(t: number): void {
    this.time = t;
    const v = this.video;
    if (!v) return;
    const target = t + 1e-3;
    if (Math.abs(v.currentTime - target) > 1e-3) v.currentTime = target;
  }
}
