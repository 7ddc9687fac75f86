/**
 * Reading a style sheet the way the sub-composition compiler scopes it, shared by the compiler (which rewrites
 * the selectors, compile/css-scope.ts) and the linter (which predicts what that rewrite does, lint/css.ts):
 *
 * - parseCss: postcss with its safe parser, which mends broken CSS like a browser does (an unclosed block or
 *   string is closed, a stray word is kept as it is) instead of throwing, so one typo never leaves a
 *   sub-composition's whole sheet unscoped;
 * - eachStyleRule: the style rules that scoping rewrites, at the top level or inside the grouping at-rules
 *   (@media, @supports, @layer, @container, @document, @starting-style). Other at-rules (@keyframes,
 *   @font-face, @page, …) are left alone, and so are style rules nested in style rules (CSS nesting: they
 *   are relative to their parent, which is already scoped);
 * - parseSelectorList: a rule's selector list as written (comments included) as a postcss-selector-parser
 *   tree, or undefined when the selector is too broken to parse (a browser drops such a rule anyway);
 *   selectorParts and isDocumentRoot read one selector of it.
 */
import safeParse from "postcss-safe-parser";
import type { Container, Root, Rule } from "postcss";
import selectorParser, { type Node as SelectorNode, type Root as SelectorRoot, type Selector } from "postcss-selector-parser";

/** At-rules whose body holds style rules (scoped and checked like top-level rules). */
const GROUPING_AT_RULES = new Set(["media", "supports", "layer", "container", "document", "starting-style"]);

/** A style sheet as a postcss tree; never throws (broken CSS is mended the way a browser reads it). */
export function parseCss(css: string): Root {
  // the safe parser only returns a Document for custom syntaxes
  return safeParse(css) as Root;
}

/** Call `fn` on every style rule of `container` that is top-level or nested only in grouping at-rules. */
export function eachStyleRule(container: Container, fn: (rule: Rule) => void): void {
  container.each((node) => {
    if (node.type === "rule") fn(node);
    else if (node.type === "atrule" && node.nodes && GROUPING_AT_RULES.has(node.name.toLowerCase())) eachStyleRule(node, fn);
  });
}

/** A rule's selector list as written, comments included (postcss keeps the comment-free version in `selector`). */
export function rawSelector(rule: Rule): string {
  const raw = rule.raws.selector;
  return raw && raw.value === rule.selector ? raw.raw : rule.selector;
}

/** Replace a rule's selector list (dropping the as-written copy postcss would otherwise print). */
export function setSelector(rule: Rule, selector: string): void {
  rule.selector = selector;
  delete rule.raws.selector;
}

/** A selector list as a lossless postcss-selector-parser tree, or undefined when it does not parse. */
export function parseSelectorList(selector: string): SelectorRoot | undefined {
  try {
    return selectorParser().astSync(selector, { lossless: true });
  } catch {
    return undefined;
  }
}

/** The parts of a selector that select something (its comments left out). */
export const selectorParts = (sel: Selector): SelectorNode[] => sel.nodes.filter((n) => n.type !== "comment");

/** `html`, `body` or `:root` (any case): the document, which for a sub-composition is its own box. */
export function isDocumentRoot(n: SelectorNode): boolean {
  if (n.type === "tag") return n.namespace === undefined && /^(html|body)$/i.test(n.value);
  return n.type === "pseudo" && n.value.toLowerCase() === ":root" && n.nodes.length === 0;
}
