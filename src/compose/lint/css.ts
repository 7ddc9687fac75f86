/**
 * CSS rules: a style rule in mounted sub-composition content that styles the inner root by its class
 * (subcomposition_root_styled_by_class), which the sub-composition scoping turns into a descendant
 * selector that cannot match the root.
 */
import type { LintFinding } from "../types.js";
import type { ProjectAnalysis } from "../model.js";
import { allElements, attr, describeElement, ownText, type Element } from "../html.js";
import { NESTING_AT_RULE, matchCssBrace, splitCssTopLevel } from "../css.js";
import { classList, escapeRe, short, type LintRule } from "./rule.js";

export const rootStyledByClass: LintRule = {
  name: "subcomposition-root-styled-by-class",
  codes: { subcomposition_root_styled_by_class: "warning" },
  check: ({ a }) => rootClassStyleFindings(a),
};

export const CSS_RULES: LintRule[] = [rootStyledByClass];

/** Every selector of a style sheet with its offset (comments blanked; @media/@supports/@layer/@container recursed; other at-rules skipped). */
function cssSelectors(css: string): { selector: string; index: number }[] {
  const src = css.replace(/\/\*[\s\S]*?(\*\/|$)/g, (c) => c.replace(/[^\n]/g, " "));
  const out: { selector: string; index: number }[] = [];
  const walk = (from: number, to: number): void => {
    let i = from;
    while (i < to) {
      const brace = src.indexOf("{", i);
      if (brace === -1 || brace >= to) return;
      const semi = src.indexOf(";", i);
      if (semi !== -1 && semi < brace && src.slice(i, semi).trim().startsWith("@")) {
        i = semi + 1; // @import / @charset
        continue;
      }
      const close = Math.min(matchCssBrace(src, brace), to);
      const prelude = src.slice(i, brace);
      const p = prelude.trim();
      if (p.startsWith("@")) {
        if (NESTING_AT_RULE.test(p)) walk(brace + 1, close);
      } else {
        let at = i;
        for (const part of splitCssTopLevel(prelude, (c) => c === ",")) {
          const lead = part.length - part.trimStart().length;
          if (part.trim()) out.push({ selector: part.trim(), index: at + lead });
          at += part.length + 1;
        }
      }
      i = close + 1;
    }
  };
  walk(0, src.length);
  return out;
}

/**
 * The compound selector a sub-composition's scoping puts directly under `[data-composition-id="<id>"]`:
 * the first compound, or the second when the first is html/body/:root (which the scoper replaces).
 */
function scopedLeadCompound(selector: string): string | undefined {
  const compounds = splitCssTopLevel(selector, (c) => /[\s>+~]/.test(c)).filter(Boolean);
  if (compounds[0] && /^(html|body|:root)$/i.test(compounds[0])) compounds.shift();
  return compounds[0];
}

/** Does a compound selector (tag, #id, .class parts; attributes and pseudo-classes ignored) select `el` by one of its classes? */
function compoundTargetsByClass(compound: string, el: Element): string | undefined {
  if (/\[\s*data-composition-id/i.test(compound)) return undefined; // already scoped by hand
  const tag = /^([A-Za-z][\w-]*|\*)/.exec(compound)?.[1];
  if (tag && tag !== "*" && tag.toLowerCase() !== el.name) return undefined;
  const bare = compound.replace(/\[[^\]]*\]|\((?:[^()]|\([^()]*\))*\)/g, "");
  const classes = [...bare.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].map((m) => m[1]!);
  const ids = [...bare.matchAll(/#(-?[_a-zA-Z][\w-]*)/g)].map((m) => m[1]!);
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
        if (rootId && new RegExp(`^#${escapeRe(rootId)}(?![\\w-])`).test(selector)) continue;
        const lead = scopedLeadCompound(selector);
        const cls = lead ? compoundTargetsByClass(lead, rootEl) : undefined;
        if (!cls) continue;
        const compId = attr(rootEl, "data-composition-id") ?? host.attr("data-composition-id") ?? "";
        const sel = short(selector, 80);
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
        const line = offset !== undefined ? d.html.lineAt(offset + index) : undefined;
        if (line !== undefined) f.line = line;
        out.push(f);
      }
    }
  }
  return out;
}

