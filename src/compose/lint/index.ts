/**
 * Static lint of a composition project. Every finding has a stable code, a severity, the file (project-
 * relative), the 1-based line, the element, a message and a fix hint. Lint never throws on a broken
 * project: loading problems (missing entry/root, bad references, cycles) are findings too.
 *
 * The checks are rules (./rule.ts) grouped by topic (composition, scripts, gsap, media, css); this module
 * runs them, sorts the findings, and derives the code list from what the rules declare. Adding a check is
 * adding a rule to a topic file and to RULES below.
 */
import type { LintFinding, LintResult } from "../types.js";
import { analyzeProject, type ProjectAnalysis } from "../model.js";
import { describeElement } from "../html.js";
import { stripJsComments } from "./js-scan.js";
import type { CodeSeverity, LintContext, LintRule } from "./rule.js";
import { MODEL_CODES, clipClass, duplicateCompositionId, durationSource, nestedStructure, timelineRegistration, trackAttributes, variableValues } from "./composition.js";
import { network, nonDeterministicCode, requestAnimationFrameRule } from "./scripts.js";
import { gsapClipElement, gsapInfiniteRepeat, gsapRepeatCeil, missingGsap } from "./gsap.js";
import { audioTrackOverlap, imperativeMediaControl, mediaAttributes, timedVideo } from "./media.js";
import { rootStyledByClass } from "./css.js";
import { scriptSyntax } from "./syntax.js";

export { stripJsComments } from "./js-scan.js";
export type { CodeSeverity, LintContext, LintRule } from "./rule.js";
export { renderGate, RENDERED_ANYWAY, type RenderGate } from "./render-gate.js";

export interface LintOptions {
  entry?: string;
  /** the flag named in entry hints (default `--entry`; `--composition` for pack) */
  entryFlag?: string;
  /** the entry's HTML when it is not a file on disk (see AnalyzeOptions.source) */
  source?: string;
}

/** Every rule, in the order they run (the findings are sorted afterwards). */
export const RULES: readonly LintRule[] = [
  durationSource,
  timelineRegistration,
  missingGsap,
  nestedStructure,
  network,
  scriptSyntax,
  nonDeterministicCode,
  requestAnimationFrameRule,
  gsapInfiniteRepeat,
  gsapRepeatCeil,
  gsapClipElement,
  imperativeMediaControl,
  rootStyledByClass,
  mediaAttributes,
  clipClass,
  timedVideo,
  audioTrackOverlap,
  trackAttributes,
  variableValues,
  duplicateCompositionId,
];

/** Every lint code this module can emit, with its severity: the model's loading codes, then each rule's. */
export const LINT_CODES: Record<string, CodeSeverity> = deriveCodes();

function deriveCodes(): Record<string, CodeSeverity> {
  const out: Record<string, CodeSeverity> = { ...MODEL_CODES };
  for (const rule of RULES)
    for (const [code, severity] of Object.entries(rule.codes)) {
      if (code in out) throw new Error(`lint code ${code} is declared twice (rule ${rule.name})`);
      out[code] = severity;
    }
  return out;
}

/** The rules' findings for a project whose model and root loaded (none otherwise). */
function projectRules(a: ProjectAnalysis): LintFinding[] {
  const { model, root } = a;
  if (!model || !root) return [];
  const jsScripts = a.scripts.filter((s) => s.isJs && (s.src !== undefined || s.text.trim() !== ""));
  const ctx: LintContext = {
    a,
    model,
    root,
    rootAt: { file: root.doc.rel, line: root.line, element: describeElement(root.el) },
    jsScripts,
    hasScript: jsScripts.length > 0,
    inline: a.scripts.filter((s) => s.isJs && s.text.trim()).map((s) => ({ s, code: stripJsComments(s.text) })),
  };
  return RULES.flatMap((rule) => rule.check(ctx));
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
