/**
 * Lint before a render (`render`, a batch, `snapshot`): a composition that lint rejects with errors is not
 * rendered (exit 1, the findings listed), so no time goes into a video that comes out wrong. `--force` (the
 * official CLI's `--best-effort`) renders anyway; `--strict` is the default, spelled out; `--strict-all`
 * refuses on warnings too. A batch is checked once, before its first row.
 */
import { UsageError } from "../errors.js";

export type LintGateMode = "errors" | "all" | "off";

export interface LintGateFlags {
  force?: boolean;
  bestEffort?: boolean;
  strict?: boolean;
  strictAll?: boolean;
}

/** The gate the flags ask for; contradicting flags are a usage error. */
export function lintGateMode(o: LintGateFlags): LintGateMode {
  const force = o.force ? "--force" : o.bestEffort ? "--best-effort" : undefined;
  const strict = o.strictAll ? "--strict-all" : o.strict ? "--strict" : undefined;
  if (force && strict)
    throw new UsageError("invalid_option", `${force} and ${strict} contradict each other: one renders despite lint errors, the other refuses`, {
      hint: "drop one of them (refusing on lint errors is the default)",
    });
  return force ? "off" : o.strictAll ? "all" : "errors";
}

const MAX_LISTED = 20;

/**
 * Lint `dir` (entry `entry`) and refuse when the gate says so. What the composition loader refuses on its own
 * (no entry, a file outside the project, a size out of range…) is thrown as the loader's own error, the one
 * `render` gives with --force too. Lint errors the renderer handles anyway (RENDERED_ANYWAY) go to `warn`.
 */
export async function lintGate(dir: string, entry: string, mode: LintGateMode, warn: (message: string) => void): Promise<void> {
  if (mode === "off") return;
  const [{ lintProject, formatFinding, renderGate, RENDERED_ANYWAY }, { loadComposition }, { assertProjectFolder }] = await Promise.all([
    import("../compose/lint.js"),
    import("../compose/model.js"),
    import("../compose/project-dir.js"),
  ]);
  const project = assertProjectFolder(dir, "--composition");
  const opts = { entry, entryFlag: "--composition" };
  await loadComposition(project, opts);
  const r = await lintProject(project, opts);
  const gate = renderGate(r, { warningsToo: mode === "all" });
  // said without lint's own message, which predicts a failure that does not happen here ("the video would freeze")
  for (const f of gate.tolerated)
    warn(`${f.file}${f.line ? `:${f.line}` : ""}  ${f.code}${f.element ? `  ${f.element}` : ""}: a lint error, rendered anyway: ${RENDERED_ANYWAY[f.code]}`);
  if (!gate.blocking.length) return;
  const listed = gate.blocking.slice(0, MAX_LISTED).map(formatFinding);
  if (gate.blocking.length > MAX_LISTED) listed.push(`… and ${gate.blocking.length - MAX_LISTED} more`);
  const flag = mode === "all" ? " (--strict-all)" : "";
  throw new UsageError("lint_failed", `lint found ${r.errorCount} error(s) and ${r.warningCount} warning(s); not rendering${flag}:\n${listed.join("\n")}`, {
    hint: `fix them (\`hyperframes lint ${dir}\` lists them all)${mode === "all" ? ", or drop --strict-all to render despite warnings" : ", or pass --force to render anyway (the video may come out wrong)"}`,
    data: { findings: gate.blocking },
  });
}
