/**
 * The animated elements under a clip lane of the timeline: one row per element with a span per tween (GSAP),
 * CSS animation or WAAPI animation, from the runtime's inventory (window.__hf.animated()); a click on a span
 * seeks to its start.
 */
import { h } from "./dom.js";
import type { AnimatedElement } from "./types.js";

function fmt(t: number): string {
  return `${t.toFixed(2)}s`;
}

/** The rows of `elements` on a timeline `duration` seconds long. */
export function animRows(elements: AnimatedElement[], duration: number, group: string, onSpan: (t: number) => void): HTMLElement[] {
  return elements.map((e) => {
    const body = h("div", { class: "body" });
    for (const s of e.spans) {
      const left = duration > 0 ? (Math.min(s.start, duration) / duration) * 100 : 0;
      const width = duration > 0 ? (Math.max(0, Math.min(s.end, duration) - Math.min(s.start, duration)) / duration) * 100 : 0;
      const span = h("div", {
        class: `span k-${s.kind}`,
        style: `left:${left}%;width:${width}%`,
        title: `${e.label} · ${s.kind}${s.what ? ` ${s.what}` : ""} · ${fmt(s.start)} → ${fmt(s.end)}`,
        "data-start": String(s.start),
      });
      span.addEventListener("click", () => onSpan(s.start));
      body.append(span);
    }
    return h("div", { class: "lane anim", "data-group": group, "data-element": e.label }, h("div", { class: "lab", title: e.label }, e.label), body);
  });
}
