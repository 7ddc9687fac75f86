/**
 * GSAP rules: infinite repeats (gsap_infinite_repeat), repeat counts rounded up with Math.ceil
 * (gsap_repeat_ceil_overshoot), tweens that set display/visibility on a `.clip` element
 * (gsap_animates_clip_element), and GSAP calls in a composition that never loads GSAP (missing_gsap_script).
 */
import type { LintFinding } from "../types.js";
import type { ProjectAnalysis, ScriptInfo, VNode } from "../model.js";
import { describeElement } from "../html.js";
import { readTextFile } from "../files.js";
import { callArgs, exprEnd, IDENT, LOOKUP, lookupVariables, matchClose, matchSelector, objectKeys, resolveLookup, scriptElements, splitTopLevel, stringLiteral, stripJsComments } from "./js-scan.js";
import { classList, escapeRe, lineIn, scriptFindingAt, short, type LintRule } from "./rule.js";

const INFINITE_REPEAT = /\brepeat\s*:\s*-\s*1\b|\.repeat\s*\(\s*-\s*1\s*\)/;

export const gsapInfiniteRepeat: LintRule = {
  name: "gsap-infinite-repeat",
  codes: { gsap_infinite_repeat: "warning" },
  check: ({ inline }) =>
    inline.flatMap(({ s, code }) => {
      const m = INFINITE_REPEAT.exec(code);
      if (!m) return [];
      return [
        scriptFindingAt(s, code, m.index, {
          code: "gsap_infinite_repeat",
          severity: "warning",
          message: "inline script uses repeat: -1 (an infinite repeat); the render length is fixed, so an infinite timeline never ends cleanly",
          hint: "use a finite repeat count: Math.floor(duration / cycleLength) - 1",
        }),
      ];
    }),
};

export const gsapRepeatCeil: LintRule = {
  name: "gsap-repeat-ceil",
  codes: { gsap_repeat_ceil_overshoot: "warning" },
  check: ({ inline }) => inline.flatMap(({ s, code }) => repeatCeilFindings(s, code)),
};

export const gsapClipElement: LintRule = {
  name: "gsap-clip-element",
  codes: { gsap_animates_clip_element: "error" },
  check: ({ a, inline }) => inline.flatMap(({ s, code }) => gsapClipFindings(s, code, scriptElements(a, s.file))),
};

export const missingGsap: LintRule = {
  name: "missing-gsap",
  codes: { missing_gsap_script: "error" },
  check: ({ a, jsScripts }) => missingGsapFindings(a, jsScripts),
};

export const GSAP_RULES: LintRule[] = [gsapInfiniteRepeat, gsapRepeatCeil, gsapClipElement, missingGsap];

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
