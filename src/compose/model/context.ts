/**
 * Model stages — the one context object every stage works over (project paths, the entry document, the
 * document loader, location helpers) and the finding helpers that add to the analysis.
 */
import path from "node:path";
import { describeElement, parseHtml, type Element } from "../html.js";
import { projectRelative, readTextFile, type ResolveContext } from "../files.js";
import type { LintFinding } from "../types.js";
import type { LoadedDoc, ProjectAnalysis } from "./types.js";

/** What the stages share once the entry file is known to exist. */
export interface Ctx {
  a: ProjectAnalysis;
  projectDir: string;
  entryAbs: string;
  entryRel: string;
  /** the entry file's folder: relative URLs in documents resolve from here */
  baseDir: string;
  entryDoc: LoadedDoc;
  docByAbs: Map<string, LoadedDoc>;
  /** add a finding (exact duplicates are dropped) */
  add: (f: LintFinding) => void;
  /** load (once) and register a document */
  loadDoc: (abs: string, mode: LoadedDoc["mode"]) => LoadedDoc;
  lineOf: (d: LoadedDoc, el: Element) => number | undefined;
  at: (d: LoadedDoc, el: Element) => { file: string; line: number | undefined; element: string };
  /** how URLs written in `d` resolve */
  ctxFor: (d: LoadedDoc) => ResolveContext;
}

export function finding(
  code: string,
  severity: "error" | "warning",
  message: string,
  hint: string,
  file: string,
  line?: number,
  element?: string,
): LintFinding {
  const f: LintFinding = { code, severity, message, hint, file };
  if (line !== undefined) f.line = line;
  if (element !== undefined) f.element = element;
  return f;
}

/** The empty analysis of `dir`, before any stage ran. */
export function newAnalysis(dir: string, entryArg: string): ProjectAnalysis {
  return { dir: path.resolve(dir), entry: entryArg.split(path.sep).join("/"), findings: [], docs: [], nodes: [], references: [], scripts: [] };
}

/** Add a finding to the analysis unless the same one is already there. */
export function addFinding(a: ProjectAnalysis, f: LintFinding): void {
  if (a.findings.some((x) => x.code === f.code && x.file === f.file && x.line === f.line && x.message === f.message)) return;
  a.findings.push(f);
}

/** The context over an existing entry file (or the given entry source): its document is loaded first. */
export function createContext(a: ProjectAnalysis, entryAbs: string, entryRel: string, entrySource?: string): Ctx {
  const projectDir = a.dir;
  const baseDir = path.dirname(entryAbs);
  const docByAbs = new Map<string, LoadedDoc>();
  const lineOf = (d: LoadedDoc, el: Element): number | undefined => d.html.lineAt(el.startIndex);
  const ctx: Ctx = {
    a,
    projectDir,
    entryAbs,
    entryRel,
    baseDir,
    entryDoc: undefined as unknown as LoadedDoc,
    docByAbs,
    add: (f) => addFinding(a, f),
    loadDoc: (abs, mode) => {
      const hit = docByAbs.get(abs);
      if (hit) return hit;
      const source = (abs === entryAbs ? entrySource : undefined) ?? readTextFile(abs) ?? "";
      const d: LoadedDoc = { rel: projectRelative(projectDir, abs) ?? abs, abs, html: parseHtml(source), mode };
      docByAbs.set(abs, d);
      a.docs.push(d);
      return d;
    },
    lineOf,
    at: (d, el) => ({ file: d.rel, line: lineOf(d, el), element: describeElement(el) }),
    ctxFor: (d) => ({ projectDir, baseDir, fileDir: path.dirname(d.abs), mode: d.mode }),
  };
  ctx.entryDoc = ctx.loadDoc(entryAbs, "document");
  a.entryDoc = ctx.entryDoc;
  return ctx;
}
