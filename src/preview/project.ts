/**
 * What the preview needs to know about a project folder without a browser: which HTML files are
 * compositions (for the picker: top-level entries, and sub-compositions anywhere in the project, which open
 * alone through the page solo.ts makes), and, for one of them, its size, timing, variable schema, clips and
 * lint findings (from the static model in src/compose).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "htmlparser2";
import type { Element, ChildNode } from "domhandler";
import { loadComposition, lintProject } from "../compose/index.js";
import { checkProjectPath } from "../compose/files.js";
import type { ClipInfo, LintResult, VariableDecl } from "../compose/types.js";
import { pickRoot } from "../compose/root-rule.js";
import { SOLO_ENTRY, soloPage } from "./solo.js";
import { LIB_RE } from "../compose/compile/scripts.js";
import { subCompositionRoot } from "../compose/compile/dom.js";
import { GSAP_CDN_RE } from "../compose/files.js";

export interface CompositionEntry {
  /** project-relative file, e.g. "index.html" or "compositions/intro.html" */
  file: string;
  /** an entry (a page with its own root) or a sub-composition (a file other compositions mount) */
  kind: "entry" | "sub";
  id: string;
  width: number;
  height: number;
  /** data-fps, else 30 */
  fps: number;
  /** sub-compositions: the root's data-duration, when it has one */
  duration?: number;
}

export interface CompositionDetails extends CompositionEntry {
  /** static duration in seconds (0 when only the page can tell) */
  duration: number;
  variables: VariableDecl[];
  clips: Pick<ClipInfo, "id" | "kind" | "start" | "duration" | "track" | "compositionId">[];
  lint: LintResult | null;
  /** set when the static model could not be built (the page may still explain more) */
  modelError?: { message: string; hint?: string; file?: string; line?: number; code?: string };
}

function isElement(n: ChildNode): n is Element {
  return (n as Element).type === "tag" || (n as Element).type === "script" || (n as Element).type === "style";
}

/** The page's root composition element (compose/root-rule.ts: data-root="true", else the outermost), if any. */
export function findStandaloneRoot(html: string): Element | undefined {
  const doc = parseDocument(html, { lowerCaseAttributeNames: true });
  const candidates: Element[] = [];
  const nested = new Set<Element>();
  const stack: { n: ChildNode; inside: boolean }[] = [...doc.children].reverse().map((n) => ({ n, inside: false }));
  while (stack.length) {
    const { n, inside } = stack.pop()!;
    if (!isElement(n) || n.name === "template") continue;
    const isComp = n.attribs["data-composition-id"] !== undefined;
    if (isComp) {
      candidates.push(n);
      if (inside) nested.add(n);
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push({ n: n.children[i]!, inside: inside || isComp });
  }
  return pickRoot(candidates, { flagged: (e) => e.attribs["data-root"] === "true", nested: (e) => nested.has(e) });
}

function num(v: string | undefined, fallback: number): number {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** A picker entry from a composition root element. */
function entryOf(file: string, kind: CompositionEntry["kind"], root: Element): CompositionEntry {
  const d = Number(root.attribs["data-duration"]);
  return {
    file,
    kind,
    id: root.attribs["data-composition-id"] || path.basename(file, ".html"),
    width: num(root.attribs["data-width"], 1920),
    height: num(root.attribs["data-height"], 1080),
    fps: num(root.attribs["data-fps"], 30),
    ...(kind === "sub" && Number.isFinite(d) && d > 0 ? { duration: d } : {}),
  };
}

/** Read a composition entry from an HTML string; undefined when it has no standalone root. */
export function describeComposition(file: string, html: string): CompositionEntry | undefined {
  const root = findStandaloneRoot(html);
  return root ? entryOf(file, "entry", root) : undefined;
}

/** Read a sub-composition entry from an HTML string; undefined when it has no composition root. */
export function describeSubComposition(file: string, html: string): CompositionEntry | undefined {
  const root = subCompositionRoot(html);
  return root ? entryOf(file, "sub", root) : undefined;
}

/** Describe one project file: an entry when it is a top-level page with a standalone root, else a sub-composition. */
export function describeFile(file: string, html: string): CompositionEntry | undefined {
  return (file.includes("/") ? undefined : describeComposition(file, html)) ?? describeSubComposition(file, html);
}

/** Folders never searched for compositions (outputs, dependencies, hidden folders). */
const SKIP_DIRS = new Set(["renders", "node_modules"]);
const MAX_DEPTH = 4;
const MAX_FILES = 400;

/**
 * Every composition of the project: the top-level `*.html` pages with a standalone root (index.html first),
 * then the sub-compositions (files whose root a page mounts, in compositions/ or anywhere else) by path.
 */
export function discoverCompositions(dir: string): CompositionEntry[] {
  const out: CompositionEntry[] = [];
  let seen = 0;
  const visit = (rel: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (seen >= MAX_FILES) return;
      const file = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, file);
      try {
        const st = statSync(full);
        if (st.isDirectory()) {
          if (depth < MAX_DEPTH && !name.startsWith(".") && !SKIP_DIRS.has(name) && checkProjectPath(dir, full).inside) visit(file, depth + 1);
          continue;
        }
        // a symlink to a file elsewhere is not the project's: never offered (and the server refuses it)
        if (!name.toLowerCase().endsWith(".html") || !st.isFile() || !checkProjectPath(dir, full).inside) continue;
        seen++;
        const entry = describeFile(file, readFileSync(full, "utf8"));
        if (entry) out.push(entry);
      } catch {
        // unreadable file: not offered in the picker
      }
    }
  };
  visit("", 0);
  const rank = (c: CompositionEntry) => (c.kind === "entry" ? (c.file === "index.html" ? 0 : 1) : 2);
  out.sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file));
  return out;
}

/** Parse `data-composition-variables` (on <html> or the root) as a fallback when the model can't be built. */
export function fallbackVariables(html: string): VariableDecl[] {
  const out = new Map<string, VariableDecl>();
  const re = /data-composition-variables\s*=\s*(?:'([^']*)'|"([^"]*)")/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const raw = (m[1] ?? m[2] ?? "").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    try {
      const arr = JSON.parse(raw) as unknown;
      if (!Array.isArray(arr)) continue;
      for (const d of arr as VariableDecl[]) {
        if (d && typeof d.id === "string" && "default" in d) out.set(d.id, { ...d, label: d.label ?? d.id, type: d.type ?? "string" });
      }
    } catch {
      // invalid JSON: lint reports it
    }
  }
  return [...out.values()];
}

/**
 * The libraries (GSAP, Lottie…) the project's pages load with `<script src>`: a sub-composition usually relies
 * on the page that mounts it for them. The pages that mount `file` are asked first, else every page.
 */
function pageLibraries(dir: string, file: string): string[] {
  const pages = discoverCompositions(dir).filter((c) => c.kind === "entry");
  const texts = pages.map((p) => {
    try {
      return readFileSync(path.join(dir, p.file), "utf8");
    } catch {
      return "";
    }
  });
  const mounting = texts.filter((t) => t.includes(`"${file}"`) || t.includes(`'${file}'`) || t.includes(`"./${file}"`));
  const out: string[] = [];
  for (const t of mounting.length ? mounting : texts)
    for (const m of t.matchAll(/<script\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/gi)) {
      const src = m[1]!;
      if ((LIB_RE.test(src.split(/[?#]/)[0]!) || GSAP_CDN_RE.test(src)) && !out.includes(src)) out.push(src);
    }
  return out;
}

/** The page that hosts the sub-composition `sub` (whose file reads `html`) alone, with these variable overrides. */
export function soloSource(dir: string, sub: CompositionEntry, html: string, overrides: Record<string, unknown> = {}): string {
  return soloPage(sub, fallbackVariables(html), overrides, pageLibraries(dir, sub.file));
}

/** Everything the player shows before the page loads. Never throws for a broken composition. */
export async function describeForPreview(dir: string, file: string): Promise<CompositionDetails> {
  const full = path.join(dir, file);
  const html = readFileSync(full, "utf8");
  const entry = describeFile(file, html) ?? { file, kind: "entry" as const, id: path.basename(file, ".html"), width: 1920, height: 1080, fps: 30 };
  const root = entry.kind === "sub" ? subCompositionRoot(html) : findStandaloneRoot(html);
  const variables = fallbackVariables(html);
  const details: CompositionDetails = {
    ...entry,
    duration: num(root?.attribs["data-duration"], num(root?.attribs["data-composition-duration"], 0)),
    variables,
    clips: [],
    lint: null,
  };
  // a sub-composition is read as the page that hosts it alone (solo.ts), at the project root
  const analyze = entry.kind === "sub" ? { entry: SOLO_ENTRY, source: soloSource(dir, entry, html) } : { entry: file };
  try {
    const model = await loadComposition(dir, analyze);
    if (entry.kind === "entry") details.id = model.id || details.id;
    details.width = model.width || details.width;
    details.height = model.height || details.height;
    details.duration = model.duration || details.duration;
    if (model.fps) details.fps = model.fps;
    details.variables = model.variables;
    details.clips = model.clips
      .filter((c) => c.start !== null)
      .map((c) => ({ id: c.id, kind: c.kind, start: c.start, duration: c.duration, track: c.track, compositionId: c.compositionId }));
  } catch (e) {
    const err = e as { message?: string; hint?: string; file?: string; line?: number; code?: string };
    details.modelError = { message: err?.message ?? String(e), hint: err?.hint, file: err?.file, line: err?.line, code: err?.code };
  }
  try {
    const lint = await lintProject(dir, analyze);
    // the hosting page is ours: only the findings in the author's files
    if (entry.kind === "sub") {
      const findings = lint.findings.filter((f) => f.file !== SOLO_ENTRY);
      details.lint = { findings, errorCount: findings.filter((f) => f.severity === "error").length, warningCount: findings.filter((f) => f.severity === "warning").length };
    } else details.lint = lint;
  } catch (e) {
    details.lint = null;
    if (!details.modelError) details.modelError = { message: (e as Error)?.message ?? String(e) };
  }
  return details;
}
