/**
 * What the preview needs to know about a project folder without a browser: which top-level HTML files are
 * compositions (for the picker), and, for one of them, its size, timing, variable schema, clips and lint
 * findings (from the static model in src/compose).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "htmlparser2";
import type { Element, ChildNode } from "domhandler";
import { loadComposition, lintProject } from "../compose/index.js";
import { checkProjectPath } from "../compose/files.js";
import type { ClipInfo, LintResult, VariableDecl } from "../compose/types.js";
import { pickRoot } from "../compose/root-rule.js";

export interface CompositionEntry {
  /** project-relative file, e.g. "index.html" */
  file: string;
  id: string;
  width: number;
  height: number;
  /** data-fps, else 30 */
  fps: number;
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

/** Read a composition entry from an HTML string; undefined when it has no standalone root. */
export function describeComposition(file: string, html: string): CompositionEntry | undefined {
  const root = findStandaloneRoot(html);
  if (!root) return undefined;
  return {
    file,
    id: root.attribs["data-composition-id"] || path.basename(file, ".html"),
    width: num(root.attribs["data-width"], 1920),
    height: num(root.attribs["data-height"], 1080),
    fps: num(root.attribs["data-fps"], 30),
  };
}

/** Every top-level `*.html` of the project with a standalone composition root; index.html first. */
export function discoverCompositions(dir: string): CompositionEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: CompositionEntry[] = [];
  for (const name of names) {
    if (!name.toLowerCase().endsWith(".html")) continue;
    const full = path.join(dir, name);
    try {
      // a symlink to a file elsewhere is not the project's: never offered (and the server refuses it)
      if (!statSync(full).isFile() || !checkProjectPath(dir, full).inside) continue;
      const entry = describeComposition(name, readFileSync(full, "utf8"));
      if (entry) out.push(entry);
    } catch {
      // unreadable file: not offered in the picker
    }
  }
  out.sort((a, b) => (a.file === "index.html" ? -1 : b.file === "index.html" ? 1 : a.file.localeCompare(b.file)));
  return out;
}

/** Parse `data-composition-variables` (on <html> or the root) as a fallback when the model can't be built. */
function fallbackVariables(html: string): VariableDecl[] {
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

/** Everything the player shows before the page loads. Never throws for a broken composition. */
export async function describeForPreview(dir: string, file: string): Promise<CompositionDetails> {
  const full = path.join(dir, file);
  const html = readFileSync(full, "utf8");
  const entry = describeComposition(file, html) ?? { file, id: path.basename(file, ".html"), width: 1920, height: 1080, fps: 30 };
  const root = findStandaloneRoot(html);
  const details: CompositionDetails = {
    ...entry,
    duration: num(root?.attribs["data-duration"], num(root?.attribs["data-composition-duration"], 0)),
    variables: fallbackVariables(html),
    clips: [],
    lint: null,
  };
  try {
    const model = await loadComposition(dir, { entry: file });
    details.id = model.id || details.id;
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
    details.lint = await lintProject(dir, { entry: file });
  } catch (e) {
    details.lint = null;
    if (!details.modelError) details.modelError = { message: (e as Error)?.message ?? String(e) };
  }
  return details;
}
