// Variables (available before any page script runs): getVariables, --<id> custom properties, data-var-* bindings.
import { createScope } from "./scope.js";
import { cfg, W, warnings, type AnyObj } from "./state.js";

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
export function getVariables(): AnyObj {
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
export function applyCssVariables(el: HTMLElement, values: AnyObj, overrides: AnyObj): void {
  for (const [k, v] of Object.entries(values)) {
    const s = cssVarValue(v);
    if (s === null) continue;
    const isOverride = Object.prototype.hasOwnProperty.call(overrides, k);
    for (const name of new Set([`--${k}`, `--${slug(k)}`])) {
      if (isOverride || !el.style.getPropertyValue(name)) el.style.setProperty(name, s);
    }
  }
}

/** window.__hfVariables and window.__hyperframes, and the custom properties on <html>. */
export function installVariables(): void {
  W.__hfVariables = W.__hfVariables || cfg.variables || {};
  W.__hfVariablesByComp = W.__hfVariablesByComp || {};
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
}

/** Scoped sub-composition scripts call window.__hfScope (see compile/scripts.ts). */
export function installScopes(): void {
  W.__hfScope = (scopeId: string) => createScope(scopeId, getVariables);
}

// Declarative variable bindings
const SAFE_URL = /^(?:[./]|[a-z0-9_-]+\/|https?:|blob:|data:image\/)/i;
export function applyBindings(root: HTMLElement): void {
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
