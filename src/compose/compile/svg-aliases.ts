/**
 * SVG references of a sub-composition mounted more than once.
 *
 * Each instance brings its `<linearGradient id="g">`, `<clipPath>`, `<mask>`, `<filter>`, `<symbol>`… into
 * the page with the same id, and `fill="url(#g)"` resolves to the first element of the page with that id: a
 * second instance drew the first one's gradient (coloured by the first host's custom properties or
 * variables). The official compiler gives the ids of every instance after the first their own names, with
 * the references to them (checked with the official CLI 0.8.170: a component mounted twice with
 * `--accent: red` and `--accent: blue` draws red and blue there, red twice here before this). So does this
 * one: in instance n > 1, every id an SVG reference of the instance names (`url(#id)` in any attribute,
 * inline styles included; `href`/`xlink:href="#id"`) becomes `hf<n>-<composition id>-<id>`, the authored id
 * stays in `data-hf-authored-id`, where the instance's scripts still find `#id` (runtime/scope.ts). The
 * first instance keeps its ids, so page CSS and scripts naming them find what they found before.
 *
 * The instance's own copy of the component's `<style>` gets `#id` selectors for the renamed ids widened to
 * `:is(#id, [data-hf-authored-id="id"])`, so a rule styling `#shape` styles every instance's shape. Not
 * rewritten (nor in the official): `url(#id)` in those style sheets, which every instance shares.
 */
import type { AnyNode, Element } from "domhandler";
import { walk } from "./dom.js";
import { eachStyleRule, parseCss, rawSelector, setSelector } from "../css.js";

const URL_REF = /url\(\s*(["']?)#([^"')\s]+)\1\s*\)/g;
const HREF_ATTRS = new Set(["href", "xlink:href"]);

/** Each element of `nodes` (nested templates and scripts left out) with its attributes. */
function elementsOf(nodes: AnyNode[]): Element[] {
  const out: Element[] = [];
  for (const n of nodes)
    walk(n, (el) => {
      if (el.name === "template" || el.name === "script" || el.name === "style") return false;
      out.push(el);
    });
  return out;
}

/** The ids the instance's SVG references name. */
function referencedIds(els: Element[]): Set<string> {
  const ids = new Set<string>();
  for (const el of els)
    for (const [name, value] of Object.entries(el.attribs)) {
      if (HREF_ATTRS.has(name) && value.startsWith("#")) ids.add(value.slice(1));
      else if (value.includes("url(")) for (const m of value.matchAll(URL_REF)) ids.add(m[2]!);
    }
  return ids;
}

/**
 * Renames, in `nodes` (one instance's content, before it is serialised), the ids its SVG references name,
 * and the references; returns the names given (authored id → new id). Instance numbers start at 1; the
 * first instance is left as it is.
 */
export function aliasSvgReferences(nodes: AnyNode[], compositionId: string, instance: number): Map<string, string> {
  const renamed = new Map<string, string>();
  if (instance < 2) return renamed;
  const els = elementsOf(nodes);
  const wanted = referencedIds(els);
  if (!wanted.size) return renamed;
  const safeComp = compositionId.replace(/[^\w-]/g, "_");
  for (const el of els) {
    const id = el.attribs.id;
    if (id === undefined || !wanted.has(id) || renamed.has(id)) continue;
    const next = `hf${instance}-${safeComp}-${id}`;
    renamed.set(id, next);
    el.attribs.id = next;
    el.attribs["data-hf-authored-id"] = id;
  }
  if (!renamed.size) return renamed;
  for (const el of els)
    for (const [name, value] of Object.entries(el.attribs)) {
      if (HREF_ATTRS.has(name) && value.startsWith("#")) {
        const to = renamed.get(value.slice(1));
        if (to) el.attribs[name] = `#${to}`;
      } else if (value.includes("url(")) {
        el.attribs[name] = value.replace(URL_REF, (m, q: string, id: string) => {
          const to = renamed.get(id);
          return to ? `url(${q}#${to}${q})` : m;
        });
      }
    }
  for (const n of nodes)
    walk(n, (el) => {
      if (el.name === "template" || el.name === "script") return false;
      if (el.name !== "style") return;
      const text = el.children.map((c) => (c as { data?: string }).data ?? "").join("");
      if (!text.includes("#")) return false;
      const root = parseCss(text);
      let changed = false;
      eachStyleRule(root, (rule) => {
        const next = widenIdSelectors(rawSelector(rule), renamed);
        if (next !== rawSelector(rule)) {
          setSelector(rule, next);
          changed = true;
        }
      });
      if (changed) (el.children[0] as { data?: string }).data = root.toString();
      return false;
    });
  return renamed;
}

/** `#id` (outside attribute selectors and strings) of a renamed id, as `:is(#id, [data-hf-authored-id="id"])`. */
function widenIdSelectors(selector: string, renamed: ReadonlyMap<string, string>): string {
  let out = "";
  let depth = 0;
  let quote = "";
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (quote) {
      if (c === "\\") out += c + (selector[++i] ?? "");
      else {
        if (c === quote) quote = "";
        out += c;
      }
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "[") depth++;
    else if (c === "]") depth = Math.max(0, depth - 1);
    else if (c === "#" && depth === 0) {
      const m = /^[\w-]+/.exec(selector.slice(i + 1));
      if (m && renamed.has(m[0])) {
        out += `:is(#${m[0]}, [data-hf-authored-id="${m[0]}"])`;
        i += m[0].length;
        continue;
      }
    }
    out += c;
  }
  return out;
}
