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
 * `:is(#id, [data-hf-authored-id="id"])` when it is scoped (css-scope.ts), so a rule styling `#shape` styles
 * every instance's shape. Not rewritten (nor in the official): `url(#id)` in those style sheets, which every
 * instance shares.
 */
import type { AnyNode, Element } from "domhandler";
import { walk } from "./dom.js";

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
 * The names instance `instance` gives the ids its SVG references name (authored id → new id); empty for the
 * first instance, which keeps its ids. Instance numbers start at 1.
 */
export function svgAliases(nodes: AnyNode[], compositionId: string, instance: number): Map<string, string> {
  const renamed = new Map<string, string>();
  if (instance < 2) return renamed;
  const els = elementsOf(nodes);
  const wanted = referencedIds(els);
  if (!wanted.size) return renamed;
  const safeComp = compositionId.replace(/[^\w-]/g, "_");
  for (const el of els) {
    const id = el.attribs.id;
    if (id !== undefined && wanted.has(id) && !renamed.has(id)) renamed.set(id, `hf${instance}-${safeComp}-${id}`);
  }
  return renamed;
}

/** Gives the elements of `nodes` the names of `renamed` (the authored id kept in data-hf-authored-id) and points the references at them. */
export function applySvgAliases(nodes: AnyNode[], renamed: ReadonlyMap<string, string>): void {
  if (!renamed.size) return;
  const els = elementsOf(nodes);
  // the first element with an authored id takes the new name (the one `url(#id)` resolved to)
  const done = new Set<string>();
  for (const el of els) {
    const id = el.attribs.id;
    const next = id === undefined || done.has(id) ? undefined : renamed.get(id);
    if (next === undefined) continue;
    done.add(id!);
    el.attribs.id = next;
    el.attribs["data-hf-authored-id"] = id!;
  }
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
}
