// Timelines: binding window.__timelines (root and child compositions), seeking them, the composition's duration.
import { adapters, state, W, warnings, type AnyObj } from "./state.js";
import { mediaStartOf, num, rateOf } from "./timing.js";
import { startOfAnimationTarget } from "./animations.js";

const isTimeline = (t: any): boolean =>
  !!t && typeof t.duration === "function" && (typeof t.totalTime === "function" || typeof t.seek === "function");

export function bindTimelines(): void {
  const reg = W.__timelines;
  if (Array.isArray(reg)) {
    const obj: AnyObj = {};
    if (reg.length === 1) obj[state.rootId] = reg[0];
    else reg.forEach((t, i) => (obj[`tl-${i}`] = t));
    W.__timelines = obj;
  }
  const timelines: AnyObj = W.__timelines;
  const hosts = Array.from(document.querySelectorAll<HTMLElement>("[data-composition-id]")).filter((h) => h !== state.root);
  const childIds = new Set(hosts.map((h) => h.getAttribute("data-composition-id")!));
  let root = timelines[state.rootId];
  if (!isTimeline(root)) {
    const usable = Object.entries(timelines).filter(([k, t]) => isTimeline(t) && !childIds.has(k));
    root = usable.length === 1 ? usable[0]![1] : null;
    if (!root && !state.root!.hasAttribute("data-no-timeline") && Object.keys(timelines).length > 0)
      warnings.push(`no timeline is registered under window.__timelines["${state.rootId}"]; the animation will freeze at t=0`);
  }
  state.rootTl = root;
  if (root && typeof root.pause === "function") root.pause();
  const seen = new Set<any>([root]);
  state.children = [];
  for (const host of hosts) {
    // the host (data-hf-scope) and its mounted inner root share an id: bind once, on the outer one
    if (host.parentElement?.closest("[data-hf-scope]") === host.parentElement && host.parentElement!.getAttribute("data-composition-id") === host.getAttribute("data-composition-id")) continue;
    const id = host.getAttribute("data-composition-id")!;
    const scoped = host.getAttribute("data-hf-scope");
    const tl = (scoped && W.__hfScopedTimelines?.[scoped]) || timelines[id];
    if (!isTimeline(tl) || seen.has(tl)) continue;
    seen.add(tl);
    if (typeof tl.pause === "function") tl.pause();
    const t = state.byEl.get(host);
    state.children.push({ tl, host, start: t ? t.start : 0, playbackStart: mediaStartOf(host), rate: rateOf(host) });
  }
}

export function tlDuration(tl: AnyObj): number {
  try {
    return typeof tl.totalDuration === "function" ? tl.totalDuration() : tl.duration();
  } catch {
    return 0;
  }
}
export function seekTl(tl: AnyObj, t: number): void {
  const target = Math.max(0, Math.min(t, tlDuration(tl)));
  if (typeof tl.totalTime === "function") {
    if (Math.abs(tl.totalTime() - target) < 1e-9) tl.totalTime(target + 0.001, false);
    tl.totalTime(target, false);
  } else tl.seek(target);
}

export function computeDuration(): number {
  const root = state.root!;
  let d = num(root.getAttribute("data-duration")) ?? num(root.getAttribute("data-composition-duration")) ?? 0;
  state.staticDuration = d;
  if (state.rootTl) {
    const td = tlDuration(state.rootTl);
    if (td > 1 / 60) d = Math.max(d, td);
  }
  for (const t of state.timed) {
    if ((t.kind === "video" || t.kind === "audio" || t.kind === "composition") && Number.isFinite(t.end)) d = Math.max(d, t.end);
  }
  for (const c of state.children) d = Math.max(d, c.start + tlDuration(c.tl) / c.rate);
  if (d === 0) {
    // Lottie lengths (totalFrames / frameRate), then CSS / WAAPI inferred ends
    d = Math.max(d, adapters.inferredDuration());
    for (const a of document.getAnimations()) {
      const end = (a.effect?.getComputedTiming().endTime as number) ?? 0;
      if (Number.isFinite(end)) d = Math.max(d, end / 1000 + startOfAnimationTarget(a));
    }
  }
  return d;
}
