/**
 * Scrub bar with a time ruler, clip lanes per data-track-index (each expandable into the elements its clips
 * animate, anim-lanes.ts, and a "Root" group for animated elements outside every clip), and the playhead.
 */
import { $, h, formatTime } from "./dom.js";
import { animRows } from "./anim-lanes.js";
import type { AnimatedElement, Clip } from "./types.js";

const STEPS = [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

export interface TimelineHandlers {
  /** user scrubbed / clicked to time t; `final` is false while dragging */
  onSeek(t: number, final: boolean): void;
  onClip(clip: Clip): void;
  /** a tween span was clicked: seek to its start */
  onSpan(t: number): void;
}

export class Timeline {
  private duration = 0;
  private fps = 30;
  private clips: Clip[] = [];
  private animated: AnimatedElement[] = [];
  /** expanded groups ("0", "1"… per track, "root"), kept across reloads */
  private readonly open = new Set<string>();
  private clipEls: { clip: Clip; el: HTMLElement }[] = [];
  private time = 0;
  private readonly tracks = $("tracks");
  private readonly scrub = $("scrub");
  private readonly fill = $("scrub-fill");
  private readonly lanes = $("lanes");
  private readonly playhead = $("playhead");

  constructor(private readonly handlers: TimelineHandlers) {
    let dragging = false;
    const at = (ev: PointerEvent) => {
      const r = this.scrub.getBoundingClientRect();
      const x = Math.max(0, Math.min(r.width, ev.clientX - r.left));
      return this.duration > 0 ? this.snap((x / r.width) * this.duration) : 0;
    };
    this.scrub.addEventListener("pointerdown", (ev) => {
      dragging = true;
      this.scrub.setPointerCapture(ev.pointerId);
      this.handlers.onSeek(at(ev), false);
    });
    this.scrub.addEventListener("pointermove", (ev) => {
      if (dragging) this.handlers.onSeek(at(ev), false);
    });
    const end = (ev: PointerEvent) => {
      if (!dragging) return;
      dragging = false;
      this.handlers.onSeek(at(ev), true);
    };
    this.scrub.addEventListener("pointerup", end);
    this.scrub.addEventListener("pointercancel", end);
    new ResizeObserver(() => {
      this.drawRuler();
      this.placePlayhead();
    }).observe(this.scrub);
  }

  private snap(t: number): number {
    const f = Math.round(t * this.fps);
    return Math.min(this.duration, f / this.fps);
  }

  setData(duration: number, fps: number, clips: Clip[], animated: AnimatedElement[] = []): void {
    this.duration = duration;
    this.fps = fps || 30;
    this.clips = clips.filter((c) => c.start !== null && Number.isFinite(c.start));
    this.animated = animated;
    this.drawRuler();
    this.drawLanes();
    this.setTime(this.time);
  }

  setTime(t: number): void {
    this.time = t;
    this.placePlayhead();
    for (const { clip, el } of this.clipEls) {
      const end = clip.duration === null ? Infinity : clip.start! + clip.duration;
      el.classList.toggle("active", t >= clip.start! && t < end);
    }
  }

  private placePlayhead(): void {
    const tr = this.tracks.getBoundingClientRect();
    const sr = this.scrub.getBoundingClientRect();
    const frac = this.duration > 0 ? Math.min(1, this.time / this.duration) : 0;
    this.playhead.style.left = `${sr.left - tr.left + frac * sr.width}px`;
    this.fill.style.width = `${frac * 100}%`;
  }

  private drawRuler(): void {
    for (const t of Array.from(this.scrub.querySelectorAll(".tick"))) t.remove();
    const width = this.scrub.clientWidth;
    if (!(this.duration > 0) || width <= 0) return;
    const maxLabels = Math.max(2, Math.floor(width / 70));
    const step = STEPS.find((s) => this.duration / s <= maxLabels) ?? STEPS[STEPS.length - 1]!;
    const minor = step / (step >= 1 && step % 5 === 0 ? 5 : 4);
    for (let i = 0; i * minor <= this.duration + 1e-9; i++) {
      const t = i * minor;
      const major = Math.abs(t / step - Math.round(t / step)) < 1e-6;
      const tick = h("div", { class: `tick${major ? " major" : ""}`, style: `left:${(t / this.duration) * 100}%` });
      if (major && t < this.duration - step * 0.3) tick.append(h("span", {}, step < 1 ? `${t.toFixed(step < 0.25 ? 1 : 2)}s` : t >= 60 ? formatTime(t).replace(/\.00$/, "") : `${t}s`));
      this.scrub.append(tick);
    }
  }

  private drawLanes(): void {
    this.lanes.textContent = "";
    this.clipEls = [];
    const tracks = [...new Set(this.clips.map((c) => c.track))].sort((a, b) => a - b);
    const loose = this.animated.filter((e) => e.clip === null || !this.clips.some((c) => c.id === e.clip));
    if (!tracks.length && !loose.length) {
      this.lanes.append(h("div", { class: "lane" }, h("div", { class: "lab" }, ""), h("div", { class: "body" }, h("span", { class: "kbd", style: "padding:4px 8px;display:block" }, "no timed clips"))));
      return;
    }
    for (const track of tracks) {
      const body = h("div", { class: "body" });
      for (const clip of this.clips.filter((c) => c.track === track)) {
        const start = clip.start!;
        const open = clip.duration === null || !Number.isFinite(clip.duration);
        const end = open ? this.duration : Math.min(this.duration, start + clip.duration!);
        const left = this.duration > 0 ? (start / this.duration) * 100 : 0;
        const width = this.duration > 0 ? (Math.max(0, end - start) / this.duration) * 100 : 0;
        const label = `${clip.id}`;
        const el = h(
          "div",
          {
            class: `clip k-${clip.kind}${open ? " open" : ""}`,
            style: `left:${left}%;width:${width}%`,
            title: `${label} (${clip.kind}) · ${start.toFixed(2)}s → ${open ? "end" : `${(start + clip.duration!).toFixed(2)}s`}`,
            "data-clip": clip.id,
          },
          label,
        );
        el.addEventListener("click", () => this.handlers.onClip(clip));
        body.append(el);
        this.clipEls.push({ clip, el });
      }
      const ids = new Set(this.clips.filter((c) => c.track === track).map((c) => c.id));
      this.group(String(track), `Track ${track}`, body, this.animated.filter((e) => e.clip !== null && ids.has(e.clip)));
    }
    if (loose.length) this.group("root", "Root", h("div", { class: "body" }, h("span", { class: "kbd", style: "padding:4px 8px;display:block" }, `${loose.length} animated outside clips`)), loose);
  }

  /** A lane (label + body) and, when it is expanded, the rows of the elements animated in it. */
  private group(key: string, label: string, body: HTMLElement, elements: AnimatedElement[]): void {
    const lab = h("div", { class: "lab" });
    if (elements.length) {
      const expanded = this.open.has(key);
      const toggle = h("button", { class: "toggle", "aria-expanded": String(expanded), title: `${expanded ? "Hide" : "Show"} the ${elements.length} animated element(s)`, "data-toggle": key }, `${expanded ? "▾" : "▸"} ${label}`);
      toggle.addEventListener("click", () => {
        if (expanded) this.open.delete(key);
        else this.open.add(key);
        this.drawLanes();
        this.setTime(this.time);
      });
      lab.append(toggle);
    } else lab.append(label);
    this.lanes.append(h("div", { class: "lane", "data-track": key }, lab, body));
    if (this.open.has(key)) this.lanes.append(...animRows(elements, this.duration, key, (t) => this.handlers.onSpan(t)));
  }
}
