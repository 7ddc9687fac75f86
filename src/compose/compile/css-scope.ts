/**
 * CSS scoping of sub-compositions, like the official compiler: every selector of a mounted sub-composition's
 * style sheets is limited to its host, so its rules never style the rest of the page.
 *
 * The sheet is read with postcss (css.ts: the style rules at the top level and in @media/@supports/@layer/
 * @container/…; @keyframes and @font-face bodies are left alone) and each selector list with
 * postcss-selector-parser, so commas inside :is()/:not() or attribute strings, comments and escapes are
 * read as CSS reads them. Each selector of a list is then scoped on its own (see scopeSelector). Everything
 * but the rewritten selectors is printed as written, so the sheet keeps its line count.
 */
import selectorParser, { type Attribute, type Node as SelectorNode, type Selector } from "postcss-selector-parser";
import { eachStyleRule, isDocumentRoot, parseCss, parseSelectorList, rawSelector, selectorParts as parts, setSelector } from "../css.js";

export interface CssScope {
  /** `[data-composition-id="<id>"]`: the host and everything mounted in it */
  attr: string;
  /** the composition's own box: the mounted inner root, or the host when the template has none */
  box: string;
  /** the inner root's authored id (its `#id` rules style the inner root only) */
  innerRootId?: string;
  /** ids this instance renamed (compile/svg-aliases.ts): `#id` also matches `[data-hf-authored-id="id"]` */
  aliasedIds?: ReadonlySet<string>;
}

/** A scope with its selectors parsed once per style sheet. */
interface Scoper {
  scope: CssScope;
  /** the host's attribute selector (scope.attr) */
  host?: Attribute;
  /** `[data-hf-authored-id="<inner root id>"]`, which takes the place of `#<inner root id>` */
  authored?: Attribute;
}

function attributeOf(selector: string): Attribute | undefined {
  const node = parseSelectorList(selector)?.first?.first;
  return node && selectorParser.isAttribute(node) ? node : undefined;
}

function scoper(scope: CssScope): Scoper {
  const id = scope.innerRootId;
  return {
    scope,
    host: attributeOf(scope.attr),
    authored: id ? attributeOf(`[data-hf-authored-id="${id.replace(/"/g, '\\"')}"]`) : undefined,
  };
}

/** `*` with no namespace. */
const isUniversal = (n: SelectorNode) => n.type === "universal" && (n as { namespace?: unknown }).namespace === undefined;

/** An attribute selector written like `[name="value"]` (either quote, no case flag) with `name`/`value` matching. */
function isQuotedAttr(n: SelectorNode, name: (attr: string) => boolean, value?: string): n is Attribute {
  if (n.type !== "attribute" || n.namespace !== undefined || n.operator !== "=" || !n.quoteMark || n.insensitive) return false;
  return name(n.attribute) && (value === undefined || n.value === value);
}

const isHost = (n: SelectorNode, host: Attribute | undefined) => !!host && isQuotedAttr(n, (a) => a === host.attribute, host.value);
const isTiming = (n: SelectorNode) => isQuotedAttr(n, (a) => a === "data-start" || a === "data-duration");
const isDescendant = (n: SelectorNode) => n.type === "combinator" && n.value === " ";

/** Put `[data-hf-authored-id="<id>"]` in place of every `#<inner root id>` (in :is()/:not() too). */
function replaceInnerRootId(sel: Selector, s: Scoper): void {
  const { authored } = s;
  if (!authored) return;
  sel.walkIds((id) => {
    if (id.value !== s.scope.innerRootId) return;
    const a = authored.clone();
    a.spaces = { ...id.spaces };
    a.rawSpaceBefore = id.rawSpaceBefore;
    a.rawSpaceAfter = id.rawSpaceAfter;
    id.replaceWith(a);
  });
}

/** Every `#<renamed id>` as `:is(#id, [data-hf-authored-id="id"])`, so it matches the instance's renamed element too. */
function widenAliasedIds(sel: Selector, ids: ReadonlySet<string> | undefined): void {
  if (!ids?.size) return;
  sel.walkIds((id) => {
    if (!ids.has(id.value)) return;
    const list = parseSelectorList(`${String(id).trim()}, [data-hf-authored-id="${id.value.replace(/["\\]/g, "\\$&")}"]`);
    if (!list) return;
    const is = selectorParser.pseudo({ value: ":is", nodes: list.nodes });
    is.spaces = { ...id.spaces };
    id.replaceWith(is);
  });
}

/** One selector of a list, scoped (see scopeSelector); whitespace around it is kept. */
function scopeOne(sel: Selector, s: Scoper): string {
  const given = parts(sel);
  if (given.length === 0) return String(sel);
  // the official compiler leaves a bare `*` unscoped: a sub-composition's reset reaches the whole page
  if (given.length === 1 && isUniversal(given[0]!)) return String(sel);
  const text = () => String(sel);
  const around = (core: string) => {
    const t = text();
    return t.slice(0, t.length - t.trimStart().length) + core + t.slice(t.trimEnd().length);
  };
  if (given.length === 1 && isDocumentRoot(given[0]!)) return around(s.scope.box);
  replaceInnerRootId(sel, s);
  widenAliasedIds(sel, s.scope.aliasedIds);
  const nodes = parts(sel);
  if (isHost(nodes[0]!, s.host)) {
    // a bare root selector, possibly with its timing attributes (the official compiler reads `[id] [data-start]` so too)
    const rest = nodes.slice(1);
    if (rest.every((n) => isTiming(n) || isDescendant(n)) && !isDescendant(nodes[nodes.length - 1]!)) return around(s.scope.box);
    return text();
  }
  return around(`${s.scope.attr} ${text().trim()}`);
}

function scopeList(list: string, s: Scoper): string {
  const ast = parseSelectorList(list);
  // a selector the parser cannot read is one a browser drops too
  if (!ast) return list;
  const trailingComma = (ast as { trailingComma?: boolean }).trailingComma ? "," : "";
  return ast.nodes.map((sel) => scopeOne(sel, s)).join(",") + trailingComma;
}

/**
 * Scope a selector list to a mounted sub-composition, like the official compiler, each selector on its own:
 * a bare `html`, `body` or `:root`, and a bare `[data-composition-id="<id>"]` (possibly with its
 * `[data-start]`/`[data-duration]` attributes), style the composition's own box (its inner root, never the
 * host, which is placed by the page like any clip); `#<inner root id>` is the inner root (as
 * `[data-hf-authored-id="<id>"]`); a selector that starts with `[data-composition-id="<id>"]` is already
 * scoped; a bare `*` stays global; anything else only matches inside the host. A list that does not parse
 * is returned as is.
 */
export function scopeSelector(list: string, scope: CssScope): string {
  return scopeList(list, scoper(scope));
}

/** Scope every style rule of a sheet (see scopeSelector), leaving @keyframes/@font-face alone and recursing into @media/@supports/…. */
export function scopeCss(css: string, scope: CssScope): string {
  const s = scoper(scope);
  const root = parseCss(css);
  eachStyleRule(root, (rule) => {
    const raw = rawSelector(rule);
    const scoped = scopeList(raw, s);
    if (scoped !== raw) setSelector(rule, scoped);
  });
  return root.toString();
}
