/**
 * The rule shape every lint check uses, the context rules read, and small helpers that build findings.
 * A rule is a function from the context to findings plus the codes (with severities) it can emit; the
 * module's code list is derived from those declarations, so adding a check is adding a rule.
 */
import type { CompositionModel, LintFinding } from "../types.js";
import type { ProjectAnalysis, ScriptInfo, VNode } from "../model.js";
import { attr, describeElement, type Element } from "../html.js";

/** The severity a code is emitted with (`error|warning`: which one depends on the context). */
export type CodeSeverity = "error" | "warning" | "error|warning";

export interface LintContext {
  a: ProjectAnalysis;
  model: CompositionModel;
  root: VNode;
  /** where a finding about the root points */
  rootAt: { file: string; line: number | undefined; element: string };
  /** JS scripts with a src or some inline text */
  jsScripts: ScriptInfo[];
  hasScript: boolean;
  /** the inline JS scripts (non-empty text), each with its comment-stripped code, in document order */
  inline: { s: ScriptInfo; code: string }[];
}

export interface LintRule {
  /** a short name for the check */
  name: string;
  /** every code the rule can emit, with its severity */
  codes: Readonly<Record<string, CodeSeverity>>;
  check(ctx: LintContext): LintFinding[];
}

export function lineIn(text: string, index: number, firstLine: number | undefined): number | undefined {
  if (firstLine === undefined) return undefined;
  let l = firstLine;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) l++;
  return l;
}

/** A finding in inline script `s`, located at `index` of its comment-stripped `code`. */
export function scriptFindingAt(s: ScriptInfo, code: string, index: number, f: Pick<LintFinding, "code" | "severity" | "message" | "hint">): LintFinding {
  const out: LintFinding = { ...f, file: s.file, element: s.element };
  const line = lineIn(code, index, s.textLine) ?? s.line;
  if (line !== undefined) out.line = line;
  return out;
}

export function nodeFinding(n: VNode, code: string, severity: "error" | "warning", message: string, hint: string): LintFinding {
  const f: LintFinding = { code, severity, message, hint, file: n.doc.rel, element: describeElement(n.el) };
  if (n.line !== undefined) f.line = n.line;
  return f;
}

/** `text` cut to `max` characters for a message. */
export function short(text: string, max = 40): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

export const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const isMediaNode = (n: VNode): boolean => n.el.name === "video" || n.el.name === "audio";
export const classList = (el: Element): string[] => (attr(el, "class") ?? "").split(/\s+/).filter(Boolean);
