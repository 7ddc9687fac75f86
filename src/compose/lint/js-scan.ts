/**
 * The shared JS scanner the script rules use: comment stripping, bracket/string-aware splitting of calls and
 * object literals, and resolution of simple DOM lookups (`getElementById`, `querySelector(All)`,
 * `gsap.utils.toArray`, and variables only ever assigned one) against the elements of the script's file.
 * Comments must be stripped first; regex literals are not understood.
 */
import { is as cssIs } from "css-select";
import type { ProjectAnalysis, VNode } from "../model.js";
import type { Element } from "../html.js";
import { escapeRe } from "./rule.js";

/** Replace JS comments with spaces (newlines kept), leaving string and template literal contents intact. */
export function stripJsComments(src: string): string {
  let out = "";
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && src[i] !== "\n") {
        out += " ";
        i++;
      }
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < n && src[j] !== c) {
        if (src[j] === "\\") j++;
        else if (c !== "`" && src[j] === "\n") break;
        j++;
      }
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the string or template literal that opens at `i`. */
export function skipQuoted(src: string, i: number): number {
  const q = src[i];
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === "\\") j += 2;
    else if (c === q) return j + 1;
    else if (q === "`" && c === "$" && src[j + 1] === "{") j = matchClose(src, j + 1) + 1;
    else if (q !== "`" && c === "\n") return j;
    else j++;
  }
  return j;
}

/** `src[open]` is `(`, `[` or `{`: the index of its matching closer (src.length when unbalanced). */
export function matchClose(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") i = skipQuoted(src, i) - 1;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return src.length;
}

/** Split `src[from, to)` at top-level commas (a trailing empty piece is dropped). */
export function splitTopLevel(src: string, from: number, to: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") i = skipQuoted(src, i) - 1;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(src.slice(start, i));
      start = i + 1;
    }
  }
  const last = src.slice(start, to);
  if (last.trim() || out.length === 0) out.push(last);
  return out;
}

/** Arguments of the call whose `(` is at `open`. */
export function callArgs(src: string, open: number): string[] {
  const close = matchClose(src, open);
  return splitTopLevel(src, open + 1, close).map((x) => x.trim());
}

/** End of the expression starting at `i`: the first top-level `,` `;` or unmatched closer. */
export function exprEnd(src: string, i: number): number {
  let depth = 0;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") i = skipQuoted(src, i) - 1;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) return i;
      depth--;
    } else if ((c === "," || c === ";") && depth === 0) return i;
  }
  return src.length;
}

/** The value of a plain string literal ('x', "x", or `x` without ${}), else undefined. */
export function stringLiteral(text: string): string | undefined {
  const m = /^(["'`])([\s\S]*)\1$/.exec(text.trim());
  if (!m || m[2]!.includes(m[1]!) || (m[1] === "`" && m[2]!.includes("${"))) return undefined;
  return m[2]!.replace(/\\(.)/g, "$1");
}

/** Top-level keys of an object literal `{ ... }` (shorthand properties included), else undefined. */
export function objectKeys(text: string): Map<string, string> | undefined {
  const t = text.trim();
  if (!t.startsWith("{") || matchClose(t, 0) !== t.length - 1) return undefined;
  const keys = new Map<string, string>();
  for (const entry of splitTopLevel(t, 1, t.length - 1)) {
    const m = /^\s*(?:([A-Za-z_$][\w$]*)|"([^"]*)"|'([^']*)')\s*(:|$)/.exec(entry);
    if (!m) continue;
    keys.set(m[1] ?? m[2] ?? m[3]!, m[4] === ":" ? entry.slice(m[0].length).trim() : "");
  }
  return keys;
}

export const IDENT = "[A-Za-z_$][\\w$]*";
/** `document.getElementById("x")`, `document.querySelector(".x")`, `document.querySelectorAll(...)`, `gsap.utils.toArray(...)` */
export const LOOKUP = `(?:(?:window\\s*\\.\\s*)?document\\s*\\.\\s*(getElementById|querySelector|querySelectorAll)|gsap\\s*\\.\\s*utils\\s*\\.\\s*(toArray))\\s*\\(\\s*("[^"\\n]*"|'[^'\\n]*'|\`[^\`$]*\`)\\s*\\)`;

export interface Lookup {
  /** what the lookup can return, in document order */
  nodes: VNode[];
  /** getElementById / querySelector: one element (the first match) */
  single: boolean;
}

/** Resolve a DOM lookup (`fn` is getElementById, querySelector, querySelectorAll or toArray) against `scope`. */
export function resolveLookup(scope: VNode[], fn: string, arg: string): Lookup {
  if (fn === "getElementById") return { nodes: scope.filter((n) => n.attr("id") === arg).slice(0, 1), single: true };
  const hits = matchSelector(scope, arg);
  return fn === "querySelector" ? { nodes: hits.slice(0, 1), single: true } : { nodes: hits, single: false };
}

/** Elements of `scope` matching a CSS selector (none when the selector is invalid or unsupported). */
export function matchSelector(scope: VNode[], selector: string): VNode[] {
  if (!selector.trim()) return [];
  try {
    return scope.filter((n) => cssIs(n.el, selector));
  } catch {
    return [];
  }
}

/** The elements a script's inline lookups can reach: the mounted elements written in the script's own file. */
export function scriptElements(a: ProjectAnalysis, file: string): VNode[] {
  const seen = new Set<Element>();
  return a.nodes.filter((n) => {
    if (n.doc.rel !== file || seen.has(n.el)) return false;
    seen.add(n.el);
    return true;
  });
}

/** How often `name` is assigned (`name =`, `name +=` …) anywhere in `code`. */
export function assignmentCount(code: string, name: string): number {
  return code.match(new RegExp(`(?<![\\w$.])${escapeRe(name)}\\s*[-+*/]?=(?![=>])`, "g"))?.length ?? 0;
}

/** How often `name` is bound: declared (`const name`), or a parameter of an arrow function, function or catch. */
export function bindingCount(code: string, name: string): number {
  const n = escapeRe(name);
  let count = code.match(new RegExp(`\\b(?:const|let|var)\\s+${n}(?![\\w$])|(?<![\\w$.])${n}\\s*=>|\\bcatch\\s*\\(\\s*${n}\\s*\\)`, "g"))?.length ?? 0;
  for (const m of code.matchAll(/\(([^()]*)\)\s*=>|\bfunction\b\s*\*?\s*[\w$]*\s*\(([^()]*)\)/g))
    for (const p of (m[1] ?? m[2]!).split(",")) if (p.trim().replace(/^\.\.\./, "").split(/[\s=]/)[0] === name) count++;
  return count;
}

/**
 * Names that are only ever assigned a DOM lookup (and bound nowhere else, e.g. as a callback parameter), with
 * what they resolve to. A name with any other assignment or binding is dropped, so a timeline never qualifies.
 */
export function lookupVariables(code: string, scope: VNode[]): Map<string, Lookup> {
  const re = new RegExp(`(?<![\\w$.])((?:const|let|var)\\s+)?(${IDENT})\\s*=\\s*(?:Array\\s*\\.\\s*from\\s*\\(\\s*|\\[\\s*\\.\\.\\.\\s*)?${LOOKUP}`, "g");
  const found = new Map<string, { lookup: Lookup; count: number; decls: number }>();
  const ambiguous = new Set<string>();
  const same = (x: Lookup, y: Lookup): boolean => x.single === y.single && x.nodes.length === y.nodes.length && x.nodes.every((n, k) => n.el === y.nodes[k]!.el);
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const name = m[2]!;
    const lookup = resolveLookup(scope, m[3] ?? m[4]!, stringLiteral(m[5]!) ?? "");
    const prev = found.get(name);
    if (prev && !same(prev.lookup, lookup)) ambiguous.add(name);
    found.set(name, { lookup, count: (prev?.count ?? 0) + 1, decls: (prev?.decls ?? 0) + (m[1] ? 1 : 0) });
  }
  const out = new Map<string, Lookup>();
  for (const [name, { lookup, count, decls }] of found)
    if (!ambiguous.has(name) && assignmentCount(code, name) === count && bindingCount(code, name) === decls) out.set(name, lookup);
  return out;
}
