/**
 * The HyperFrames in-page runtime. Injected first in <head> by the render file server and the preview
 * plugin (never authored). Implements the composition contract (shared/spec/composition-contract.md):
 * root resolution and normalisation, clip timing (relative starts, host offsets) and half-open
 * visibility windows gated by timed ancestors, binding of window.__timelines (child compositions'
 * timelines seeked at their host's start), frame-quantised seeking, CSS-animation and WAAPI adapters
 * (anime.js and Lottie ones in adapters.ts),
 * variables (getVariables, data-var-* bindings, --<id> custom properties), scoped sub-composition
 * scripts, a virtual clock (render mode), readiness and the `window.__hf` bridge.
 */
import { installVirtualTime, type VirtualTime } from "./virtual-time.js";
import { createScope } from "./scope.js";
import { promoteMovingBoxes } from "./draft-layers.js";
import { createAdapters } from "./adapters.js";
import { mapLine, type LineMap } from "../line-map.js";

type AnyObj = Record<string, any>;
const W = window as any;

interface RuntimeConfig {
  mode: "render" | "preview";
  fps: number;
  variables?: AnyObj;
  /** ms to wait for a timeline after load before continuing without one */
  timelineWaitMs?: number;
  /** transparent background (webm/mov with alpha) */
  transparent?: boolean;
  /** draft render: plain boxes GSAP only moves get their own layer (see draft-layers.ts) */
  draftLayers?: boolean;
  /** where each line of this page comes from in the author's files (compile.ts, inject.ts) */
  lineMap?: LineMap;
}

const cfg: RuntimeConfig = Object.assign({ mode: "preview", fps: 30, timelineWaitMs: 3000 }, W.__HF_CONFIG || {});
const isRender = cfg.mode === "render";
const vt: VirtualTime | null = isRender ? installVirtualTime() : null;

// ---------------------------------------------------------------------------------------------
// Errors and warnings visible to the host (render/preview)
const errors: string[] = [];
const warnings: string[] = [];
/** The author's file and line of a line of this page (null: another file, or code the toolkit added). */
function mapLocation(filename: string | undefined, line: number): { file: string; line: number } | null {
  if (!filename || filename.split("#")[0] !== location.href.split("#")[0]) return null;
  return mapLine(cfg.lineMap, line);
}
W.__hfMapLocation = mapLocation;
/** ` (index.html:12)`, ` (js/app.js:3)` for a script file of the project, or ` (in code added by hyperframes)`. */
function whereText(filename: string | undefined, line: number): string {
  if (!filename) return "";
  const at = mapLocation(filename, line);
  if (at) return ` (${at.file}:${at.line})`;
  const isPage = filename.split("#")[0] === location.href.split("#")[0];
  if (isPage && cfg.lineMap) return " (in code added by hyperframes)";
  return ` (${filename.startsWith(location.origin + "/") ? filename.slice(location.origin.length + 1) : filename}:${line})`;
}
window.addEventListener("error", (e) => {
  const where = whereText(e.filename, e.lineno);
  errors.push(`${e.message}${where}`);
  postToParent({ type: "error", message: `${e.message}${where}` });
});
/** Where an error was thrown, as whereText gives it: its first stack frame in the author's page, else its first frame. */
function whereThrown(err: unknown): string {
  const stack = String((err as { stack?: unknown })?.stack ?? "");
  const frames = [...stack.matchAll(/(https?:\/\/[^\s)]+):(\d+):\d+/g)];
  const own = frames.find((m) => mapLocation(m[1], Number(m[2])));
  const m = own ?? frames[0];
  return m ? whereText(m[1], Number(m[2])) : "";
}
window.addEventListener("unhandledrejection", (e) => {
  const reason = (e as PromiseRejectionEvent).reason;
  errors.push(`Unhandled promise rejection: ${String(reason?.message ?? reason)}${whereThrown(reason)}`);
});

function postToParent(msg: AnyObj): void {
  try {
    if (window.parent && window.parent !== window) window.parent.postMessage({ source: "hf-preview", protocolVersion: 1, ...msg }, "*");
  } catch {
    /* cross-origin parent: ignore */
  }
}

// ---------------------------------------------------------------------------------------------
// Variables (available before any page script runs)
function parseVarDecls(el: Element | null): AnyObj[] {
  const raw = el?.getAttribute("data-composition-variables");
  if (!raw) return [];
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v) ? v : [];
  } catch {
    warnings.push(`data-composition-variables on <${el!.tagName.toLowerCase()}> is not valid JSON`);
    return [];
  }
}
function declDefaults(decls: AnyObj[]): AnyObj {
  const out: AnyObj = {};
  for (const d of decls) if (d && typeof d.id === "string" && "default" in d) out[d.id] = d.default;
  return out;
}
W.__hfVariables = W.__hfVariables || cfg.variables || {};
W.__hfVariablesByComp = W.__hfVariablesByComp || {};
let topDefaults: AnyObj | null = null;
function topLevelDefaults(): AnyObj {
  // <html> declarations plus those on top-level roots (later wins). Re-read until the body exists.
  const decls = parseVarDecls(document.documentElement);
  if (document.body) {
    for (const el of Array.from(document.querySelectorAll("[data-composition-variables]"))) {
      if (el !== document.documentElement && !el.closest("[data-hf-scope]")) decls.push(...parseVarDecls(el));
    }
    topDefaults = declDefaults(decls);
    return topDefaults;
  }
  return topDefaults ?? declDefaults(decls);
}
function getVariables(): AnyObj {
  return { ...topLevelDefaults(), ...(W.__hfVariables || {}) };
}
function cssVarValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  let s: string;
  if (typeof v === "object") s = String((v as AnyObj).url ?? (v as AnyObj).name ?? JSON.stringify(v));
  else s = String(v);
  return s.replace(/[;{}<>\n\r]/g, "");
}
function slug(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}
function applyCssVariables(el: HTMLElement, values: AnyObj, overrides: AnyObj): void {
  for (const [k, v] of Object.entries(values)) {
    const s = cssVarValue(v);
    if (s === null) continue;
    const isOverride = Object.prototype.hasOwnProperty.call(overrides, k);
    for (const name of new Set([`--${k}`, `--${slug(k)}`])) {
      if (isOverride || !el.style.getPropertyValue(name)) el.style.setProperty(name, s);
    }
  }
}
W.__hyperframes = Object.assign(W.__hyperframes || {}, {
  getVariables,
  fitTextFontSize(el: HTMLElement, opts: { min?: number; max?: number } = {}) {
    const min = opts.min ?? 8;
    let size = opts.max ?? 200;
    el.style.fontSize = size + "px";
    while (size > min && (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight)) {
      size -= 1;
      el.style.fontSize = size + "px";
    }
    return size;
  },
});
// Custom properties on <html> immediately, so CSS sees them from the first style pass.
applyCssVariables(document.documentElement, getVariables(), W.__hfVariables);

// WAAPI: remember animations created by page scripts (document.getAnimations also finds them).
const waapiCreated = new WeakMap<Animation, number>();
const origAnimate = Element.prototype.animate;
Element.prototype.animate = function (this: Element, ...args: any[]) {
  const a = (origAnimate as any).apply(this, args) as Animation;
  waapiCreated.set(a, state.time);
  return a;
};

W.__timelines = W.__timelines || {};

// anime.js and Lottie instances (window.__hfAnime, window.__hfLottie, v3 anime.running, lottie's registry)
const adapters = createAdapters((m) => warnings.push(m));

// Scoped sub-composition scripts call this (see compile.ts).
W.__hfScope = (scopeId: string) => createScope(scopeId, getVariables);

// ---------------------------------------------------------------------------------------------
// Timing model
interface Timed {
  el: HTMLElement;
  start: number;
  duration: number | null;
  end: number;
  parent: Timed | null;
  kind: string;
  track: number;
  compositionId: string;
  hasTimedDescendants: boolean;
  inFlow: boolean;
  origDisplay: string;
}
const state = {
  initialized: false,
  time: 0,
  root: null as HTMLElement | null,
  rootId: "",
  timed: [] as Timed[],
  byEl: new Map<Element, Timed>(),
  rootTl: null as AnyObj | null,
  children: [] as { tl: AnyObj; host: HTMLElement; start: number; playbackStart: number; rate: number }[],
  duration: 0,
  staticDuration: 0,
  playing: false,
  rate: 1,
  videoFrames: null as null | Record<string, { urlPrefix: string; count: number; ext: string }>,
  /** start and duration resolution of the timing model (set by buildTiming) */
  resolveStart: null as null | ((el: HTMLElement) => number),
  durationOf: null as null | ((el: HTMLElement, start: number) => number | null),
};

function findRoot(): HTMLElement | null {
  const explicit = document.querySelector('[data-composition-id][data-root="true"]');
  if (explicit) return explicit as HTMLElement;
  for (const el of Array.from(document.querySelectorAll("[data-composition-id]"))) {
    if (!el.parentElement?.closest("[data-composition-id]")) return el as HTMLElement;
  }
  return document.querySelector("[data-composition-id]") as HTMLElement | null;
}

const num = (v: string | null | undefined): number | null => {
  if (v === null || v === undefined || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

function kindOf(el: Element): string {
  const tag = el.tagName.toLowerCase();
  if (el.hasAttribute("data-composition-id")) return "composition";
  if (tag === "video" || tag === "audio" || tag === "img") return tag;
  return "scene";
}

function buildTiming(root: HTMLElement): void {
  const els = Array.from(root.querySelectorAll<HTMLElement>("[data-start]"));
  const startCache = new Map<Element, number>();
  const visiting = new Set<Element>();

  const durationOf = (el: HTMLElement, start: number): number | null => {
    const d = num(el.getAttribute("data-hf-authored-duration") ?? el.getAttribute("data-duration"));
    if (d !== null && d > 0) return d;
    const end = num(el.getAttribute("data-end"));
    if (end !== null && end - start > 0) return end - start;
    if (el instanceof HTMLMediaElement && Number.isFinite(el.duration) && el.duration > 0) {
      const ms = mediaStartOf(el);
      return Math.max(0, (el.duration - ms) / rateOf(el));
    }
    if (el.hasAttribute("data-composition-id") && el !== root) {
      const tl = W.__timelines[el.getAttribute("data-composition-id")!];
      if (tl && typeof tl.duration === "function") return tl.duration();
    }
    return null;
  };
  const hostStartOf = (el: HTMLElement): number => {
    const host = el.parentElement?.closest<HTMLElement>("[data-composition-id]");
    if (!host || host === root || !root.contains(host)) return 0;
    // a mounted inner root without data-start inherits its host's start
    return resolveStart(host);
  };
  const resolveStart = (el: HTMLElement): number => {
    if (el === root) return 0;
    const hit = startCache.get(el);
    if (hit !== undefined) return hit;
    if (visiting.has(el)) {
      warnings.push(`data-start cycle at #${el.id || el.tagName.toLowerCase()}; using 0`);
      return 0;
    }
    visiting.add(el);
    let start = 0;
    const raw = (el.getAttribute("data-start") ?? "").trim();
    if (raw === "") start = hostStartOf(el);
    else {
      const n = num(raw);
      if (n !== null) start = Math.max(0, n) + hostStartOf(el);
      else {
        const m = /^([A-Za-z0-9_.:-]+)\s*(?:([+-])\s*([0-9]*\.?[0-9]+))?$/.exec(raw);
        if (!m) {
          warnings.push(`invalid data-start "${raw}" on #${el.id || el.tagName.toLowerCase()}; using 0`);
        } else {
          const target = (document.getElementById(m[1]!) || document.querySelector(`[data-composition-id="${CSS.escape(m[1]!)}"]`)) as HTMLElement | null;
          if (!target) warnings.push(`data-start "${raw}" names an unknown id "${m[1]}"; using 0`);
          else {
            const ts = resolveStart(target);
            const td = durationOf(target, ts);
            const off = m[3] ? Number(m[3]) * (m[2] === "-" ? -1 : 1) : 0;
            start = Math.max(0, (td === null ? ts : ts + td) + off);
          }
        }
      }
    }
    visiting.delete(el);
    startCache.set(el, start);
    return start;
  };

  const timed: Timed[] = [];
  const byEl = new Map<Element, Timed>();
  for (const el of els) {
    if (el === root) continue;
    const start = resolveStart(el);
    const duration = durationOf(el, start);
    const cs = getComputedStyle(el);
    const t: Timed = {
      el,
      start,
      duration,
      end: duration === null ? Infinity : start + duration,
      parent: null,
      kind: kindOf(el),
      track: num(el.getAttribute("data-track-index") ?? el.getAttribute("data-layer")) ?? 0,
      compositionId: el.parentElement?.closest("[data-composition-id]")?.getAttribute("data-composition-id") ?? state.rootId,
      hasTimedDescendants: !!el.querySelector("[data-start]"),
      inFlow: cs.position === "static" || cs.position === "relative" || cs.position === "sticky",
      origDisplay: el.style.display,
    };
    timed.push(t);
    byEl.set(el, t);
  }
  for (const t of timed) {
    let p = t.el.parentElement;
    while (p && p !== root) {
      const pt = byEl.get(p);
      if (pt) {
        t.parent = pt;
        break;
      }
      p = p.parentElement;
    }
  }
  state.timed = timed;
  state.byEl = byEl;
  state.resolveStart = resolveStart;
  state.durationOf = durationOf;
}

function mediaStartOf(el: Element): number {
  return Math.max(0, num(el.getAttribute("data-playback-start")) ?? num(el.getAttribute("data-media-start")) ?? 0);
}
function rateOf(el: Element): number {
  const r = num(el.getAttribute("data-playback-rate"));
  return r === null || r <= 0 ? 1 : Math.min(5, Math.max(0.1, r));
}

// ---------------------------------------------------------------------------------------------
// Normalisation
function normalise(root: HTMLElement): void {
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
      if (cw !== null) host.style.width = `${cw}px`;
      if (ch !== null) host.style.height = `${ch}px`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Declarative variable bindings
const SAFE_URL = /^(?:[./]|[a-z0-9_-]+\/|https?:|blob:|data:image\/)/i;
function applyBindings(root: HTMLElement): void {
  const top = getVariables();
  applyCssVariables(document.documentElement, top, W.__hfVariables || {});
  applyCssVariables(root, top, W.__hfVariables || {});
  const valuesFor = (el: Element): AnyObj => {
    const scopeEl = el.closest<HTMLElement>("[data-hf-scope]");
    if (!scopeEl) return top;
    return createScope(scopeEl.getAttribute("data-hf-scope")!, getVariables).__hyperframes.getVariables();
  };
  for (const host of Array.from(document.querySelectorAll<HTMLElement>("[data-hf-scope]"))) {
    applyCssVariables(host, valuesFor(host.firstElementChild ?? host), {});
  }
  for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-var-text]"))) {
    const v = valuesFor(el)[el.getAttribute("data-var-text")!];
    if (v === undefined) continue;
    const textNode = Array.from(el.childNodes).find((n) => n.nodeType === Node.TEXT_NODE);
    if (textNode) textNode.textContent = String(v);
    else el.insertBefore(document.createTextNode(String(v)), el.firstChild);
  }
  for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-var-src]"))) {
    if (!/^(IMG|VIDEO|AUDIO|SOURCE)$/.test(el.tagName)) continue;
    let v = valuesFor(el)[el.getAttribute("data-var-src")!];
    if (v && typeof v === "object") v = (v as AnyObj).url;
    if (typeof v === "string" && SAFE_URL.test(v)) el.setAttribute("src", v);
  }
}

// ---------------------------------------------------------------------------------------------
// Timelines
const isTimeline = (t: any): boolean =>
  !!t && typeof t.duration === "function" && (typeof t.totalTime === "function" || typeof t.seek === "function");

function bindTimelines(): void {
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

function tlDuration(tl: AnyObj): number {
  try {
    return typeof tl.totalDuration === "function" ? tl.totalDuration() : tl.duration();
  } catch {
    return 0;
  }
}
function seekTl(tl: AnyObj, t: number): void {
  const target = Math.max(0, Math.min(t, tlDuration(tl)));
  if (typeof tl.totalTime === "function") {
    if (Math.abs(tl.totalTime() - target) < 1e-9) tl.totalTime(target + 0.001, false);
    tl.totalTime(target, false);
  } else tl.seek(target);
}

function computeDuration(): number {
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

// ---------------------------------------------------------------------------------------------
// Visibility, adapters, media
function isVisibleAt(t: Timed, time: number): boolean {
  for (let c: Timed | null = t; c; c = c.parent) {
    if (!(c.start <= time && time < c.end)) return false;
  }
  return true;
}
const lastVisible = new WeakMap<Element, boolean>();
/**
 * Marks a clip outside its window. Nothing inside it shows, not even a descendant whose own CSS says
 * `visibility: visible` (which plain `visibility: hidden` on the clip would let through): like the
 * official runtime, a style rule hides every descendant of a marked clip with `!important`.
 */
const CLIP_HIDDEN = "data-hf-clip-hidden";
function installClipHiddenRule(): void {
  const style = document.createElement("style");
  style.setAttribute("data-hf-runtime", "");
  style.textContent = `[${CLIP_HIDDEN}] * { visibility: hidden !important; }`;
  (document.head ?? document.documentElement).appendChild(style);
}
function applyVisibility(time: number): void {
  for (const t of state.timed) {
    if (t.kind === "audio") continue;
    const hidden = t.el.hasAttribute("data-hidden");
    const vis = !hidden && isVisibleAt(t, time);
    // write only on change: untouched styles keep a static frame free of damage (and cheap to capture)
    if (lastVisible.get(t.el) === vis && !hidden) continue;
    lastVisible.set(t.el, vis);
    t.el.style.visibility = vis ? "visible" : "hidden";
    t.el.toggleAttribute(CLIP_HIDDEN, !vis);
    if (t.inFlow && !t.hasTimedDescendants) t.el.style.display = vis ? t.origDisplay : "none";
    if (hidden) t.el.style.display = "none";
  }
}

function startOfAnimationTarget(a: Animation): number {
  const target = (a.effect as KeyframeEffect | null)?.target as Element | null;
  if (!target) return 0;
  for (let el: Element | null = target; el && el !== state.root; el = el.parentElement) {
    const t = state.byEl.get(el);
    if (t) return t.start;
  }
  return 0;
}

function seekAnimations(time: number): void {
  for (const a of document.getAnimations()) {
    const isCss = typeof CSSAnimation !== "undefined" && a instanceof CSSAnimation;
    const isTransition = typeof CSSTransition !== "undefined" && a instanceof CSSTransition;
    if (isTransition) {
      a.finish();
      continue;
    }
    const base = isCss ? startOfAnimationTarget(a) : (waapiCreated.get(a) ?? 0);
    try {
      a.pause();
      a.currentTime = (time - base) * 1000;
    } catch {
      /* detached animation */
    }
  }
}

/**
 * The composition-time window of a <video>/<audio>. Media the timing model does not hold (outside the root,
 * or without data-start) still plays, as in the official renderer: from its own data-start when it has one,
 * else for the window of the sub-composition it is in, else from 0; until its duration, or its natural end.
 */
function mediaWindow(el: HTMLMediaElement): { start: number; end: number } | null {
  const t = state.byEl.get(el);
  if (t) return { start: t.start, end: t.end };
  if (!state.resolveStart || !state.durationOf) return null;
  if (el.hasAttribute("data-start")) {
    const start = state.resolveStart(el);
    const d = state.durationOf(el, start);
    return { start, end: d === null ? Infinity : start + d };
  }
  for (let p = el.parentElement; p && p !== state.root; p = p.parentElement) {
    const host = p.hasAttribute("data-composition-id") ? state.byEl.get(p) : undefined;
    if (host) return { start: host.start, end: host.end };
  }
  return { start: 0, end: Infinity };
}

/** Render mode: show pre-extracted video frames (served by the renderer) instead of the browser's decoder. */
const frameImgs = new Map<HTMLVideoElement, HTMLImageElement>();
const COPY_PROPS = ["objectFit", "objectPosition", "borderRadius", "opacity", "filter", "transform", "transformOrigin", "clipPath", "mixBlendMode"] as const;
function showVideoFrames(time: number, pending: Promise<unknown>[]): void {
  const table = state.videoFrames;
  if (!table) return;
  const fps = cfg.fps;
  for (const v of Array.from(document.querySelectorAll<HTMLVideoElement>("video"))) {
    const key = v.getAttribute("data-hf-video-key");
    const info = key ? table[key] : undefined;
    if (!info) continue;
    const win = mediaWindow(v) ?? { start: 0, end: Infinity };
    let img = frameImgs.get(v);
    if (!img) {
      img = document.createElement("img");
      img.className = "__render_frame__";
      img.setAttribute("aria-hidden", "true");
      v.insertAdjacentElement("afterend", img);
      frameImgs.set(v, img);
    }
    // the <video> itself is hidden by us: judge by its clip window and its parent's visibility
    const tv = state.byEl.get(v);
    const parentVisible = !v.parentElement || getComputedStyle(v.parentElement).visibility !== "hidden";
    const visible = (tv ? isVisibleAt(tv, time) : time >= win.start && time < win.end) && parentVisible && !v.closest("[data-hidden]");
    if (!visible || info.count === 0) {
      img.style.display = "none";
      continue;
    }
    const raw = Math.max(0, Math.round((time - win.start) * fps));
    // a looping clip's frames hold one period (media start → source end); others hold the last frame
    const idx = v.loop ? raw % info.count : Math.min(info.count - 1, raw);
    const src = `${info.urlPrefix}${idx}.${info.ext}`;
    const cs = getComputedStyle(v);
    const s = img.style;
    s.position = cs.position === "static" ? "relative" : cs.position;
    s.left = cs.left;
    s.top = cs.top;
    s.right = cs.right;
    s.bottom = cs.bottom;
    s.width = `${v.offsetWidth}px`;
    s.height = `${v.offsetHeight}px`;
    s.zIndex = cs.zIndex;
    s.display = "block";
    s.visibility = "visible";
    s.boxSizing = cs.boxSizing;
    for (const p of COPY_PROPS) (s as any)[p] = (cs as any)[p];
    if (cs.position === "static") {
      s.position = "absolute";
      s.left = `${v.offsetLeft}px`;
      s.top = `${v.offsetTop}px`;
    }
    v.style.visibility = "hidden";
    if (img.getAttribute("src") !== src) {
      img.src = src;
      pending.push(img.decode().catch(() => undefined));
    }
  }
}

/** Preview mode: keep <video>/<audio> in step with the timeline. */
function syncMedia(time: number): void {
  for (const m of Array.from(document.querySelectorAll<HTMLMediaElement>("video, audio"))) {
    const win = mediaWindow(m);
    if (!win) continue;
    const active = time >= win.start && time < win.end && !m.closest("[data-hidden]");
    const vol = num(m.getAttribute("data-volume"));
    if (vol !== null) m.volume = Math.max(0, Math.min(1, vol));
    m.playbackRate = rateOf(m) * state.rate;
    let src = (time - win.start) * rateOf(m) + mediaStartOf(m);
    if (m.loop && Number.isFinite(m.duration) && m.duration > 0) src = mediaStartOf(m) + ((src - mediaStartOf(m)) % (m.duration - mediaStartOf(m)));
    if (!active) {
      if (!m.paused) m.pause();
      continue;
    }
    if (state.playing) {
      if (Math.abs(m.currentTime - src) > 0.25) m.currentTime = src;
      if (m.paused) m.play().catch(() => postToParent({ type: "media-autoplay-blocked" }));
    } else {
      if (!m.paused) m.pause();
      if (Math.abs(m.currentTime - src) > 0.001) m.currentTime = src;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Seeking
function quantise(t: number): number {
  const fps = cfg.fps || 30;
  return Math.floor(t * fps + 1e-9) / fps;
}

let lastSeekEvent = -1;
function seekSync(tRaw: number, pending: Promise<unknown>[]): number {
  const t = quantise(Math.max(0, tRaw));
  state.time = t;
  if (vt) vt.set(t * 1000);
  if (state.rootTl) seekTl(state.rootTl, t);
  for (const c of state.children) {
    const local = c.playbackStart + Math.max(0, t - c.start) * c.rate;
    seekTl(c.tl, local);
  }
  applyVisibility(t);
  seekAnimations(t);
  adapters.seek(t);
  if (isRender) showVideoFrames(t, pending);
  else syncMedia(t);
  if (lastSeekEvent !== t) {
    lastSeekEvent = t;
    W.__hfThreeTime = t;
    W.__hfTypegpuTime = t;
    window.dispatchEvent(new CustomEvent("hf-seek", { detail: { time: t, waitUntil: (p: Promise<unknown>) => pending.push(Promise.resolve(p).catch(() => undefined)) } }));
  }
  if (vt) vt.flushFrame();
  return t;
}

// ---------------------------------------------------------------------------------------------
// Change detection for renders: a frame whose DOM, styles, animations and media are exactly as at the
// previous render seek looks the same, so the renderer reuses the previous image instead of capturing.
let domChanged = true;
const changeObserver = new MutationObserver(() => {
  domChanged = true;
});
changeObserver.observe(document, { attributes: true, childList: true, subtree: true, characterData: true });
const animationState = new WeakMap<Animation, string>();
function frameChanged(): boolean {
  if (changeObserver.takeRecords().length > 0) domChanged = true;
  let changed = domChanged;
  for (const a of document.getAnimations()) {
    const ct = a.effect?.getComputedTiming();
    const key = `${ct?.progress}|${ct?.currentIteration}`;
    if (animationState.get(a) !== key) changed = true;
    animationState.set(a, key);
  }
  // pixels that change without DOM mutations: canvases, iframes, and anything drawn by rAF callbacks
  if (document.querySelector("canvas, iframe, embed, object, animate, animateTransform, animateMotion, set")) changed = true;
  domChanged = false;
  return changed;
}

/** Render seek: like seek(), and tells whether anything visible may have changed since the previous call. */
async function renderSeek(t: number): Promise<boolean> {
  await ready;
  const pending: Promise<unknown>[] = [];
  try {
    seekSync(t, pending);
  } catch (e) {
    // a page callback (onUpdate, an hf-seek listener…) threw: say where, in the author's file
    const where = whereThrown(e);
    if (!where || !(e instanceof Error)) throw e;
    const Ctor = (e.constructor as ErrorConstructor) ?? Error;
    throw new Ctor(`${e.message}${where}`);
  }
  if (pending.length) await Promise.all(pending);
  return frameChanged();
}

async function seek(t: number): Promise<void> {
  await ready;
  const pending: Promise<unknown>[] = [];
  seekSync(t, pending);
  if (pending.length) await Promise.all(pending);
  postToParent({ type: "state", time: state.time, frame: Math.round(state.time * cfg.fps), isPlaying: state.playing });
}

// ---------------------------------------------------------------------------------------------
// Preview transport
let playFrom = 0;
let playWall = 0;
let rafHandle = 0;
const realRaf = (vt ? vt.realRequestAnimationFrame : window.requestAnimationFrame.bind(window)) as typeof requestAnimationFrame;
const realNow = vt ? vt.realNow : () => performance.now();
function tick(): void {
  if (!state.playing) return;
  let t = playFrom + ((realNow() - playWall) / 1000) * state.rate;
  if (t >= state.duration) {
    if (player.loop) {
      playFrom = 0;
      playWall = realNow();
      t = 0;
    } else {
      t = Math.max(0, state.duration - 1 / cfg.fps);
      state.playing = false;
    }
  }
  seekSync(t, []);
  postToParent({ type: "state", time: state.time, frame: Math.round(state.time * cfg.fps), isPlaying: state.playing });
  if (state.playing) rafHandle = realRaf(tick);
  else syncMedia(state.time);
}
const player = {
  loop: false,
  play() {
    if (state.playing) return;
    if (state.time >= state.duration - 1 / cfg.fps) state.time = 0;
    state.playing = true;
    playFrom = state.time;
    playWall = realNow();
    rafHandle = realRaf(tick);
  },
  pause() {
    state.playing = false;
    cancelAnimationFrame(rafHandle);
    syncMedia(state.time);
    postToParent({ type: "state", time: state.time, frame: Math.round(state.time * cfg.fps), isPlaying: false });
  },
  seek(t: number) {
    if (state.playing) {
      playFrom = t;
      playWall = realNow();
    }
    return seek(t);
  },
  renderSeek: (t: number) => seek(t),
  getTime: () => state.time,
  getDuration: () => state.duration,
  isPlaying: () => state.playing,
  setPlaybackRate(r: number) {
    if (state.playing) {
      playFrom = state.time;
      playWall = realNow();
    }
    state.rate = r;
  },
  getPlaybackRate: () => state.rate,
  setLoop(l: boolean) {
    player.loop = l;
  },
};
W.__player = player;

window.addEventListener("message", (e) => {
  const d = e.data;
  if (!d || d.source !== "hf-parent" || d.type !== "control") return;
  if (d.action === "play") player.play();
  else if (d.action === "pause") player.pause();
  else if (d.action === "seek") void player.seek(typeof d.timeSeconds === "number" ? d.timeSeconds : (d.frame ?? 0) / (d.fps ?? cfg.fps));
  else if (d.action === "set-playback-rate") player.setPlaybackRate(Number(d.rate) || 1);
});

// ---------------------------------------------------------------------------------------------
// Readiness
const domReady = new Promise<void>((r) => {
  if (document.readyState !== "loading") r();
  else document.addEventListener("DOMContentLoaded", () => r(), { once: true });
});
const loaded = new Promise<void>((r) => {
  if (document.readyState === "complete") r();
  else window.addEventListener("load", () => r(), { once: true });
});
// Readiness stages, in order: dom → load (window "load": images, scripts, styles, iframes) → timeline →
// fonts/images/media/adapters (in parallel; adapters = Lottie data). A host reporting a timeout names the first stage still pending.
const pendingReady: Record<string, boolean> = { dom: true, load: true, timeline: true, fonts: true, images: true, media: true, adapters: true };

async function waitForTimeline(): Promise<void> {
  const root = state.root!;
  if (root.hasAttribute("data-no-timeline")) return;
  const hasAny = () => Object.keys(W.__timelines || {}).length > 0;
  if (hasAny()) return;
  const deadline = realNow() + (cfg.timelineWaitMs ?? 3000);
  while (!hasAny() && realNow() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!hasAny()) warnings.push(`no timeline was registered on window.__timelines (add data-no-timeline to the root if the composition has none)`);
}

async function waitForImages(): Promise<void> {
  const imgs = Array.from(document.images).filter((i) => !i.classList.contains("__render_frame__"));
  await Promise.all(
    imgs.map(async (img) => {
      if (!img.getAttribute("src") && !img.srcset) return;
      try {
        await img.decode();
      } catch {
        if (img.complete && img.naturalWidth === 0) warnings.push(`image failed to load: ${img.getAttribute("src")}`);
      }
    }),
  );
}

async function waitForMediaMetadata(): Promise<void> {
  const media = Array.from(document.querySelectorAll<HTMLMediaElement>("video, audio")).filter((m) => m.hasAttribute("data-start"));
  await Promise.all(
    media.map(
      (m) =>
        new Promise<void>((resolve) => {
          if (m.readyState >= 1 || !m.currentSrc && !m.getAttribute("src")) return resolve();
          const done = () => resolve();
          m.addEventListener("loadedmetadata", done, { once: true });
          m.addEventListener("error", done, { once: true });
          if (m.preload === "none") m.preload = "metadata";
          setTimeout(done, 5000);
        }),
    ),
  );
}

async function init(): Promise<void> {
  await domReady;
  pendingReady.dom = false;
  const root = findRoot();
  if (!root) throw new Error("no element with data-composition-id was found: add one to the composition's root element");
  state.root = root;
  state.rootId = root.getAttribute("data-composition-id") || "";
  root.setAttribute("data-hf-root", "");
  normalise(root);
  installClipHiddenRule();
  applyBindings(root);
  // early, so autoplaying anime.js/Lottie instances are paused before they run far on the wall clock (preview)
  adapters.discover();
  await loaded;
  pendingReady.load = false;
  await waitForTimeline();
  pendingReady.timeline = false;
  await Promise.all([
    (document as any).fonts?.ready.then(() => (pendingReady.fonts = false)),
    waitForImages().then(() => (pendingReady.images = false)),
    (isRender ? Promise.resolve() : waitForMediaMetadata()).then(() => (pendingReady.media = false)),
    adapters.ready().then(() => (pendingReady.adapters = false)),
  ]);
  buildTiming(root);
  bindTimelines();
  if (isRender && cfg.draftLayers) promoteMovingBoxes([state.rootTl, ...state.children.map((c) => c.tl)].filter((t): t is AnyObj => !!t));
  state.duration = computeDuration();
  state.initialized = true;
  seekSync(0, []);
}

const ready: Promise<void> = init().then(
  () => {
    W.__hfReady = true;
    W.__playerReady = true;
    W.__renderReady = true;
    postToParent({ type: "ready", duration: state.duration, fps: cfg.fps, clips: clips() });
  },
  (e) => {
    errors.push(String(e?.message ?? e));
    W.__hfReady = false;
    postToParent({ type: "error", message: String(e?.message ?? e) });
    throw e;
  },
);
ready.catch(() => undefined);

function clips() {
  return state.timed.map((t) => ({
    id: t.el.id || t.el.getAttribute("data-composition-id") || `${t.el.tagName.toLowerCase()}`,
    kind: t.kind,
    start: t.start,
    duration: t.duration,
    track: t.track,
    compositionId: t.compositionId,
  }));
}

function media() {
  return Array.from(document.querySelectorAll<HTMLMediaElement>("video, audio")).map((m, i) => {
    const t = state.byEl.get(m);
    const win = mediaWindow(m) ?? { start: 0, end: Infinity };
    const key = m.getAttribute("data-hf-video-key") || `m${i}`;
    m.setAttribute("data-hf-video-key", key);
    const hiddenAncestor = !!m.closest("[data-hidden]");
    return {
      key,
      id: m.id || null,
      tag: m.tagName.toLowerCase(),
      src: m.currentSrc || (m.getAttribute("src") ? new URL(m.getAttribute("src")!, document.baseURI).href : null),
      /** a clip of the timing model (inside the root, with data-start); the others are only mixed */
      timed: !!t,
      start: win.start,
      end: Number.isFinite(win.end) ? win.end : null,
      mediaStart: mediaStartOf(m),
      playbackRate: rateOf(m),
      volume: Math.max(0, Math.min(3.981, num(m.getAttribute("data-volume")) ?? 1)),
      muted: m.muted || m.hasAttribute("muted"),
      loop: m.loop,
      hasAudio: m.tagName === "AUDIO" ? true : m.getAttribute("data-has-audio") === "true" || (m.getAttribute("data-has-audio") === null && !(m.muted || m.hasAttribute("muted"))),
      hidden: hiddenAncestor,
    };
  });
}

W.__hf = {
  seek,
  renderSeek,
  ready,
  get duration() {
    if (!state.initialized) return 0;
    return state.staticDuration > 0 ? state.staticDuration : state.duration;
  },
  get fps() {
    return cfg.fps;
  },
  getTime: () => state.time,
  clips,
  media,
  errors,
  warnings,
  pendingReady,
  /** render mode: natural media lengths (seconds, from ffprobe) for clips without data-duration */
  setMediaDurations(table: Record<string, number>) {
    for (const m of Array.from(document.querySelectorAll<HTMLMediaElement>("[data-hf-video-key]"))) {
      const d = table[m.getAttribute("data-hf-video-key")!];
      const t = state.byEl.get(m);
      if (!t || t.duration !== null || !(d > 0) || m.loop) continue;
      t.duration = Math.max(0, (d - mediaStartOf(m)) / rateOf(m));
      t.end = t.start + t.duration;
    }
  },
  /** render mode: URL table of pre-extracted video frames, keyed by data-hf-video-key */
  setVideoFrames(table: Record<string, { urlPrefix: string; count: number; ext: string }>) {
    state.videoFrames = table;
  },
  get error() {
    return errors[0];
  },
};
