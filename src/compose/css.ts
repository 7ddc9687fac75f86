/**
 * Small CSS text helpers shared by the sub-composition compiler (which scopes style sheets) and the linter
 * (which checks what that scoping will do to them): brace matching, top-level splitting, nesting at-rules.
 */

/** At-rules whose body holds style rules (scoped and checked like top-level rules). */
export const NESTING_AT_RULE = /^@(media|supports|layer|container|document)\b/i;

/** Split CSS text where `isSep` holds outside (), [] and quotes; separators are dropped (one character each). */
export function splitCssTopLevel(text: string, isSep: (c: string) => boolean): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let cur = "";
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && isSep(c)) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** `s[open]` is `{`: the index of its matching `}` (quotes and escapes inside them skipped; s.length if unbalanced). */
export function matchCssBrace(s: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return s.length;
}
