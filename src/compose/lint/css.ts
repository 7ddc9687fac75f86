/**
 * CSS rules: a style rule in mounted sub-composition content that styles the inner root by its class
 * (subcomposition_root_styled_by_class), which the sub-composition scoping turns into a descendant
 * selector that cannot match the root.
 */
import selectorParser, { type Node as SelectorNode, type Selector } from "postcss-selector-parser";
import type { LintFinding } from "../types.js";
import type { ProjectAnalysis } from "../model.js";
import { allElements, attr, describeElement, ownText, type Element } from "../html.js";
import { eachStyleRule, isDocumentRoot, parseCss, parseSelectorList, rawSelector, selectorParts } from "../css.js";
import { classList, short, type LintRule } from "./rule.js";

export const rootStyledByClass: LintRule = {
  name: "subcomposition-root-styled-by-class",
  codes: { subcomposition_root_styled_by_class: "warning" },
  check: ({ a }) => rootClassStyleFindings(a),
};

export const CSS_RULES: LintRule[] = [rootStyledByClass];

/** Every selector the sub-composition scoping rewrites (see css.ts), with its offset in the sheet when known. */
function cssSelectors(css: string): { selector: Selector; index?: number }[] {
  const out: { selector: Selector; index?: number }[] = [];
  eachStyleRule(parseCss(css), (rule) => {
    const start = rule.source?.start?.offset;
    for (const selector of parseSelectorList(rawSelector(rule))?.nodes ?? []) {
      const first = selectorParts(selector)[0];
      if (first) out.push({ selector, index: start === undefined ? undefined : start + first.sourceIndex });
    }
  });
  return out;
}

/**
 * The compound selector a sub-composition's scoping puts directly under `[data-composition-id="<id>"]`:
 * the first compound, or the second when the first is html/body/:root (which the scoper replaces).
 */
function scopedLeadCompound(selector: Selector): SelectorNode[] | undefined {
  const compounds: SelectorNode[][] = [[]];
  for (const n of selectorParts(selector)) {
    if (n.type === "combinator") compounds.push([]);
    else compounds[compounds.length - 1]!.push(n);
  }
  const nonEmpty = compounds.filter((c) => c.length > 0);
  if (nonEmpty[0]?.length === 1 && isDocumentRoot(nonEmpty[0][0]!)) nonEmpty.shift();
  return nonEmpty[0];
}

/** Does a selector part name `data-composition-id` (in an attribute selector, or one inside :is()/:not()/…)? */
function mentionsCompositionId(n: SelectorNode): boolean {
  const is = (a: SelectorNode) => a.type === "attribute" && a.attribute.toLowerCase() === "data-composition-id";
  if (is(n)) return true;
  let found = false;
  if (selectorParser.isContainer(n)) n.walkAttributes((a) => void (found ||= is(a)));
  return found;
}

/** Does a compound selector (tag, #id, .class parts; attributes and pseudo-classes ignored) select `el` by one of its classes? */
function compoundTargetsByClass(compound: SelectorNode[], el: Element): string | undefined {
  if (compound.some(mentionsCompositionId)) return undefined; // already scoped by hand
  const tag = compound.find((n) => n.type === "tag");
  if (tag && tag.value.toLowerCase() !== el.name) return undefined;
  const classes = compound.filter((n) => n.type === "class").map((n) => n.value);
  const ids = compound.filter((n) => n.type === "id").map((n) => n.value);
  const own = classList(el);
  if (classes.length === 0 || !classes.every((c) => own.includes(c))) return undefined;
  if (ids.some((id) => id !== attr(el, "id"))) return undefined;
  return `.${classes.join(".")}`;
}

/**
 * subcomposition_root_styled_by_class: in mounted sub-composition content, a style rule whose scoped lead
 * compound selects the inner root by class. The contract's scoping turns `.card` into
 * `[data-composition-id="<id>"] .card`, a descendant selector that cannot match the root itself; only a
 * selector starting with `#<rootId>` is mapped onto the root.
 */
function rootClassStyleFindings(a: ProjectAnalysis): LintFinding[] {
  const out: LintFinding[] = [];
  const seen = new Set<string>();
  for (const host of a.nodes) {
    const m = host.mount;
    const inner = m?.innerRoot;
    if (!host.isHost || !m?.doc || !inner) continue;
    const d = m.doc;
    const key = `${d.rel}\0${m.src.startsWith("#") ? m.src : ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rootEl = inner.el;
    if (classList(rootEl).length === 0) continue;
    const rootId = attr(rootEl, "id");
    const container = m.src.startsWith("#")
      ? allElements(d.html.doc).find((e) => e.name === "template" && `#${attr(e, "id")}` === m.src)
      : d.templated
        ? d.container
        : d.html.doc;
    if (!container) continue;
    for (const style of allElements(container)) {
      if (style.name !== "style") continue;
      const { text, offset } = ownText(style);
      for (const { selector, index } of cssSelectors(text)) {
        const first = selectorParts(selector)[0];
        if (rootId && first?.type === "id" && first.value === rootId) continue;
        const lead = scopedLeadCompound(selector);
        const cls = lead ? compoundTargetsByClass(lead, rootEl) : undefined;
        if (!cls) continue;
        const compId = attr(rootEl, "data-composition-id") ?? host.attr("data-composition-id") ?? "";
        const sel = short(String(selector).trim(), 80);
        const f: LintFinding = {
          code: "subcomposition_root_styled_by_class",
          severity: "warning",
          message: `selector "${sel}" styles the sub-composition root ${describeElement(rootEl)} by its class ${cls}; sub-composition CSS is scoped as [data-composition-id="${compId}"] ${sel}, a descendant selector that does not match the root itself, so the style can silently miss the root in HyperFrames renders`,
          hint: rootId
            ? `style the root with #${rootId} (the scoper maps #${rootId} onto the root) and keep class selectors for its children`
            : `give the root an id (e.g. id="root") and style it with #root (the scoper maps the root's id onto the root); keep class selectors for its children`,
          file: d.rel,
          element: describeElement(style),
        };
        const line = offset !== undefined && index !== undefined ? d.html.lineAt(offset + index) : undefined;
        if (line !== undefined) f.line = line;
        out.push(f);
      }
    }
  }
  return out;
}

