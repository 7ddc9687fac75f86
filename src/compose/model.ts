/**
 * The static composition model: reads a project folder without a browser and describes its root, clips
 * (with absolute times), media, sub-compositions, variables and every file it references.
 *
 * `analyzeProject` never throws on a broken project: it returns what it could build plus findings
 * (shared with lint). `loadComposition` turns fatal findings into a CompositionError.
 * The work is done by the stages in model/ (root, mount, references, scripts, build) over one context.
 */
import { CompositionError } from "../errors.js";
import type { CompositionModel } from "./types.js";
import { finding, newAnalysis } from "./model/context.js";
import { openEntry, readRoot } from "./model/root.js";
import { mountTree } from "./model/mount.js";
import { collectReferences } from "./model/references.js";
import { collectScripts } from "./model/scripts.js";
import { buildModel } from "./model/build.js";
import type { AnalyzeOptions, ProjectAnalysis } from "./model/types.js";

export { DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FPS } from "./model/types.js";
export type { AnalyzeOptions, FileReference, LoadedDoc, ProjectAnalysis, ReferenceKind, ScriptInfo, VNode } from "./model/types.js";

/** Analyse a project folder. Never throws for problems in the project; they become findings. */
export function analyzeProject(dir: string, opts: AnalyzeOptions = {}): ProjectAnalysis {
  const a = newAnalysis(dir, opts.entry ?? "index.html");
  const ctx = openEntry(a, dir, opts);
  if (!ctx) return a;
  const facts = readRoot(ctx);
  if (!facts) return a;
  const mounted = mountTree(ctx, facts);
  const refsByDoc = collectReferences(ctx);
  collectScripts(ctx);
  a.model = buildModel(ctx, facts, mounted, refsByDoc);
  return a;
}

/**
 * Load a project's composition model. Throws a CompositionError when the project cannot be read
 * (missing folder or entry, no root composition, a sub-composition cycle); other problems are left to lint.
 */
/** Findings that stop a load (render, snapshot, info, pack) instead of falling back to a default. */
const REFUSED = new Set(["subcomposition_cycle", "local_file_outside_project", "invalid_dimensions", "invalid_duration"]);

export async function loadComposition(dir: string, opts: AnalyzeOptions = {}): Promise<CompositionModel> {
  const a = analyzeProject(dir, opts);
  // a file outside the project is never loaded, and a root size or length out of range is not silently replaced by a
  // default: refused like a broken project (`hyperframes lint` lists every one)
  const fatal = a.fatal ?? a.findings.find((f) => REFUSED.has(f.code));
  if (fatal || !a.model) {
    const f = fatal ?? finding("root_composition_missing", "error", `cannot load ${dir}`, "run `hyperframes lint`", a.entry);
    throw new CompositionError(f.code, f.message, { file: f.file, line: f.line, hint: f.hint });
  }
  return a.model;
}
