// CSS scoping of sub-compositions: every selector limited to its host, like the official compiler.
import { NESTING_AT_RULE, matchCssBrace, splitCssTopLevel } from "../css.js";

export interface CssScope {
  /** `[data-composition-id="<id>"]`: the host and everything mounted in it */
  attr: string;
  /** the composition's own box: the mounted inner root, or the host when the template has none */
  box: string;
  /** the inner root's authored id (its `#id` rules style the inner root only) */
  innerRootId?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replace `#<id>` (outside brackets and quotes) with `replacement`. */
function replaceIdSelector(sel: string, id: string, replacement: string): string {
  const re = new RegExp(`#${escapeRe(id)}(?![\\w-])`, "y");
  let out = "";
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i]!;
    if (quote) {
      if (c === "\\") {
        out += c + (sel[i + 1] ?? "");
        i++;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") depth++;
    else if (c === "]") depth = Math.max(0, depth - 1);
    else if (c === "#" && depth === 0) {
      re.lastIndex = i;
      if (re.test(sel)) {
        out += replacement;
        i += id.length;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * Scope one selector to a mounted sub-composition, like the official compiler: a bare `html`, `body` or
 * `:root`, and a bare `[data-composition-id="<id>"]`, style the composition's own box (its inner root,
 * never the host, which is placed by the page like any clip); `#<inner root id>` is the inner root; a
 * bare `*` stays global; anything else only matches inside the host.
 */
export function scopeSelector(sel: string, scope: CssScope): string {
  let s = sel.trim();
  if (!s) return s;
  // the official compiler leaves a bare `*` unscoped: a sub-composition's reset reaches the whole page
  if (s === "*") return s;
  if (/^(html|body|:root)$/i.test(s)) return scope.box;
  if (scope.innerRootId) s = replaceIdSelector(s, scope.innerRootId, `[data-hf-authored-id="${scope.innerRootId.replace(/"/g, '\\"')}"]`);
  if (s.startsWith(scope.attr)) {
    // a bare root selector, possibly with its timing attributes
    if (/^(\s*\[\s*data-(start|duration)\s*=\s*("[^"]*"|'[^']*')\s*\])*$/.test(s.slice(scope.attr.length))) return scope.box;
    return s;
  }
  return `${scope.attr} ${s}`;
}

/** Scope every selector (see scopeSelector), leaving @keyframes/@font-face alone and recursing into @media/@supports. */
export function scopeCss(css: string, scope: CssScope): string {
  let out = "";
  let i = 0;
  const n = css.length;
  while (i < n) {
    // copy comments and whitespace
    if (css.startsWith("/*", i)) {
      const e = css.indexOf("*/", i + 2);
      const end = e < 0 ? n : e + 2;
      out += css.slice(i, end);
      i = end;
      continue;
    }
    const brace = findNext(css, i, "{");
    const semi = findNext(css, i, ";");
    if (brace < 0) {
      out += css.slice(i);
      break;
    }
    if (semi >= 0 && semi < brace) {
      // @import / @charset statement
      out += css.slice(i, semi + 1);
      i = semi + 1;
      continue;
    }
    const prelude = css.slice(i, brace);
    const close = matchCssBrace(css, brace);
    const body = css.slice(brace + 1, close);
    const p = prelude.trim();
    if (p.startsWith("@")) {
      if (NESTING_AT_RULE.test(p)) out += `${prelude}{${scopeCss(body, scope)}}`;
      else out += `${prelude}{${body}}`;
    } else {
      const lead = prelude.match(/^\s*/)![0];
      out += `${lead}${splitCssTopLevel(prelude, (c) => c === ",").map((s) => scopeSelector(s, scope)).join(", ")} {${body}}`;
    }
    i = close + 1;
  }
  return out;
}

function findNext(s: string, from: number, ch: string): number {
  let quote: string | null = null;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "/" && s[i + 1] === "*") {
      const e = s.indexOf("*/", i + 2);
      if (e < 0) return -1;
      i = e + 1;
    } else if (c === ch) return i;
  }
  return -1;
}
