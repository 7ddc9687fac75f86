/**
 * Static lint of a composition project. Every finding has a stable code, a severity, the file (project-
 * relative), the 1-based line, the element, a message and a fix hint. Lint never throws on a broken
 * project: loading problems (missing entry/root, bad references, cycles) are findings too.
 */
import type { LintFinding, LintResult } from "./types.js";
import { analyzeProject, type ProjectAnalysis, type ScriptInfo, type VNode } from "./model.js";
import { is as cssIs } from "css-select";
import { allElements, attr, childElements, describeElement, hasAttr, ownText, type Element } from "./html.js";
import { parseTimingNumber } from "./timing.js";
import { GSAP_CDN_RE, readTextFile } from "./files.js";
import { NESTING_AT_RULE, matchCssBrace, splitCssTopLevel } from "./css.js";

export interface LintOptions {
  entry?: string;
  /** the flag named in entry hints (default `--entry`; `--composition` for pack) */
  entryFlag?: string;
}

/** Every lint code this module can emit, with its severity (some codes are errors or warnings by context). */
export const LINT_CODES: Record<string, "error" | "warning" | "error|warning"> = {
  project_dir_missing: "error",
  entry_missing: "error",
  entry_outside_project: "error",
  root_composition_missing: "error",
  standalone_composition_wrapped_in_template: "error",
  root_composition_missing_html_wrapper: "warning",
  root_missing_composition_id: "error",
  root_missing_dimensions: "error",
  invalid_dimensions: "error",
  invalid_duration: "error",
  invalid_fps: "warning",
  root_composition_missing_duration_source: "error|warning",
  missing_data_no_timeline: "warning",
  missing_timeline_registry: "warning",
  timeline_id_mismatch: "warning",
  invalid_data_start: "error",
  unknown_start_reference: "error",
  start_reference_cycle: "error",
  start_reference_unknown_duration: "warning",
  invalid_track_index: "warning",
  deprecated_data_layer: "warning",
  deprecated_data_end: "warning",
  host_missing_composition_id: "error",
  subcomposition_file_missing: "error",
  subcomposition_not_wrapped_in_template: "warning",
  subcomposition_root_missing: "warning",
  subcomposition_cycle: "error",
  remote_subcomposition: "warning",
  duplicate_composition_id: "error",
  invalid_variables_json: "error",
  invalid_variable_declaration: "error",
  variable_default_type_mismatch: "error",
  duplicate_variable_id: "warning",
  invalid_variable_values_json: "error",
  local_file_missing: "error",
  local_file_outside_project: "warning",
  remote_script: "warning",
  remote_asset: "warning",
  network_request: "warning",
  media_missing_id: "error",
  media_missing_src: "warning",
  video_missing_muted: "warning",
  video_nested_in_timed_element: "error",
  audio_track_overlap: "warning",
  non_deterministic_code: "warning",
  requestanimationframe_in_composition: "warning",
  gsap_infinite_repeat: "warning",
  gsap_repeat_ceil_overshoot: "warning",
  gsap_animates_clip_element: "error",
  timed_element_missing_clip_class: "warning",
  imperative_media_control: "error",
  missing_gsap_script: "error",
  nested_structure_needs_subcomposition: "warning",
  subcomposition_root_styled_by_class: "warning",
};

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

interface ScriptPattern {
  code: string;
  re: RegExp;
  what: string;
  hint: string;
}

const SCRIPT_PATTERNS: ScriptPattern[] = [
  { code: "non_deterministic_code", re: /\bMath\s*\.\s*random\s*\(/, what: "Math.random()", hint: "use a seeded PRNG (e.g. mulberry32 with a fixed seed) so every render is identical" },
  { code: "non_deterministic_code", re: /\bDate\s*\.\s*now\s*\(/, what: "Date.now()", hint: "derive motion from the timeline time, not the wall clock" },
  { code: "non_deterministic_code", re: /\bnew\s+Date\b\s*(\(\s*\)|(?!\s*\())/, what: "new Date() without arguments", hint: "use a fixed date (new Date(2024, 0, 1)) or the timeline time" },
  { code: "non_deterministic_code", re: /\bperformance\s*\.\s*now\s*\(/, what: "performance.now()", hint: "derive motion from the timeline time, not the wall clock" },
  { code: "non_deterministic_code", re: /\bcrypto\s*\.\s*getRandomValues\s*\(/, what: "crypto.getRandomValues()", hint: "use a seeded PRNG so every render is identical" },
  { code: "non_deterministic_code", re: /\bgsap\s*\.\s*utils\s*\.\s*random\s*\(/, what: "gsap.utils.random()", hint: "use a seeded PRNG so every render is identical" },
  { code: "non_deterministic_code", re: /["'`]random\(/, what: 'a GSAP "random(...)" value', hint: "compute the values once with a seeded PRNG" },
  {
    code: "requestanimationframe_in_composition",
    re: /\brequestAnimationFrame\s*\(/,
    what: "requestAnimationFrame()",
    hint: "drive the animation from a paused GSAP timeline (or a seekable adapter) registered in window.__timelines",
  },
  {
    code: "gsap_infinite_repeat",
    re: /\brepeat\s*:\s*-\s*1\b|\.repeat\s*\(\s*-\s*1\s*\)/,
    what: "repeat: -1 (an infinite repeat)",
    hint: "use a finite repeat count: Math.floor(duration / cycleLength) - 1",
  },
];

function lineIn(text: string, index: number, firstLine: number | undefined): number | undefined {
  if (firstLine === undefined) return undefined;
  let l = firstLine;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) l++;
  return l;
}

/** A finding in inline script `s`, located at `index` of its comment-stripped `code`. */
function scriptFindingAt(s: ScriptInfo, code: string, index: number, f: Pick<LintFinding, "code" | "severity" | "message" | "hint">): LintFinding {
  const out: LintFinding = { ...f, file: s.file, element: s.element };
  const line = lineIn(code, index, s.textLine) ?? s.line;
  if (line !== undefined) out.line = line;
  return out;
}

function scriptFindings(s: ScriptInfo): LintFinding[] {
  const out: LintFinding[] = [];
  if (!s.isJs || !s.text.trim()) return out;
  const code = stripJsComments(s.text);
  for (const p of SCRIPT_PATTERNS) {
    const m = p.re.exec(code);
    if (!m) continue;
    const message =
      p.code === "gsap_infinite_repeat"
        ? `inline script uses ${p.what}; the render length is fixed, so an infinite timeline never ends cleanly`
        : p.code === "requestanimationframe_in_composition"
          ? `inline script uses ${p.what}; frames are captured by seeking, so rAF-driven drawing is only deterministic under the renderer's virtual clock`
          : `inline script uses ${p.what}, which differs between renders and between frames`;
    out.push(scriptFindingAt(s, code, m.index, { code: p.code, severity: "warning", message, hint: p.hint }));
  }
  out.push(...repeatCeilFindings(s, code));
  return out;
}

// --- small JS scanning helpers (comments already stripped; regex literals are not understood) ---

/** Index just past the string or template literal that opens at `i`. */
function skipQuoted(src: string, i: number): number {
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
function matchClose(src: string, open: number): number {
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
function splitTopLevel(src: string, from: number, to: number): string[] {
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

/** `text` cut to `max` characters for a message. */
function short(text: string, max = 40): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** Arguments of the call whose `(` is at `open`. */
function callArgs(src: string, open: number): string[] {
  const close = matchClose(src, open);
  return splitTopLevel(src, open + 1, close).map((x) => x.trim());
}

/** End of the expression starting at `i`: the first top-level `,` `;` or unmatched closer. */
function exprEnd(src: string, i: number): number {
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
function stringLiteral(text: string): string | undefined {
  const m = /^(["'`])([\s\S]*)\1$/.exec(text.trim());
  if (!m || m[2]!.includes(m[1]!) || (m[1] === "`" && m[2]!.includes("${"))) return undefined;
  return m[2]!.replace(/\\(.)/g, "$1");
}

/** Top-level keys of an object literal `{ ... }` (shorthand properties included), else undefined. */
function objectKeys(text: string): Map<string, string> | undefined {
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

const IDENT = "[A-Za-z_$][\\w$]*";
/** `document.getElementById("x")`, `document.querySelector(".x")`, `document.querySelectorAll(...)`, `gsap.utils.toArray(...)` */
const LOOKUP = `(?:(?:window\\s*\\.\\s*)?document\\s*\\.\\s*(getElementById|querySelector|querySelectorAll)|gsap\\s*\\.\\s*utils\\s*\\.\\s*(toArray))\\s*\\(\\s*("[^"\\n]*"|'[^'\\n]*'|\`[^\`$]*\`)\\s*\\)`;

interface Lookup {
  /** what the lookup can return, in document order */
  nodes: VNode[];
  /** getElementById / querySelector: one element (the first match) */
  single: boolean;
}

/** Resolve a DOM lookup (`fn` is getElementById, querySelector, querySelectorAll or toArray) against `scope`. */
function resolveLookup(scope: VNode[], fn: string, arg: string): Lookup {
  if (fn === "getElementById") return { nodes: scope.filter((n) => n.attr("id") === arg).slice(0, 1), single: true };
  const hits = matchSelector(scope, arg);
  return fn === "querySelector" ? { nodes: hits.slice(0, 1), single: true } : { nodes: hits, single: false };
}

/** Elements of `scope` matching a CSS selector (none when the selector is invalid or unsupported). */
function matchSelector(scope: VNode[], selector: string): VNode[] {
  if (!selector.trim()) return [];
  try {
    return scope.filter((n) => cssIs(n.el, selector));
  } catch {
    return [];
  }
}

/** The elements a script's inline lookups can reach: the mounted elements written in the script's own file. */
function scriptElements(a: ProjectAnalysis, file: string): VNode[] {
  const seen = new Set<Element>();
  return a.nodes.filter((n) => {
    if (n.doc.rel !== file || seen.has(n.el)) return false;
    seen.add(n.el);
    return true;
  });
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** How often `name` is assigned (`name =`, `name +=` …) anywhere in `code`. */
function assignmentCount(code: string, name: string): number {
  return code.match(new RegExp(`(?<![\\w$.])${escapeRe(name)}\\s*[-+*/]?=(?![=>])`, "g"))?.length ?? 0;
}

/** How often `name` is bound: declared (`const name`), or a parameter of an arrow function, function or catch. */
function bindingCount(code: string, name: string): number {
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
function lookupVariables(code: string, scope: VNode[]): Map<string, Lookup> {
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

const isMediaNode = (n: VNode): boolean => n.el.name === "video" || n.el.name === "audio";
const classList = (el: Element): string[] => (attr(el, "class") ?? "").split(/\s+/).filter(Boolean);

/**
 * gsap_animates_clip_element: a GSAP `.to/.from/.fromTo/.set` whose target (a selector string, a variable
 * holding a DOM lookup, or an array of those) resolves to a `.clip` element of the script's file and whose
 * vars object sets `display` or `visibility`.
 */
function gsapClipFindings(s: ScriptInfo, code: string, scope: VNode[]): LintFinding[] {
  const out: LintFinding[] = [];
  const clips = new Set(scope.filter((n) => classList(n.el).includes("clip")).map((n) => n.el));
  if (clips.size === 0 || !/\b(display|visibility)\b/.test(code)) return out;
  const vars = lookupVariables(code, scope);
  const targets = (text: string): VNode[] => {
    const t = text.trim();
    const lit = stringLiteral(t);
    if (lit !== undefined) return matchSelector(scope, lit);
    if (vars.has(t)) return vars.get(t)!.nodes;
    const lm = new RegExp(`^${LOOKUP}$`).exec(t);
    if (lm) return resolveLookup(scope, lm[1] ?? lm[2]!, stringLiteral(lm[3]!) ?? "").nodes;
    if (t.startsWith("[") && matchClose(t, 0) === t.length - 1) return splitTopLevel(t, 1, t.length - 1).flatMap(targets);
    return [];
  };
  const callRe = /\.\s*(to|from|fromTo|set)\s*\(/g;
  for (let m = callRe.exec(code); m; m = callRe.exec(code)) {
    if (m[1] === "from" && /\b\w*Array\s*$/.test(code.slice(Math.max(0, m.index - 30), m.index))) continue;
    const args = callArgs(code, m.index + m[0].length - 1);
    const varArgs = m[1] === "fromTo" ? args.slice(1, 3) : args.slice(1, 2);
    const props = new Set<string>();
    for (const v of varArgs) {
      const keys = objectKeys(v);
      if (!keys) continue;
      const css = keys.has("css") ? objectKeys(keys.get("css")!) : undefined;
      for (const k of ["display", "visibility"]) if (keys.has(k) || css?.has(k)) props.add(k);
    }
    if (props.size === 0 || args.length < 2) continue;
    const hit = targets(args[0]!).filter((n) => clips.has(n.el));
    if (hit.length === 0) continue;
    const el = describeElement(hit[0]!.el);
    const what = [...props].join(" and ");
    out.push(
      scriptFindingAt(s, code, m.index, {
        code: "gsap_animates_clip_element",
        severity: "error",
        message: `GSAP .${m[1]}(${short(args[0]!)}, …) animates ${what} on the clip ${el}${hit.length > 1 ? ` (and ${hit.length - 1} more .clip element${hit.length > 2 ? "s" : ""})` : ""}; the runtime owns a clip's visibility (it shows and hides it from data-start/data-duration) and the tween fights it`,
        hint: `remove ${what} from the tween; to hide or reveal content, animate opacity/autoAlpha on a child wrapper inside the clip instead`,
      }),
    );
  }
  return out;
}

/**
 * imperative_media_control: `.play()`, `.pause()` or a `.currentTime` assignment on a receiver that is clearly
 * a <video>/<audio> of the script's file: an inline `document.getElementById/querySelector(...)` lookup, a
 * variable only ever assigned such a lookup, an indexed media collection, or the loop variable of a
 * `forEach`/`for…of` over one. Other receivers (GSAP timelines, Web Animations, custom objects) are never flagged.
 */
function mediaControlFindings(s: ScriptInfo, code: string, scope: VNode[]): LintFinding[] {
  const out: LintFinding[] = [];
  if (!scope.some(isMediaNode) || !/\b(play|pause|currentTime)\b/.test(code)) return out;
  const isMediaLookup = (l: Lookup | undefined): l is Lookup => !!l && l.nodes.length > 0 && l.nodes.every(isMediaNode);
  const vars = lookupVariables(code, scope);
  const media = new Map<string, VNode>();
  const collections = new Map<string, VNode>();
  for (const [name, l] of vars) if (isMediaLookup(l)) (l.single ? media : collections).set(name, l.nodes[0]!);
  // loop variables over a media collection
  const collExpr = `(${LOOKUP}|${IDENT})`;
  const loopRes = [
    new RegExp(`(?<![\\w$.])${collExpr}\\s*\\.\\s*forEach\\s*\\(\\s*(?:function\\s*${IDENT}?\\s*)?\\(?\\s*(${IDENT})`, "g"),
    new RegExp(`\\bfor\\s*\\(\\s*(?:const|let|var)\\s+(${IDENT})\\s+of\\s+(?:Array\\s*\\.\\s*from\\s*\\(\\s*)?${collExpr}`, "g"),
  ];
  const loops = new Map<string, { first: VNode; count: number }>();
  const tainted = new Set<string>();
  for (const [k, re] of loopRes.entries()) {
    for (let m = re.exec(code); m; m = re.exec(code)) {
      const [expr, fn, alt, arg, param] = k === 0 ? [m[1]!, m[2], m[3], m[4], m[5]!] : [m[2]!, m[3], m[4], m[5], m[1]!];
      const l = fn || alt ? resolveLookup(scope, (fn ?? alt)!, stringLiteral(arg!) ?? "") : undefined;
      const first = collections.get(expr) ?? (isMediaLookup(l) && !l.single ? l.nodes[0] : undefined);
      if (!first) tainted.add(param);
      else loops.set(param, { first, count: (loops.get(param)?.count ?? 0) + 1 });
    }
  }
  // a loop variable counts only when every binding of that name is a loop over media and it is never reassigned
  for (const [param, { first, count }] of loops)
    if (!tainted.has(param) && !vars.has(param) && assignmentCount(code, param) === 0 && bindingCount(code, param) === count) media.set(param, first);
  const receiver = (before: string): VNode | undefined => {
    const lm = new RegExp(`${LOOKUP}\\s*(?:\\[\\s*\\d+\\s*\\]\\s*)?$`).exec(before);
    if (lm) {
      const l = resolveLookup(scope, lm[1] ?? lm[2]!, stringLiteral(lm[3]!) ?? "");
      const indexed = /\]\s*$/.test(lm[0]);
      return isMediaLookup(l) && l.single !== indexed ? l.nodes[0] : undefined;
    }
    const im = new RegExp(`(?<![\\w$.])(${IDENT})\\s*(\\[\\s*\\d+\\s*\\])?\\s*$`).exec(before);
    if (!im) return undefined;
    return im[2] ? collections.get(im[1]!) : media.get(im[1]!);
  };
  const useRe = /(\?\.|\.)\s*(?:(play|pause)\s*(?:\?\.\s*)?\(|(currentTime)\s*(?:[-+*/]?=)(?![=>]))/g;
  for (let m = useRe.exec(code); m; m = useRe.exec(code)) {
    const n = receiver(code.slice(Math.max(0, m.index - 300), m.index));
    if (!n) continue;
    const what = m[2] ? `.${m[2]}()` : "a .currentTime assignment";
    out.push(
      scriptFindingAt(s, code, m.index, {
        code: "imperative_media_control",
        severity: "error",
        message: `inline script controls ${describeElement(n.el)} with ${what}; the runtime plays, pauses and seeks media itself (and the renderer extracts video frames and mixes audio from the element's attributes), so scripted control is ignored at render and fights the preview`,
        hint: "remove it and express timing declaratively: data-start/data-duration for the window, data-media-start for the source offset, data-playback-rate for speed",
      }),
    );
  }
  return out;
}

/**
 * gsap_repeat_ceil_overshoot: a `repeat:` value computed with Math.ceil, directly or through a variable
 * declared (once) from a Math.ceil expression.
 */
function repeatCeilFindings(s: ScriptInfo, code: string): LintFinding[] {
  const out: LintFinding[] = [];
  const ceil = /\bMath\s*\.\s*ceil\s*\(/;
  if (!ceil.test(code)) return out;
  const declared = (name: string): string | undefined => {
    const re = new RegExp(`(?<![\\w$.])(?:const|let|var)\\s+${escapeRe(name)}\\s*=\\s*`, "g");
    const hits = [...code.matchAll(re)];
    if (hits.length !== 1) return undefined;
    const start = hits[0]!.index! + hits[0]![0].length;
    return code.slice(start, exprEnd(code, start));
  };
  const re = /(?<![\w$.])(?:repeat|"repeat"|'repeat')\s*:\s*/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const start = m.index + m[0].length;
    const value = code.slice(start, exprEnd(code, start)).trim();
    if (!value) continue;
    let via: string | undefined;
    if (!ceil.test(value)) {
      via = [...value.matchAll(new RegExp(`(?<![\\w$.])${IDENT}(?!\\s*\\()`, "g"))].map((x) => x[0]).find((name) => ceil.test(declared(name) ?? ""));
      if (!via) continue;
    }
    const shown = short(value, 60);
    out.push(
      scriptFindingAt(s, code, m.index, {
        code: "gsap_repeat_ceil_overshoot",
        severity: "warning",
        message: `repeat: ${shown} ${via ? `uses ${via}, which is computed with Math.ceil` : "is computed with Math.ceil"}; rounding the cycle count up makes the repeats run past the time they should fill (ceil(10.5 / 2) - 1 = 5 repeats = 6 cycles of 2 s = 12 s for a 10.5 s window)`,
        hint: "round down so the cycles fit: repeat: Math.max(0, Math.floor(duration / cycle) - 1)",
      }),
    );
  }
  return out;
}

// --- CSS ---

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

/**
 * Timed elements that need no class="clip": media (found by tag, timed by their own attributes), elements that
 * render nothing, and (checked separately) composition roots and hosts, which are found by data-composition-id.
 */
const NO_CLIP_CLASS_TAGS = new Set(["video", "audio", "source", "track", "script", "style", "template", "link", "meta", "noscript"]);

function nodeFinding(n: VNode, code: string, severity: "error" | "warning", message: string, hint: string): LintFinding {
  const f: LintFinding = { code, severity, message, hint, file: n.doc.rel, element: describeElement(n.el) };
  if (n.line !== undefined) f.line = n.line;
  return f;
}

/** A call that needs the GSAP library. */
const GSAP_USE = /\bgsap\s*\.\s*(to|from|fromTo|timeline|set|registerPlugin)\s*\(/;
/** Text that is (or imports) the GSAP library itself. */
const GSAP_LIBRARY = /\/\*\s*inlined:.*gsap|\b_gsScope\b|\bGreenSock\b|\bfrom\s*["'][^"']*gsap[^"']*["']|\bimport\s*\(\s*["'][^"']*gsap/i;

/**
 * missing_gsap_script (as the official linter): a script calls gsap.to/from/fromTo/timeline/set/registerPlugin
 * but no script of the composition (the page or its sub-compositions, which share the page) loads GSAP:
 * no `<script src>` naming gsap, no local script file or inline script that is the library. The page would
 * render a still image with one "gsap is not defined" error.
 */
function missingGsapFindings(a: ProjectAnalysis, jsScripts: ScriptInfo[]): LintFinding[] {
  const fileText = (s: ScriptInfo): string | undefined => {
    if (s.src === undefined || s.remote) return undefined;
    const abs = a.references.find((r) => r.kind === "script" && r.url === s.src && r.file === s.file)?.abs;
    const t = abs ? readTextFile(abs) : undefined;
    return t !== undefined && t.length < 5_000_000 ? t : undefined;
  };
  let use: { s: ScriptInfo; code: string; index: number; what: string } | undefined;
  for (const s of jsScripts) {
    if (s.src !== undefined && /gsap/i.test(s.src)) return [];
    const text = s.src !== undefined ? fileText(s) : s.text;
    if (!text) continue;
    if (GSAP_LIBRARY.test(text) || (text.length > 5000 && /\bgsap\b/i.test(text) && /\bgsap\s*\.\s*(config|defaults|version)\b/.test(text))) return [];
    const code = stripJsComments(text);
    const m = GSAP_USE.exec(code);
    if (m && !use) use = { s, code, index: m.index, what: `gsap.${m[1]}()` };
  }
  if (!use) return [];
  const { s, code, index, what } = use;
  const line = s.src === undefined ? lineIn(code, index, s.textLine) : undefined;
  return [
    {
      code: "missing_gsap_script",
      severity: "error",
      message: `${s.src === undefined ? "this script" : `script ${s.src}`} calls ${what} but the composition never loads GSAP, so nothing would animate (gsap is not defined)`,
      hint: 'load GSAP before the scripts that use it: <script src="gsap.min.js"></script> with a local copy (npm\'s gsap/dist/gsap.min.js)',
      file: s.file,
      element: s.element,
      ...(line !== undefined ? { line } : s.line !== undefined ? { line: s.line } : {}),
    },
  ];
}

/** Inline text markup that does not count as nested structure inside a timeline element. */
const INLINE_TEXT_TAGS = new Set(["br", "wbr", "b", "i", "u", "s", "em", "strong", "small", "sub", "sup", "mark", "span", "a", "code", "abbr"]);
/** Elements whose insides are not layout (never nested structure). */
const OPAQUE_TAGS = new Set(["svg", "canvas", "picture", "video", "audio", "select", "textarea", "iframe", "object"]);
const NON_LAYOUT_TAGS = new Set(["style", "script", "template", "noscript"]);
const NON_RENDERED_TAGS = new Set([...NON_LAYOUT_TAGS, "link", "meta"]);

/**
 * nested_structure_needs_subcomposition (as the official linter, a warning there too): in the entry file,
 * a timeline element of the root (the first timed element, medium or host on each branch) that holds
 * nested layout (any element other than inline text markup) instead of being a sub-composition. The
 * official Studio timeline shows one row per top-level element and expects nested scenes in
 * sub-compositions mounted with data-composition-src.
 */
function nestedStructureFindings(a: ProjectAnalysis): LintFinding[] {
  const root = a.root;
  if (!root) return [];
  const kids = childElements;
  const isHost = (el: Element) => hasAttr(el, "data-composition-src") || hasAttr(el, "data-composition-id");
  const isTimed = (el: Element) =>
    hasAttr(el, "data-start") || (hasAttr(el, "data-track-index") && hasAttr(el, "data-duration")) || el.name === "video" || el.name === "audio" || el.name === "img";
  const rows: Element[] = [];
  const visit = (el: Element): void => {
    if (NON_RENDERED_TAGS.has(el.name)) return;
    if (isHost(el) || isTimed(el)) rows.push(el);
    else kids(el).forEach(visit);
  };
  kids(root.el).forEach(visit);
  const nestedIn = (el: Element): Element | null => {
    if (OPAQUE_TAGS.has(el.name)) return null;
    for (const c of kids(el)) {
      if (NON_LAYOUT_TAGS.has(c.name)) continue;
      if (!INLINE_TEXT_TAGS.has(c.name)) return c;
      const deeper = nestedIn(c);
      if (deeper) return deeper;
    }
    return null;
  };
  const out: LintFinding[] = [];
  for (const row of rows) {
    if (isHost(row)) continue;
    const nested = nestedIn(row);
    if (!nested) continue;
    const line = root.doc.html.lineAt(row.startIndex);
    out.push({
      code: "nested_structure_needs_subcomposition",
      severity: "warning",
      message: `${describeElement(row)} is a timeline element holding nested ${describeElement(nested)}; HyperFrames Studio shows one timeline row per top-level element and expects nested structure in a sub-composition (the official lint warns too)`,
      hint: `move ${describeElement(row)} and its contents into a sub-composition file mounted with data-composition-src, or keep only inline text (span, b, em…) inside the clip`,
      file: root.doc.rel,
      element: describeElement(row),
      ...(line !== undefined ? { line } : {}),
    });
  }
  return out;
}

function projectRules(a: ProjectAnalysis): LintFinding[] {
  const out: LintFinding[] = [];
  const model = a.model;
  const root = a.root;
  if (!model || !root) return out;
  const rootEl = root.el;
  const rootDesc = describeElement(rootEl);
  const rootAt = { file: root.doc.rel, line: root.line, element: rootDesc };
  const jsScripts = a.scripts.filter((s) => s.isJs && (s.src !== undefined || s.text.trim() !== ""));
  const hasScript = jsScripts.length > 0;

  // --- duration source ---
  const durValid = (raw: string | undefined): boolean => {
    const d = parseTimingNumber(raw);
    return d != null && d > 0;
  };
  if (!durValid(attr(rootEl, "data-duration")) && !durValid(attr(rootEl, "data-composition-duration"))) {
    out.push({
      code: "root_composition_missing_duration_source",
      severity: hasScript ? "warning" : "error",
      message: hasScript
        ? "the root has no data-duration; the render length must then be inferred from the timeline in a browser"
        : "the root has no data-duration and the composition has no script or timeline to infer its length from",
      hint: 'set data-duration (seconds) on the root, e.g. data-duration="5"',
      ...rootAt,
    });
  }

  // --- timeline registration ---
  if (!model.noTimeline && !hasScript) {
    out.push({
      code: "missing_data_no_timeline",
      severity: "warning",
      message: "the composition has no script and no data-no-timeline, so the renderer waits for a timeline that never registers",
      hint: "add data-no-timeline to the root when the composition has no GSAP timeline (CSS/static only)",
      ...rootAt,
    });
  }
  const scriptTexts: string[] = [];
  for (const s of jsScripts) {
    if (s.text) scriptTexts.push(stripJsComments(s.text));
    else if (s.src !== undefined && !s.remote && !/gsap|\.min\.js$/i.test(s.src)) {
      const abs = a.references.find((r) => r.kind === "script" && r.url === s.src && r.file === s.file && r.rel != null)?.abs;
      const t = abs ? readTextFile(abs) : undefined;
      if (t !== undefined && t.length < 2_000_000) scriptTexts.push(t);
    }
  }
  const allScript = scriptTexts.join("\n");
  if (!model.noTimeline && hasScript && !/__timelines/.test(allScript)) {
    out.push({
      code: "missing_timeline_registry",
      severity: "warning",
      message: "no script registers a timeline in window.__timelines and the root has no data-no-timeline",
      hint: `register the paused root timeline: window.__timelines = window.__timelines || {}; window.__timelines["${model.id}"] = tl; (or add data-no-timeline)`,
      ...rootAt,
    });
  }
  const compIds = new Set(a.nodes.map((n) => n.attr("data-composition-id")).filter((x): x is string => !!x));
  const keyRe = /__timelines\s*(?:\[\s*(["'`])([^"'`\]]+)\1\s*\]|\.([A-Za-z_$][\w$]*))/g;
  for (const s of jsScripts) {
    if (!s.text) continue;
    const code = stripJsComments(s.text);
    for (let m = keyRe.exec(code); m; m = keyRe.exec(code)) {
      const key = m[2] ?? m[3];
      if (!key || compIds.has(key)) continue;
      out.push({
        code: "timeline_id_mismatch",
        severity: "warning",
        message: `a timeline is registered as "${key}" but no element has data-composition-id="${key}"`,
        hint: `register the timeline under the composition's id${compIds.size ? ` (${[...compIds].map((c) => `"${c}"`).join(", ")})` : ""}`,
        file: s.file,
        element: s.element,
        ...(lineIn(code, m.index, s.textLine) !== undefined ? { line: lineIn(code, m.index, s.textLine)! } : {}),
      });
    }
  }

  out.push(...missingGsapFindings(a, jsScripts));
  out.push(...nestedStructureFindings(a));

  // --- scripts ---
  out.push(...networkFindings(a));
  for (const s of a.scripts) {
    out.push(...scriptFindings(s));
    if (s.isJs && s.text.trim()) {
      const code = stripJsComments(s.text);
      const scope = scriptElements(a, s.file);
      out.push(...gsapClipFindings(s, code, scope), ...mediaControlFindings(s, code, scope));
    }
  }
  out.push(...rootClassStyleFindings(a));

  // --- elements ---
  const timed = (n: VNode): boolean => hasAttr(n.el, "data-start");
  const audioByTrack = new Map<string, { n: VNode; start: number; end: number }[]>();
  for (const n of a.nodes) {
    const tag = n.el.name;
    const id = n.attr("id");
    if (tag === "video" || tag === "audio") {
      if (!id)
        out.push(
          nodeFinding(
            n,
            "media_missing_id",
            "error",
            `<${tag}> has no id; ${tag === "audio" ? "its audio would not be mixed" : "its frames would not be injected (the video would freeze)"}`,
            `give it a unique id, e.g. <${tag} id="${tag}-1" ...>`,
          ),
        );
      if (timed(n) && n.attr("src") === undefined)
        out.push(
          nodeFinding(
            n,
            "media_missing_src",
            "warning",
            `timed <${tag}> has no src attribute${n.el.children.some((c) => (c as { name?: string }).name === "source") ? " (<source> children are not extracted or mixed)" : ""}`,
            `put the file on the element itself: <${tag} src="assets/file">`,
          ),
        );
    }
    if (timed(n) && !n.isRoot && !n.isComposition && !NO_CLIP_CLASS_TAGS.has(tag) && !classList(n.el).includes("clip")) {
      const cls = n.attr("class")?.trim();
      out.push(
        nodeFinding(
          n,
          "timed_element_missing_clip_class",
          "warning",
          `timed ${describeElement(n.el)} has data-start but no class="clip"; the runtime still shows and hides it by time, but Studio and the GSAP clip rules (gsap_animates_clip_element) only recognise clips by that class`,
          `add clip to its classes: class="clip${cls ? ` ${cls}` : ""}"`,
        ),
      );
    }
    if (tag === "video" && timed(n)) {
      if (!hasAttr(n.el, "muted"))
        out.push(
          nodeFinding(
            n,
            "video_missing_muted",
            "warning",
            "timed <video> is not muted",
            "add muted (and playsinline); put its sound on a separate <audio> element with the same src",
          ),
        );
      for (let p = n.parent; p && !p.isComposition; p = p.parent) {
        if (timed(p)) {
          out.push(
            nodeFinding(
              n,
              "video_nested_in_timed_element",
              "error",
              `timed <video> is inside another timed element ${describeElement(p.el)}`,
              "move the video out of the timed element (wrap it in an untimed element instead), or remove data-start from one of them",
            ),
          );
          break;
        }
      }
    }
    if (tag === "audio" && timed(n) && !n.isRoot) {
      const s = a.resolver?.start(n);
      const d = a.resolver?.duration(n);
      if (s != null && d != null) {
        const comp = compOf(n);
        const track = n.attr("data-track-index") ?? n.attr("data-layer") ?? "0";
        const key = `${comp}\0${track}`;
        const list = audioByTrack.get(key) ?? [];
        for (const o of list)
          if (s < o.end - 1e-9 && o.start < s + d - 1e-9)
            out.push(
              nodeFinding(
                n,
                "audio_track_overlap",
                "warning",
                `<audio> [${fmt(s)}s, ${fmt(s + d)}s) overlaps ${describeElement(o.n.el)} [${fmt(o.start)}s, ${fmt(o.end)}s) on track ${track}`,
                "put overlapping audio on different data-track-index lanes",
              ),
            );
        list.push({ n, start: s, end: s + d });
        audioByTrack.set(key, list);
      }
    }
    if (timed(n) || n.isHost) {
      const ti = n.attr("data-track-index");
      if (ti !== undefined) {
        const t = parseTimingNumber(ti);
        if (t == null || !Number.isInteger(t) || t < 0)
          out.push(nodeFinding(n, "invalid_track_index", "warning", `data-track-index="${ti}" is not a non-negative integer (0 is used)`, 'use a whole number, e.g. data-track-index="1"'));
      }
      if (n.attr("data-layer") !== undefined && ti === undefined)
        out.push(nodeFinding(n, "deprecated_data_layer", "warning", "data-layer is a legacy alias of data-track-index", "rename data-layer to data-track-index"));
      if (n.attr("data-end") !== undefined && n.attr("data-duration") === undefined)
        out.push(nodeFinding(n, "deprecated_data_end", "warning", "data-end without data-duration is legacy input", "replace data-end with data-duration (seconds from the start)"));
    }
    const vv = n.attr("data-variable-values");
    if (vv !== undefined) {
      let ok = false;
      try {
        const parsed: unknown = JSON.parse(vv);
        ok = !!parsed && typeof parsed === "object" && !Array.isArray(parsed);
      } catch {
        ok = false;
      }
      if (!ok)
        out.push(nodeFinding(n, "invalid_variable_values_json", "error", "data-variable-values is not a JSON object", `write a JSON object keyed by variable id, e.g. data-variable-values='{"title":"Pro"}'`));
    }
  }

  // --- composition ids ---
  const rootId = model.id;
  const comps = a.nodes.filter((n) => n.isComposition && !n.isInnerRoot && n.attr("data-composition-id"));
  const hostsById = new Map<string, Set<string>>();
  for (const n of comps) {
    const id = n.attr("data-composition-id")!;
    if (n.isRoot) continue;
    if (id === rootId) {
      out.push(
        nodeFinding(
          n,
          "duplicate_composition_id",
          "error",
          `data-composition-id="${id}" is also the root composition's id; their timelines would collide`,
          "give the nested composition its own id",
        ),
      );
      continue;
    }
    const key = n.isHost ? `src:${n.mount?.file ?? n.mount?.src}` : `inline:${n.doc.rel}:${n.line}`;
    const set = hostsById.get(id) ?? new Set<string>();
    if (set.size > 0 && !set.has(key))
      out.push(
        nodeFinding(
          n,
          "duplicate_composition_id",
          "error",
          `data-composition-id="${id}" is used by compositions with different content; their timelines would collide`,
          "give each distinct composition its own id (hosts of the same file may share one)",
        ),
      );
    set.add(key);
    hostsById.set(id, set);
  }
  return out;
}

/** Network APIs in inline scripts (first use of each per script). */
const NETWORK_PATTERNS: { re: RegExp; what: string }[] = [
  { re: /\bfetch\s*\(/, what: "fetch()" },
  { re: /\bXMLHttpRequest\b/, what: "XMLHttpRequest" },
  { re: /\bimport\s*\(\s*["'`](?:https?:)?\/\//, what: "import() of a URL" },
  { re: /(?:\bfrom|^\s*import)\s*["'`](?:https?:)?\/\//m, what: "an import from a URL" },
  { re: /\bnew\s+(?:WebSocket|EventSource|WebTransport|RTCPeerConnection)\s*\(/, what: "a network connection (WebSocket, EventSource, WebRTC)" },
  { re: /\bnavigator\s*\.\s*sendBeacon\s*\(/, what: "navigator.sendBeacon()" },
  { re: /\b(?:src|href|srcset)\s*=\s*\\?["'`]?(?:https?:)?\/\/|setAttribute\s*\(\s*["'](?:src|href)["']\s*,\s*["'`](?:https?:)?\/\//, what: "a src/href set to a network URL" },
];

const ALLOW_NETWORK_NOTE = "renders block every request outside the project (the render fails unless --allow-network), and what comes from the network can differ between renders";

/**
 * Network use: remote references in the markup and CSS (scripts keep their own code, remote_script; remote
 * sub-compositions are the model's remote_subcomposition) and network APIs in inline scripts.
 */
function networkFindings(a: ProjectAnalysis): LintFinding[] {
  const out: LintFinding[] = [];
  const at = (f: { file: string; line?: number; element?: string }) => ({
    file: f.file,
    ...(f.element !== undefined ? { element: f.element } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
  });
  for (const s of a.scripts) {
    if (!s.remote) continue;
    const gsap = GSAP_CDN_RE.test(s.src!.trim());
    out.push({
      code: "remote_script",
      severity: "warning",
      message: gsap
        ? `script ${s.src} loads GSAP from a CDN: renders use the installed gsap package instead, but the preview needs the network`
        : `script ${s.src} loads from the network: ${ALLOW_NETWORK_NOTE}`,
      hint: "download the script into the project (e.g. npm's gsap/dist/gsap.min.js) and load it by a relative path",
      ...at(s),
    });
  }
  const KIND: Record<string, string> = { stylesheet: "stylesheet", link: "link", media: "media", image: "image", poster: "poster", srcset: "srcset image", "css-url": "CSS url()", "css-import": "CSS @import" };
  for (const r of a.references) {
    if (!r.remote || r.kind === "script" || r.kind === "subcomposition") continue;
    out.push({
      code: "remote_asset",
      severity: "warning",
      message: `${KIND[r.kind] ?? r.kind} ${r.url} loads from the network: ${ALLOW_NETWORK_NOTE}`,
      hint: "download the file into the project and reference it by a relative path",
      ...at(r),
    });
  }
  for (const s of a.scripts) {
    if (!s.isJs || !s.text.trim()) continue;
    const code = stripJsComments(s.text);
    for (const p of NETWORK_PATTERNS) {
      const m = p.re.exec(code);
      if (!m) continue;
      out.push(
        scriptFindingAt(s, code, m.index, {
          code: "network_request",
          severity: "warning",
          message: `inline script uses ${p.what}, which reaches the network unless it loads a file of the project: ${ALLOW_NETWORK_NOTE}`,
          hint: "put the data in the project (a file next to the composition, or inline in the script) and load it by a relative path",
        }),
      );
    }
  }
  return out;
}

function compOf(n: VNode): string {
  for (let p = n.parent; p; p = p.parent) if (p.isComposition) return p.attr("data-composition-id") ?? "";
  return "";
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/** Sort findings by file (entry first), line, then code, and drop exact duplicates. */
function finish(a: ProjectAnalysis, findings: LintFinding[]): LintResult {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const k = `${f.code}\0${f.file}\0${f.line ?? ""}\0${f.element ?? ""}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const order = new Map<string, number>();
  a.docs.forEach((d, i) => order.set(d.rel, i));
  unique.sort(
    (x, y) =>
      (order.get(x.file) ?? 1e6) - (order.get(y.file) ?? 1e6) ||
      x.file.localeCompare(y.file) ||
      (x.line ?? 0) - (y.line ?? 0) ||
      x.code.localeCompare(y.code),
  );
  return {
    findings: unique,
    errorCount: unique.filter((f) => f.severity === "error").length,
    warningCount: unique.filter((f) => f.severity === "warning").length,
  };
}

/** Lint a project folder (default entry: index.html). Never throws for problems in the project. */
export function lintProjectSync(dir: string, opts: LintOptions = {}): LintResult {
  const a = analyzeProject(dir, opts);
  return finish(a, [...a.findings, ...projectRules(a)]);
}

export async function lintProject(dir: string, opts: LintOptions = {}): Promise<LintResult> {
  return lintProjectSync(dir, opts);
}

/** Human line for one finding: `file:line  severity  code  message (hint)`. */
export function formatFinding(f: LintFinding): string {
  const where = `${f.file}${f.line ? `:${f.line}` : ""}`;
  const el = f.element && !f.message.includes(f.element) ? `${f.element}: ` : "";
  return `${where}  ${f.severity}  ${f.code}  ${el}${f.message} (${f.hint})`;
}
