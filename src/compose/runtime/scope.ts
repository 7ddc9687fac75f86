/**
 * Scopes for sub-composition scripts. The compiler (src/compose/compile/scripts.ts) wraps each script of a mounted
 * sub-composition in a function receiving scoped `document`, `window`, `gsap` and `__hyperframes`:
 * queries and GSAP string targets resolve inside the host's subtree, timelines registered under the
 * inner id are also registered under the host scope, and getVariables() returns the child's defaults
 * merged with the host's data-variable-values.
 */
type AnyObj = Record<string, any>;

const cache = new Map<string, AnyObj>();

function hostOf(scopeId: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-hf-scope="${scopeId}"]`);
  if (!el) throw new Error(`sub-composition scope ${scopeId} not found`);
  return el;
}

function parseJson(raw: string | null): AnyObj {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw);
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}

type Targets = (t: any) => any;
const W = window as any;

/**
 * Elements of this instance (not of a nested one) whose authored id the compiler moved to
 * data-hf-authored-id (compile.ts), by that id: the mounted root, and the SVG ids of a repeated instance
 * (compile/svg-aliases.ts). Their scripts still name them `#id`.
 */
function authoredIdsOf(host: HTMLElement): Map<string, HTMLElement> {
  const out = new Map<string, HTMLElement>();
  for (const el of Array.from(host.querySelectorAll<HTMLElement>("[data-hf-authored-id]"))) {
    const id = el.getAttribute("data-hf-authored-id")!;
    if (id && !out.has(id) && el.closest("[data-hf-scope]") === host) out.set(id, el);
  }
  return out;
}

/** `#<authored id>` in a selector (`re` matches exactly the authored ids), as the attribute that took its place. */
function withAuthoredIds(sel: string, re: RegExp | null): string {
  if (!re || !sel.includes("#")) return sel;
  return sel.replace(re, (_m, id: string) => `[data-hf-authored-id="${id.replace(/"/g, '\\"')}"]`);
}

interface HostQueries {
  /** elements whose authored id moved to data-hf-authored-id, by that id */
  authored: ReadonlyMap<string, HTMLElement>;
  /** a selector as written, with `#<authored id>` mapped to the element that had it */
  selector: (sel: string) => string;
  queryAll: (sel: string) => Element[];
  scopeTargets: Targets;
}

/** Queries and GSAP targets resolved inside the host's subtree (the host itself included when it matches). */
function hostQueries(host: HTMLElement): HostQueries {
  const authored = authoredIdsOf(host);
  const escaped = [...authored.keys()].sort((a, b) => b.length - a.length).map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re = escaped.length ? new RegExp(`#(${escaped.join("|")})(?![\\w-])`, "g") : null;
  const selector = (sel: string) => withAuthoredIds(sel, re);
  const queryAll = (raw: string): Element[] => {
    const sel = selector(raw);
    const out = Array.from(host.querySelectorAll(sel));
    try {
      if (host.matches(sel)) out.unshift(host);
    } catch {
      /* invalid selector: let querySelectorAll's error surface */
    }
    return out;
  };
  const scopeTargets = (t: any): any => {
    if (typeof t === "string") return queryAll(t);
    if (Array.isArray(t)) return t.flatMap((x) => (typeof x === "string" ? queryAll(x) : [x]));
    return t;
  };
  return { authored, selector, queryAll, scopeTargets };
}

/** `document` whose queries answer from the host's subtree (getElementById falls back to the page). */
function scopedDocument(host: HTMLElement, { authored, selector, queryAll }: HostQueries): Document {
  return new Proxy(document, {
    get(target, prop) {
      switch (prop) {
        case "querySelector":
          return (sel: string) => queryAll(sel)[0] ?? null;
        case "querySelectorAll":
          return (sel: string) => host.querySelectorAll(selector(sel));
        case "getElementById":
          return (id: string) => authored.get(id) ?? host.querySelector(`#${CSS.escape(id)}`) ?? document.getElementById(id);
        case "getElementsByClassName":
          return (c: string) => host.getElementsByClassName(c);
        case "getElementsByTagName":
          return (t: string) => host.getElementsByTagName(t);
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** A timeline whose tween methods resolve string targets inside the host. */
function wrapTimeline(tl: AnyObj, scopeTargets: Targets): AnyObj {
  for (const m of ["to", "from", "fromTo", "set", "staggerTo", "staggerFrom", "staggerFromTo"]) {
    const orig = tl[m];
    if (typeof orig !== "function") continue;
    tl[m] = function (targets: any, ...rest: any[]) {
      return orig.call(tl, scopeTargets(targets), ...rest);
    };
  }
  return tl;
}

const GSAP_TARGET_METHODS = new Set(["to", "from", "set", "fromTo", "killTweensOf", "getTweensOf", "quickTo", "quickSetter"]);

/** The page's `gsap` (read when asked: it may load after the scope is made) with targets scoped to the host. */
function scopedGsap(scopeTargets: Targets): AnyObj | undefined {
  const g = W.gsap;
  if (!g) return undefined;
  return new Proxy(g, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === "timeline") return (...a: any[]) => wrapTimeline(v.apply(target, a), scopeTargets);
      if (GSAP_TARGET_METHODS.has(prop as string)) return (targets: any, ...rest: any[]) => v.call(target, scopeTargets(targets), ...rest);
      if (prop === "utils") {
        return new Proxy(v, {
          get(u, p) {
            const f = Reflect.get(u, p, u);
            if (p === "toArray" || p === "selector") return (x: any, ...r: any[]) => f.call(u, scopeTargets(x), ...r);
            return typeof f === "function" ? f.bind(u) : f;
          },
        });
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** `window.__timelines` of a sub-composition: the shared registry, plus the host's id and a per-instance copy. */
function scopedTimelines(scopeId: string, hostId: string): AnyObj {
  return new Proxy({} as AnyObj, {
    get(_t, prop: string) {
      return W.__timelines[prop];
    },
    set(_t, prop: string, value) {
      W.__timelines[prop] = value;
      // kept apart per instance too: a parent script that later replaces window.__timelines must not lose it
      (W.__hfScopedTimelines ??= {})[scopeId] = value;
      if (hostId && !(hostId in W.__timelines)) W.__timelines[hostId] = value;
      return true;
    },
    has(_t, prop: string) {
      return prop in W.__timelines;
    },
  });
}

/** getVariables(): the child's declared defaults merged with the host's data-variable-values. */
function scopedVariables(host: HTMLElement, scopeId: string): () => AnyObj {
  return () => {
    const defaults: AnyObj = {};
    const declsRaw = parseJson(host.getAttribute("data-hf-var-decls"));
    for (const d of Array.isArray(declsRaw) ? (declsRaw as AnyObj[]) : []) {
      if (d && typeof d.id === "string" && "default" in d) defaults[d.id] = d.default;
    }
    const values = { ...defaults, ...parseJson(host.getAttribute("data-variable-values")) };
    W.__hfVariablesByComp[scopeId] = values;
    return { ...values };
  };
}

/** `window` with the scoped document, gsap, timelines and __hyperframes; everything else is the page's. */
function scopedWindow(parts: { doc: Document; timelines: AnyObj; gsap: () => AnyObj | undefined; hf: AnyObj }): Window {
  return new Proxy(window, {
    get(target, prop) {
      if (prop === "__timelines") return parts.timelines;
      if (prop === "document") return parts.doc;
      if (prop === "gsap") return parts.gsap();
      if (prop === "__hyperframes") return parts.hf;
      const v = Reflect.get(target, prop);
      return typeof v === "function" && !/^[A-Z]/.test(String(prop)) ? v.bind(target) : v;
    },
    set(target, prop, value) {
      if (prop === "__timelines") {
        // `window.__timelines = window.__timelines || {}` keeps the shared registry
        if (value !== parts.timelines && value && typeof value === "object") Object.assign(W.__timelines, value);
        return true;
      }
      return Reflect.set(target, prop, value);
    },
  });
}

export function createScope(scopeId: string, _topVars: () => AnyObj): AnyObj {
  const hit = cache.get(scopeId);
  if (hit) return hit;
  const host = hostOf(scopeId);
  const queries = hostQueries(host);
  const { scopeTargets } = queries;
  const doc = scopedDocument(host, queries);
  const timelines = scopedTimelines(scopeId, host.getAttribute("data-composition-id") || "");
  const hf = Object.assign(Object.create(W.__hyperframes || {}), { getVariables: scopedVariables(host, scopeId) });
  const gsap = () => scopedGsap(scopeTargets);
  const win = scopedWindow({ doc, timelines, gsap, hf });
  const scope = { document: doc, window: win, get gsap() { return gsap(); }, __hyperframes: hf, host };
  cache.set(scopeId, scope);
  return scope;
}
