/**
 * script_syntax_error: an inline script that does not parse never runs, so its timeline is never registered
 * and the render draws a still page. The other script rules read the text; this one parses it (acorn), as a
 * classic script and, failing that, as a module, and reports the parser's position in the user's file.
 */
import { parse } from "acorn";
import type { LintFinding } from "../types.js";
import type { LintRule } from "./rule.js";

function syntaxError(text: string): { message: string; line: number; column: number } | undefined {
  const attempt = (sourceType: "script" | "module") => {
    try {
      parse(text, { ecmaVersion: "latest", sourceType, allowHashBang: true });
      return undefined;
    } catch (e) {
      const err = e as SyntaxError & { loc?: { line: number; column: number } };
      return { message: err.message.replace(/\s*\(\d+:\d+\)$/, ""), line: err.loc?.line ?? 1, column: err.loc?.column ?? 0 };
    }
  };
  const asScript = attempt("script");
  return asScript && attempt("module") ? asScript : undefined;
}

export const scriptSyntax: LintRule = {
  name: "script-syntax",
  codes: { script_syntax_error: "error" },
  check: (ctx) => {
    const out: LintFinding[] = [];
    for (const { s } of ctx.inline) {
      const e = syntaxError(s.text);
      if (!e) continue;
      const f: LintFinding = {
        code: "script_syntax_error",
        severity: "error",
        message: `inline script does not parse: ${e.message}${e.line > 1 ? ` (column ${e.column + 1})` : ""}; it never runs, so nothing it sets up (the timeline) exists`,
        hint: "fix the JavaScript at that line (a browser console or `node --check` on the script shows the same error)",
        file: s.file,
        element: s.element,
      };
      const line = s.textLine !== undefined ? s.textLine + e.line - 1 : s.line;
      if (line !== undefined) f.line = line;
      out.push(f);
    }
    return out;
  },
};
