/**
 * Model stage "root": opens the entry file (project folder, entry path and its boundary) and reads the root
 * composition element (id, dimensions, duration, fps, variables). Fatal problems end the analysis here.
 */
import path from "node:path";
import { statSync } from "node:fs";
import type { LintFinding, VariableDecl } from "../types.js";
import { allElements, attr, findTag, hasAttr, isInsideTemplate, parentElement, type Element } from "../html.js";
import { checkProjectPath, fileExists, projectRelative } from "../files.js";
import { parseTimingNumber } from "../timing.js";
import { mergeSchemas, parseVariableSchema } from "../variables.js";
import { addFinding, createContext, finding, type Ctx } from "./context.js";
import { DEFAULT_FPS, DEFAULT_HEIGHT, DEFAULT_WIDTH, type AnalyzeOptions, type LoadedDoc, type ProjectAnalysis } from "./types.js";
import { pickRoot } from "../root-rule.js";

/** What the root element says about the whole composition. */
export interface RootFacts {
  rootEl: Element;
  htmlEl: Element | null;
  rootId: string;
  width: number;
  height: number;
  duration: number;
  fps: number | undefined;
  noTimeline: boolean;
  variables: VariableDecl[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Marks the analysis as failed with `f`; the stage then stops. */
function failWith(a: ProjectAnalysis, f: LintFinding): null {
  addFinding(a, f);
  a.fatal = f;
  return null;
}

/** Check the project folder and the entry file; on success, the context over the loaded entry document. */
export function openEntry(a: ProjectAnalysis, dir: string, opts: AnalyzeOptions): Ctx | null {
  const projectDir = a.dir;
  const entryArg = opts.entry ?? "index.html";
  const flag = opts.entryFlag ?? "--entry";
  const fatal = (f: LintFinding): null => failWith(a, f);


  if (!isDir(projectDir)) {
    const isFile = fileExists(projectDir);
    return fatal(
      finding(
        "project_dir_missing",
        "error",
        isFile ? `${dir} is a file, not a project folder` : `project folder ${dir} does not exist`,
        isFile
          ? `pass its folder instead: ${path.dirname(dir) || "."}${path.basename(projectDir) === "index.html" ? "" : ` ${flag} ${path.basename(projectDir)}`}`
          : "pass the folder that holds index.html (or create it with `hyperframes init`)",
        dir,
      ),
    );
  }
  const entryAbs = path.resolve(projectDir, entryArg);
  const entryRel = projectRelative(projectDir, entryAbs);
  if (entryRel === null || entryRel === "")
    return fatal(finding("entry_outside_project", "error", `entry ${entryArg} is not inside the project folder ${projectDir}`, `pass ${flag} as a path inside the project`, entryArg));
  const entryCheck = checkProjectPath(projectDir, entryAbs);
  if (!entryCheck.inside)
    return fatal(
      finding(
        "entry_outside_project",
        "error",
        `entry ${entryRel} is a symlink to ${entryCheck.real}, outside the project folder ${projectDir}`,
        "put the entry file itself in the project (renders and the preview read only the project's own files)",
        entryRel,
      ),
    );
  a.entry = entryRel;
  if (opts.source === undefined && !fileExists(entryAbs))
    return fatal(
      finding(
        "entry_missing",
        "error",
        `entry file ${entryRel} does not exist in ${projectDir}`,
        entryArg === "index.html" ? `create index.html, or pass ${flag} <file>` : `check the ${flag} path (it is relative to the project folder)`,
        entryRel,
      ),
    );
  return createContext(a, entryAbs, entryRel, opts.source);
}

/** Find the root composition element and read its attributes. */
export function readRoot(ctx: Ctx): RootFacts | null {
  const { entryDoc, entryRel, add, at } = ctx;
  const rootEl = findRoot(ctx);
  if (!rootEl) return null;
  const htmlEl = findTag(entryDoc.html.doc, "html");
  if (!htmlEl) {
    const w = at(entryDoc, rootEl);
    add(
      finding(
        "root_composition_missing_html_wrapper",
        "warning",
        `${entryRel} is a fragment, not a full HTML document`,
        "wrap it in <!doctype html><html><head>…</head><body>…</body></html>",
        w.file,
        w.line,
        w.element,
      ),
    );
  }
  const rootLoc = at(entryDoc, rootEl);
  const rootId = attr(rootEl, "data-composition-id") ?? "";
  if (!rootId.trim())
    add(finding("root_missing_composition_id", "error", "the root composition's data-composition-id is empty", 'give it a stable id, e.g. data-composition-id="main"', rootLoc.file, rootLoc.line, rootLoc.element));
  const { width, height } = readDimensions(ctx, rootEl, rootLoc);
  const duration = readDuration(ctx, rootEl, rootLoc);
  const fps = readFps(ctx, rootEl, rootLoc);
  const noTimeline = hasAttr(rootEl, "data-no-timeline") && attr(rootEl, "data-no-timeline") !== "false";
  const variables = readSchema(ctx, entryDoc, [htmlEl, rootEl]);
  return { rootEl, htmlEl, rootId, width, height, duration, fps, noTimeline, variables };
}

/** Where a finding on the root element points. */
type Loc = ReturnType<Ctx["at"]>;

/** The entry's root composition element (outside any <template>); without one the analysis fails. */
function findRoot(ctx: Ctx): Element | null {
  const { a, entryDoc, entryRel, at } = ctx;
  const fatal = (f: LintFinding): null => failWith(a, f);
  const compEls = allElements(entryDoc.html.doc).filter((e) => hasAttr(e, "data-composition-id"));
  const candidates = compEls.filter((e) => !isInsideTemplate(e));
  const rootEl = pickRoot(candidates, {
    flagged: (e) => attr(e, "data-root") === "true",
    nested: (e) => candidates.some((o) => o !== e && isAncestor(o, e)),
  });
  if (rootEl) return rootEl;
  const wrapped = compEls[0];
  if (wrapped) {
    const w = at(entryDoc, wrapped);
    return fatal(
      finding(
        "standalone_composition_wrapped_in_template",
        "error",
        `the root composition ${w.element} of ${entryRel} is inside a <template>, so it is never rendered`,
        "in the entry file, put the root [data-composition-id] element directly in <body>; only sub-composition files use <template>",
        w.file,
        w.line,
        w.element,
      ),
    );
  }
  return fatal(
    finding(
      "root_composition_missing",
      "error",
      `${entryRel} has no element with data-composition-id`,
      'wrap the composition in <div data-composition-id="main" data-width="1920" data-height="1080" data-duration="5"> inside <body>',
      entryRel,
    ),
  );
}

/** The root's data-width / data-height (the producer defaults when missing or invalid, which are findings). */
function readDimensions(ctx: Ctx, rootEl: Element, rootLoc: Loc): { width: number; height: number } {
  const { add } = ctx;
  let width = DEFAULT_WIDTH;
  let height = DEFAULT_HEIGHT;
  const rawW = attr(rootEl, "data-width");
  const rawH = attr(rootEl, "data-height");
  if (rawW === undefined || rawH === undefined || !rawW.trim() || !rawH.trim()) {
    add(
      finding(
        "root_missing_dimensions",
        "error",
        `the root composition has no ${[rawW?.trim() ? "" : "data-width", rawH?.trim() ? "" : "data-height"].filter(Boolean).join(" or ")} (the renderer would default to ${DEFAULT_WIDTH}x${DEFAULT_HEIGHT})`,
        'set data-width and data-height in pixels on the root, e.g. data-width="1920" data-height="1080"',
        rootLoc.file,
        rootLoc.line,
        rootLoc.element,
      ),
    );
  }
  for (const [name, raw] of [
    ["data-width", rawW],
    ["data-height", rawH],
  ] as const) {
    if (raw === undefined || !raw.trim()) continue;
    const n = parseTimingNumber(raw);
    if (n == null || n <= 0 || !Number.isInteger(n) || n > 16384)
      add(
        finding(
          "invalid_dimensions",
          "error",
          `${name}="${raw}" on the root is not a whole number of pixels between 1 and 16384`,
          `use a positive integer, e.g. ${name}="${name === "data-width" ? 1920 : 1080}"`,
          rootLoc.file,
          rootLoc.line,
          rootLoc.element,
        ),
      );
    else if (name === "data-width") width = n;
    else height = n;
  }
  return { width, height };
}

/** The root's duration: data-duration, else data-composition-duration, else 0 (invalid values are findings). */
function readDuration(ctx: Ctx, rootEl: Element, rootLoc: Loc): number {
  const { add } = ctx;
  const rawDur = attr(rootEl, "data-duration");
  const rawCompDur = attr(rootEl, "data-composition-duration");
  const dur = parseTimingNumber(rawDur);
  if (rawDur !== undefined && rawDur.trim() && (dur == null || dur < 0))
    add(finding("invalid_duration", "error", `data-duration="${rawDur}" on the root is not a non-negative number of seconds`, 'use seconds, e.g. data-duration="5"', rootLoc.file, rootLoc.line, rootLoc.element));
  if (dur != null && dur > 0) return dur;
  const cd = parseTimingNumber(rawCompDur);
  if (rawCompDur !== undefined && rawCompDur.trim() && (cd == null || cd < 0))
    add(
      finding(
        "invalid_duration",
        "error",
        `data-composition-duration="${rawCompDur}" on the root is not a non-negative number of seconds`,
        'use seconds, e.g. data-duration="5"',
        rootLoc.file,
        rootLoc.line,
        rootLoc.element,
      ),
    );
  return cd != null && cd > 0 ? cd : 0;
}

/** The root's data-fps, when it is a valid frame rate (an invalid one is a warning). */
function readFps(ctx: Ctx, rootEl: Element, rootLoc: Loc): number | undefined {
  const rawFps = attr(rootEl, "data-fps");
  if (rawFps === undefined || !rawFps.trim()) return undefined;
  const f = parseTimingNumber(rawFps);
  if (f == null || f <= 0 || f > 240) {
    ctx.add(finding("invalid_fps", "warning", `data-fps="${rawFps}" is not a frame rate between 0 and 240 (the default ${DEFAULT_FPS} is used)`, 'use e.g. data-fps="30"', rootLoc.file, rootLoc.line, rootLoc.element));
    return undefined;
  }
  return f;
}

/** The merged variable schema declared on `els` (first declaration wins), with its problems as findings. */
export function readSchema(ctx: Ctx, d: LoadedDoc, els: (Element | null | undefined)[]): VariableDecl[] {
  const { add, at } = ctx;
  const lists: VariableDecl[][] = [];
  const seen = new Set<Element>();
  for (const el of els) {
    if (!el || seen.has(el)) continue;
    seen.add(el);
    const raw = attr(el, "data-composition-variables");
    if (raw === undefined) continue;
    const { decls, problems } = parseVariableSchema(raw);
    const loc = at(d, el);
    for (const p of problems) add(finding(p.code, p.severity, p.message, p.hint, loc.file, loc.line, loc.element));
    lists.push(decls);
  }
  return mergeSchemas(...lists);
}

function isAncestor(anc: Element, el: Element): boolean {
  for (let p = parentElement(el); p; p = parentElement(p)) if (p === anc) return true;
  return false;
}
