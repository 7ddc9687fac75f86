// Normalisation: page and root box, clips positioned in the root, sub-composition hosts sized.
import { cfg } from "./state.js";
import { num } from "./timing.js";

export function normalise(root: HTMLElement): void {
  const de = document.documentElement.style;
  de.margin = "0";
  de.padding = "0";
  de.overflow = "hidden";
  const bs = document.body.style;
  bs.margin = "0";
  bs.padding = "0";
  bs.overflow = "hidden";
  if (cfg.transparent) {
    de.background = "transparent";
    bs.background = "transparent";
  }
  const w = num(root.getAttribute("data-width")) ?? 1920;
  const h = num(root.getAttribute("data-height")) ?? 1080;
  if (!root.hasAttribute("data-start")) root.setAttribute("data-start", "0");
  if (getComputedStyle(root).position === "static") root.style.position = "relative";
  root.style.overflow = "hidden";
  root.style.width = `${w}px`;
  root.style.height = `${h}px`;
  root.style.setProperty("--comp-width", `${w}px`);
  root.style.setProperty("--comp-height", `${h}px`);
  const fixChild = (child: HTMLElement) => {
    if (!child.hasAttribute("data-start") || child.tagName === "AUDIO") return;
    const cs = getComputedStyle(child);
    if (cs.position === "static" || cs.position === "relative") child.style.position = "absolute";
    if (cs.top === "auto" && cs.bottom === "auto") child.style.top = "0px";
    if (cs.left === "auto" && cs.right === "auto") child.style.left = "0px";
    const r = child.getBoundingClientRect();
    const cw = num(child.getAttribute("data-width"));
    const ch = num(child.getAttribute("data-height"));
    if (cw !== null && ch !== null && child.hasAttribute("data-composition-id")) {
      child.style.width = `${cw}px`;
      child.style.height = `${ch}px`;
    } else {
      if (r.width === 0) child.style.width = "100%";
      if (r.height === 0) child.style.height = "100%";
    }
  };
  for (const child of Array.from(root.children) as HTMLElement[]) fixChild(child);
  // sub-composition hosts anywhere: instance size, and the mounted inner root fills the host
  for (const host of Array.from(root.querySelectorAll<HTMLElement>("[data-composition-id]"))) {
    const cw = num(host.getAttribute("data-width"));
    const ch = num(host.getAttribute("data-height"));
    if (host.hasAttribute("data-hf-scope")) {
      if (cw !== null && !host.style.width) host.style.width = `${cw}px`;
      if (ch !== null && !host.style.height) host.style.height = `${ch}px`;
      if (getComputedStyle(host).position === "static") host.style.position = "relative";
    } else if (host.parentElement?.closest("[data-hf-scope]") === host.parentElement) {
      // inner root mounted in a host
      host.style.position = host.style.position || "absolute";
      host.style.left = host.style.left || "0px";
      host.style.top = host.style.top || "0px";
      // as the official compiler: an inline size (its data-width/height, else 100%) that no page rule can
      // override (a page's `#root { width: 1920px }` also matches a mounted root authored with id="root")
      host.style.width = cw !== null ? `${cw}px` : "100%";
      host.style.height = ch !== null ? `${ch}px` : "100%";
    }
  }
}
