/**
 * Static lint of a composition project. Every finding has a stable code, a severity, the file (project-
 * relative), the 1-based line, the element, a message and a fix hint. Lint never throws on a broken
 * project: loading problems (missing entry/root, bad references, cycles) are findings too.
 */
import type { LintFinding, LintResult } from "./types.js";
import { analyzeProject, type ProjectAnalysis, type ScriptInfo, type VNode } from "./model.js";
import { attr, describeElement, hasAttr } from "./html.js";
import { parseTimingNumber } from "./timing.js";
import { readTextFile } from "./files.js";

export interface LintOptions {
  entry?: string;
}

/** Every lint code this module can emit, with its severity (some codes are errors or warnings by context). */
export const LINT_CODES: Record<string, "error" | "warning" | "error|warning"> = {
  project_dir_missing: "error",
  entry_missing: "error",
  entry_outside_project: "error",
  root_composition_missing: "error",
  standalone_composition_wrapped_in_template: "error",
  root_composition_missing_html_wrapper: "warning",
  root_missing_composition_id: "error",
  root_missing_dimensions: "error",
  invalid_dimensions: "error",
  invalid_duration: "error",
  invalid_fps: "warning",
  root_composition_missing_duration_source: "error|warning",
  missing_data_no_timeline: "warning",
  missing_timeline_registry: "warning",
  timeline_id_mismatch: "warning",
  invalid_data_start: "error",
  unknown_start_reference: "error",
  start_reference_cycle: "error",
  start_reference_unknown_duration: "warning",
  invalid_track_index: "warning",
  deprecated_data_layer: "warning",
  deprecated_data_end: "warning",
  host_missing_composition_id: "error",
  subcomposition_file_missing: "error",
  subcomposition_not_wrapped_in_template: "warning",
  subcomposition_root_missing: "warning",
  subcomposition_cycle: "error",
  remote_subcomposition: "warning",
  duplicate_composition_id: "error",
  invalid_variables_json: "error",
  invalid_variable_declaration: "error",
  variable_default_type_mismatch: "error",
  duplicate_variable_id: "warning",
  invalid_variable_values_json: "error",
  local_file_missing: "error",
  local_file_outside_project: "warning",
  remote_script: "warning",
  media_missing_id: "error",
  media_missing_src: "warning",
  video_missing_muted: "warning",
  video_nested_in_timed_element: "error",
  audio_track_overlap: "warning",
  non_deterministic_code: "warning",
  requestanimationframe_in_composition: "warning",
  gsap_infinite_repeat: "warning",
};

/** Replace JS comments with spaces (newlines kept), leaving string and template literal contents intact. */
export function stripJsComments(src: string): string {
  let out = "";
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && src[i] !== "\n") {
        out += " ";
        i++;
      }
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < n && src[j] !== c) {
        if (src[j] === "\\") j++;
        else if (c !== "`" && src[j] === "\n") break;
        j++;
      }
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

interface ScriptPattern {
  code: string;
  re: RegExp;
  what: string;
  hint: string;
}

const SCRIPT_PATTERNS: ScriptPattern[] = [
  { code: "non_deterministic_code", re: /\bMath\s*\.\s*random\s*\(/, what: "Math.random()", hint: "use a seeded PRNG (e.g. mulberry32 with a fixed seed) so every render is identical" },
  { code: "non_deterministic_code", re: /\bDate\s*\.\s*now\s*\(/, what: "Date.now()", hint: "derive motion from the timeline time, not the wall clock" },
  { code: "non_deterministic_code", re: /\bnew\s+Date\b\s*(\(\s*\)|(?!\s*\())/, what: "new Date() without arguments", hint: "use a fixed date (new Date(2024, 0, 1)) or the timeline time" },
  { code: "non_deterministic_code", re: /\bperformance\s*\.\s*now\s*\(/, what: "performance.now()", hint: "derive motion from the timeline time, not the wall clock" },
  { code: "non_deterministic_code", re: /\bcrypto\s*\.\s*getRandomValues\s*\(/, what: "crypto.getRandomValues()", hint: "use a seeded PRNG so every render is identical" },
  { code: "non_deterministic_code", re: /\bgsap\s*\.\s*utils\s*\.\s*random\s*\(/, what: "gsap.utils.random()", hint: "use a seeded PRNG so every render is identical" },
  { code: "non_deterministic_code", re: /["'`]random\(/, what: 'a GSAP "random(...)" value', hint: "compute the values once with a seeded PRNG" },
  {
    code: "requestanimationframe_in_composition",
    re: /\brequestAnimationFrame\s*\(/,
    what: "requestAnimationFrame()",
    hint: "drive the animation from a paused GSAP timeline (or a seekable adapter) registered in window.__timelines",
  },
  {
    code: "gsap_infinite_repeat",
    re: /\brepeat\s*:\s*-\s*1\b|\.repeat\s*\(\s*-\s*1\s*\)/,
    what: "repeat: -1 (an infinite repeat)",
    hint: "use a finite repeat count: Math.floor(duration / cycleLength) - 1",
  },
];

function lineIn(text: string, index: number, firstLine: number | undefined): number | undefined {
  if (firstLine === undefined) return undefined;
  let l = firstLine;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) l++;
  return l;
}

function scriptFindings(s: ScriptInfo): LintFinding[] {
  const out: LintFinding[] = [];
  if (!s.isJs || !s.text.trim()) return out;
  const code = stripJsComments(s.text);
  for (const p of SCRIPT_PATTERNS) {
    const m = p.re.exec(code);
    if (!m) continue;
    const line = lineIn(code, m.index, s.textLine) ?? s.line;
    const message =
      p.code === "gsap_infinite_repeat"
        ? `inline script uses ${p.what}; the render length is fixed, so an infinite timeline never ends cleanly`
        : p.code === "requestanimationframe_in_composition"
          ? `inline script uses ${p.what}; frames are captured by seeking, so rAF-driven drawing is only deterministic under the renderer's virtual clock`
          : `inline script uses ${p.what}, which differs between renders and between frames`;
    const f: LintFinding = { code: p.code, severity: "warning", message, hint: p.hint, file: s.file, element: s.element };
    if (line !== undefined) f.line = line;
    out.push(f);
  }
  return out;
}

function nodeFinding(n: VNode, code: string, severity: "error" | "warning", message: string, hint: string): LintFinding {
  const f: LintFinding = { code, severity, message, hint, file: n.doc.rel, element: describeElement(n.el) };
  if (n.line !== undefined) f.line = n.line;
  return f;
}

function projectRules(a: ProjectAnalysis): LintFinding[] {
  const out: LintFinding[] = [];
  const model = a.model;
  const root = a.root;
  if (!model || !root) return out;
  const rootEl = root.el;
  const rootDesc = describeElement(rootEl);
  const rootAt = { file: root.doc.rel, line: root.line, element: rootDesc };
  const jsScripts = a.scripts.filter((s) => s.isJs && (s.src !== undefined || s.text.trim() !== ""));
  const hasScript = jsScripts.length > 0;

  // --- duration source ---
  const durValid = (raw: string | undefined): boolean => {
    const d = parseTimingNumber(raw);
    return d != null && d > 0;
  };
  if (!durValid(attr(rootEl, "data-duration")) && !durValid(attr(rootEl, "data-composition-duration"))) {
    out.push({
      code: "root_composition_missing_duration_source",
      severity: hasScript ? "warning" : "error",
      message: hasScript
        ? "the root has no data-duration; the render length must then be inferred from the timeline in a browser"
        : "the root has no data-duration and the composition has no script or timeline to infer its length from",
      hint: 'set data-duration (seconds) on the root, e.g. data-duration="5"',
      ...rootAt,
    });
  }

  // --- timeline registration ---
  if (!model.noTimeline && !hasScript) {
    out.push({
      code: "missing_data_no_timeline",
      severity: "warning",
      message: "the composition has no script and no data-no-timeline, so the renderer waits for a timeline that never registers",
      hint: "add data-no-timeline to the root when the composition has no GSAP timeline (CSS/static only)",
      ...rootAt,
    });
  }
  const scriptTexts: string[] = [];
  for (const s of jsScripts) {
    if (s.text) scriptTexts.push(stripJsComments(s.text));
    else if (s.src !== undefined && !s.remote && !/gsap|\.min\.js$/i.test(s.src)) {
      const abs = a.references.find((r) => r.kind === "script" && r.url === s.src && r.file === s.file)?.abs;
      const t = abs ? readTextFile(abs) : undefined;
      if (t !== undefined && t.length < 2_000_000) scriptTexts.push(t);
    }
  }
  const allScript = scriptTexts.join("\n");
  if (!model.noTimeline && hasScript && !/__timelines/.test(allScript)) {
    out.push({
      code: "missing_timeline_registry",
      severity: "warning",
      message: "no script registers a timeline in window.__timelines and the root has no data-no-timeline",
      hint: `register the paused root timeline: window.__timelines = window.__timelines || {}; window.__timelines["${model.id}"] = tl; (or add data-no-timeline)`,
      ...rootAt,
    });
  }
  const compIds = new Set(a.nodes.map((n) => n.attr("data-composition-id")).filter((x): x is string => !!x));
  const keyRe = /__timelines\s*(?:\[\s*(["'`])([^"'`\]]+)\1\s*\]|\.([A-Za-z_$][\w$]*))/g;
  for (const s of jsScripts) {
    if (!s.text) continue;
    const code = stripJsComments(s.text);
    for (let m = keyRe.exec(code); m; m = keyRe.exec(code)) {
      const key = m[2] ?? m[3];
      if (!key || compIds.has(key)) continue;
      out.push({
        code: "timeline_id_mismatch",
        severity: "warning",
        message: `a timeline is registered as "${key}" but no element has data-composition-id="${key}"`,
        hint: `register the timeline under the composition's id${compIds.size ? ` (${[...compIds].map((c) => `"${c}"`).join(", ")})` : ""}`,
        file: s.file,
        element: s.element,
        ...(lineIn(code, m.index, s.textLine) !== undefined ? { line: lineIn(code, m.index, s.textLine)! } : {}),
      });
    }
  }

  // --- scripts ---
  for (const s of a.scripts) {
    if (s.remote)
      out.push({
        code: "remote_script",
        severity: "warning",
        message: `script ${s.src} loads from the network, so rendering needs network access and may change if the file changes`,
        hint: "download the script into the project (e.g. npm's gsap/dist/gsap.min.js) and load it by a relative path",
        file: s.file,
        element: s.element,
        ...(s.line !== undefined ? { line: s.line } : {}),
      });
    out.push(...scriptFindings(s));
  }

  // --- elements ---
  const timed = (n: VNode): boolean => hasAttr(n.el, "data-start");
  const audioByTrack = new Map<string, { n: VNode; start: number; end: number }[]>();
  for (const n of a.nodes) {
    const tag = n.el.name;
    const id = n.attr("id");
    if (tag === "video" || tag === "audio") {
      if (!id)
        out.push(
          nodeFinding(
            n,
            "media_missing_id",
            "error",
            `<${tag}> has no id; ${tag === "audio" ? "its audio would not be mixed" : "its frames would not be injected (the video would freeze)"}`,
            `give it a unique id, e.g. <${tag} id="${tag}-1" ...>`,
          ),
        );
      if (timed(n) && n.attr("src") === undefined)
        out.push(
          nodeFinding(
            n,
            "media_missing_src",
            "warning",
            `timed <${tag}> has no src attribute${n.el.children.some((c) => (c as { name?: string }).name === "source") ? " (<source> children are not extracted or mixed)" : ""}`,
            `put the file on the element itself: <${tag} src="assets/file">`,
          ),
        );
    }
    if (tag === "video" && timed(n)) {
      if (!hasAttr(n.el, "muted"))
        out.push(
          nodeFinding(
            n,
            "video_missing_muted",
            "warning",
            "timed <video> is not muted",
            "add muted (and playsinline); put its sound on a separate <audio> element with the same src",
          ),
        );
      for (let p = n.parent; p && !p.isComposition; p = p.parent) {
        if (timed(p)) {
          out.push(
            nodeFinding(
              n,
              "video_nested_in_timed_element",
              "error",
              `timed <video> is inside another timed element ${describeElement(p.el)}`,
              "move the video out of the timed element (wrap it in an untimed element instead), or remove data-start from one of them",
            ),
          );
          break;
        }
      }
    }
    if (tag === "audio" && timed(n) && !n.isRoot) {
      const s = a.resolver?.start(n);
      const d = a.resolver?.duration(n);
      if (s != null && d != null) {
        const comp = compOf(n);
        const track = n.attr("data-track-index") ?? n.attr("data-layer") ?? "0";
        const key = `${comp}\0${track}`;
        const list = audioByTrack.get(key) ?? [];
        for (const o of list)
          if (s < o.end - 1e-9 && o.start < s + d - 1e-9)
            out.push(
              nodeFinding(
                n,
                "audio_track_overlap",
                "warning",
                `<audio> [${fmt(s)}s, ${fmt(s + d)}s) overlaps ${describeElement(o.n.el)} [${fmt(o.start)}s, ${fmt(o.end)}s) on track ${track}`,
                "put overlapping audio on different data-track-index lanes",
              ),
            );
        list.push({ n, start: s, end: s + d });
        audioByTrack.set(key, list);
      }
    }
    if (timed(n) || n.isHost) {
      const ti = n.attr("data-track-index");
      if (ti !== undefined) {
        const t = parseTimingNumber(ti);
        if (t == null || !Number.isInteger(t) || t < 0)
          out.push(nodeFinding(n, "invalid_track_index", "warning", `data-track-index="${ti}" is not a non-negative integer (0 is used)`, 'use a whole number, e.g. data-track-index="1"'));
      }
      if (n.attr("data-layer") !== undefined && ti === undefined)
        out.push(nodeFinding(n, "deprecated_data_layer", "warning", "data-layer is a legacy alias of data-track-index", "rename data-layer to data-track-index"));
      if (n.attr("data-end") !== undefined && n.attr("data-duration") === undefined)
        out.push(nodeFinding(n, "deprecated_data_end", "warning", "data-end without data-duration is legacy input", "replace data-end with data-duration (seconds from the start)"));
    }
    const vv = n.attr("data-variable-values");
    if (vv !== undefined) {
      let ok = false;
      try {
        const parsed: unknown = JSON.parse(vv);
        ok = !!parsed && typeof parsed === "object" && !Array.isArray(parsed);
      } catch {
        ok = false;
      }
      if (!ok)
        out.push(nodeFinding(n, "invalid_variable_values_json", "error", "data-variable-values is not a JSON object", `write a JSON object keyed by variable id, e.g. data-variable-values='{"title":"Pro"}'`));
    }
  }

  // --- composition ids ---
  const rootId = model.id;
  const comps = a.nodes.filter((n) => n.isComposition && !n.isInnerRoot && n.attr("data-composition-id"));
  const hostsById = new Map<string, Set<string>>();
  for (const n of comps) {
    const id = n.attr("data-composition-id")!;
    if (n.isRoot) continue;
    if (id === rootId) {
      out.push(
        nodeFinding(
          n,
          "duplicate_composition_id",
          "error",
          `data-composition-id="${id}" is also the root composition's id; their timelines would collide`,
          "give the nested composition its own id",
        ),
      );
      continue;
    }
    const key = n.isHost ? `src:${n.mount?.file ?? n.mount?.src}` : `inline:${n.doc.rel}:${n.line}`;
    const set = hostsById.get(id) ?? new Set<string>();
    if (set.size > 0 && !set.has(key))
      out.push(
        nodeFinding(
          n,
          "duplicate_composition_id",
          "error",
          `data-composition-id="${id}" is used by compositions with different content; their timelines would collide`,
          "give each distinct composition its own id (hosts of the same file may share one)",
        ),
      );
    set.add(key);
    hostsById.set(id, set);
  }
  return out;
}

function compOf(n: VNode): string {
  for (let p = n.parent; p; p = p.parent) if (p.isComposition) return p.attr("data-composition-id") ?? "";
  return "";
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
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
