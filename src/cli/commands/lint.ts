/** `hyperframes lint [dir]`: static checks of a composition project (exit 1 when there are errors). */
import path from "node:path";
import type { Command } from "commander";
import { createOutput } from "../output.js";
// the linter (HTML parser, CSS selectors) loads when the command runs: other commands start without it

interface LintFlags {
  json?: boolean;
  entry?: string;
}

export function register(program: Command): void {
  program
    .command("lint")
    .description("check a composition project for mistakes (missing files, bad timing, variables, determinism)")
    .argument("[dir]", "project folder (default: the current folder)")
    .option("--entry <file>", "entry HTML file, relative to the project", "index.html")
    .option("--json", "machine-readable output on stdout")
    .addHelpText(
      "after",
      `
Each finding prints as  file:line  severity  code  message (hint).
Exit code: 1 when there is at least one error, 0 otherwise (warnings alone pass).

Examples:
  $ hyperframes lint                      lint the project in the current folder
  $ hyperframes lint my-video --json      findings as JSON
  $ hyperframes lint my-video --entry scenes/intro.html`,
    )
    .action(async (dir: string | undefined, flags: LintFlags) => {
      const out = createOutput(Boolean(flags.json));
      const projectDir = path.resolve(dir ?? ".");
      const { formatFinding, lintProject } = await import("../../compose/lint.js");
      const result = await lintProject(projectDir, { entry: flags.entry });
      const ok = result.errorCount === 0;
      const lines = result.findings.map(formatFinding);
      const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
      lines.push(
        result.findings.length === 0
          ? `✓ ${dir ?? "."}: no problems`
          : `${ok ? "✓" : "✖"} ${dir ?? "."}: ${plural(result.errorCount, "error")}, ${plural(result.warningCount, "warning")}`,
      );
      out.result(
        { type: "lint", ok, dir: projectDir, entry: flags.entry ?? "index.html", errorCount: result.errorCount, warningCount: result.warningCount, findings: result.findings },
        lines.join("\n"),
      );
      if (!ok) process.exitCode = 1;
    });
}
