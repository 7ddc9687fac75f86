/**
 * Composition rules: the root's duration source, timeline registration (missing_data_no_timeline,
 * missing_timeline_registry, timeline_id_mismatch), nested structure that belongs in a sub-composition,
 * timed elements (clip class, track index, legacy data-layer/data-end), data-variable-values JSON, and
 * duplicate composition ids. Also the codes the project model itself reports while loading.
 */
import type { LintFinding } from "../types.js";
import type { ProjectAnalysis, VNode } from "../model.js";
import { attr, childElements, describeElement, hasAttr, type Element } from "../html.js";
import { parseTimingNumber } from "../timing.js";
import { readTextFile } from "../files.js";
import { stripJsComments } from "./js-scan.js";
import { classList, lineIn, nodeFinding, type CodeSeverity, type LintRule } from "./rule.js";

/** Codes reported by the project model (analyzeProject) while loading: missing entry/root, bad references, cycles… */
export const MODEL_CODES: Readonly<Record<string, CodeSeverity>> = {
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
  invalid_data_start: "error",
  unknown_start_reference: "error",
  start_reference_cycle: "error",
  start_reference_unknown_duration: "warning",
  host_missing_composition_id: "error",
  subcomposition_file_missing: "error",
  subcomposition_not_wrapped_in_template: "warning",
  subcomposition_root_missing: "warning",
  subcomposition_cycle: "error",
  remote_subcomposition: "warning",
  invalid_variables_json: "error",
  invalid_variable_declaration: "error",
  variable_default_type_mismatch: "error",
  duplicate_variable_id: "warning",
  local_file_missing: "error",
  local_file_outside_project: "warning",
};

export const durationSource: LintRule = {
  name: "duration-source",
  codes: { root_composition_missing_duration_source: "error|warning" },
  check: ({ root, rootAt, hasScript }) => {
    const out: LintFinding[] = [];
    const rootEl = root.el;
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
    return out;
  },
};

export const timelineRegistration: LintRule = {
  name: "timeline-registration",
  codes: { missing_data_no_timeline: "warning", missing_timeline_registry: "warning", timeline_id_mismatch: "warning" },
  check: ({ a, model, rootAt, jsScripts, hasScript }) => {
    const out: LintFinding[] = [];
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
        const abs = a.references.find((r) => r.kind === "script" && r.url === s.src && r.file === s.file && r.rel != null)?.abs;
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
    return out;
  },
};

export const nestedStructure: LintRule = {
  name: "nested-structure",
  codes: { nested_structure_needs_subcomposition: "warning" },
  check: ({ a }) => nestedStructureFindings(a),
};

/**
 * Timed elements that need no class="clip": media (found by tag, timed by their own attributes), elements that
 * render nothing, and (checked separately) composition roots and hosts, which are found by data-composition-id.
 */
const NO_CLIP_CLASS_TAGS = new Set(["video", "audio", "source", "track", "script", "style", "template", "link", "meta", "noscript"]);

const timed = (n: VNode): boolean => hasAttr(n.el, "data-start");

export const clipClass: LintRule = {
  name: "clip-class",
  codes: { timed_element_missing_clip_class: "warning" },
  check: ({ a }) => {
    const out: LintFinding[] = [];
    for (const n of a.nodes) {
      const tag = n.el.name;
      if (!(timed(n) && !n.isRoot && !n.isComposition && !NO_CLIP_CLASS_TAGS.has(tag) && !classList(n.el).includes("clip"))) continue;
      const cls = n.attr("class")?.trim();
      out.push(
        nodeFinding(
          n,
          "timed_element_missing_clip_class",
          "warning",
          `timed ${describeElement(n.el)} has data-start but no class="clip"; the runtime still shows and hides it by time, but Studio and the GSAP clip rules (gsap_animates_clip_element) only recognise clips by that class`,
          `add clip to its classes: class="clip${cls ? ` ${cls}` : ""}"`,
        ),
      );
    }
    return out;
  },
};

export const trackAttributes: LintRule = {
  name: "track-attributes",
  codes: { invalid_track_index: "warning", deprecated_data_layer: "warning", deprecated_data_end: "warning" },
  check: ({ a }) => {
    const out: LintFinding[] = [];
    for (const n of a.nodes) {
      if (!timed(n) && !n.isHost) continue;
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
    return out;
  },
};

export const variableValues: LintRule = {
  name: "variable-values",
  codes: { invalid_variable_values_json: "error" },
  check: ({ a }) => {
    const out: LintFinding[] = [];
    for (const n of a.nodes) {
      const vv = n.attr("data-variable-values");
      if (vv === undefined) continue;
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
    return out;
  },
};

export const duplicateCompositionId: LintRule = {
  name: "duplicate-composition-id",
  codes: { duplicate_composition_id: "error" },
  check: ({ a, model }) => {
    const out: LintFinding[] = [];
    const rootId = model.id;
    const comps = a.nodes.filter((n) => n.isComposition && !n.isInnerRoot && n.attr("data-composition-id"));
    const hostsById = new Map<string, Set<string>>();
    // registry demos put the id on <html> too: <html> is then the root (a size it does not declare) and the real root a nested copy
    const rootTag = a.nodes.find((n) => n.isRoot)?.el.name;
    const onDocument = rootTag === "html" || rootTag === "body";
    for (const n of comps) {
      const id = n.attr("data-composition-id")!;
      if (n.isRoot) continue;
      if (id === rootId) {
        out.push(
          nodeFinding(
            n,
            "duplicate_composition_id",
            "error",
            onDocument
              ? `data-composition-id="${id}" is also on <${rootTag}>, which makes <${rootTag}> the root composition (with the default size, not this element's) and this element a nested copy; their timelines would collide`
              : `data-composition-id="${id}" is also the root composition's id; their timelines would collide`,
            onDocument ? `remove data-composition-id (and data-composition-duration) from <${rootTag}>: this element is the root` : "give the nested composition its own id",
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
  },
};

export const COMPOSITION_RULES: LintRule[] = [durationSource, timelineRegistration, nestedStructure, clipClass, trackAttributes, variableValues, duplicateCompositionId];

/** Inline text markup that does not count as nested structure inside a timeline element. */
const INLINE_TEXT_TAGS = new Set(["br", "wbr", "b", "i", "u", "s", "em", "strong", "small", "sub", "sup", "mark", "span", "a", "code", "abbr"]);
/** Elements whose insides are not layout (never nested structure). */
const OPAQUE_TAGS = new Set(["svg", "canvas", "picture", "video", "audio", "select", "textarea", "iframe", "object"]);
const NON_LAYOUT_TAGS = new Set(["style", "script", "template", "noscript"]);
const NON_RENDERED_TAGS = new Set([...NON_LAYOUT_TAGS, "link", "meta"]);

/**
 * nested_structure_needs_subcomposition (as the official linter, a warning there too): in the entry file,
 * a timeline element of the root (the first timed element, medium or host on each branch) that holds
 * nested layout (any element other than inline text markup) instead of being a sub-composition. The
 * official Studio timeline shows one row per top-level element and expects nested scenes in
 * sub-compositions mounted with data-composition-src.
 */
function nestedStructureFindings(a: ProjectAnalysis): LintFinding[] {
  const root = a.root;
  if (!root) return [];
  const kids = childElements;
  const isHost = (el: Element) => hasAttr(el, "data-composition-src") || hasAttr(el, "data-composition-id");
  const isTimed = (el: Element) =>
    hasAttr(el, "data-start") || (hasAttr(el, "data-track-index") && hasAttr(el, "data-duration")) || el.name === "video" || el.name === "audio" || el.name === "img";
  const rows: Element[] = [];
  const visit = (el: Element): void => {
    if (NON_RENDERED_TAGS.has(el.name)) return;
    if (isHost(el) || isTimed(el)) rows.push(el);
    else kids(el).forEach(visit);
  };
  kids(root.el).forEach(visit);
  const nestedIn = (el: Element): Element | null => {
    if (OPAQUE_TAGS.has(el.name)) return null;
    for (const c of kids(el)) {
      if (NON_LAYOUT_TAGS.has(c.name)) continue;
      if (!INLINE_TEXT_TAGS.has(c.name)) return c;
      const deeper = nestedIn(c);
      if (deeper) return deeper;
    }
    return null;
  };
  const out: LintFinding[] = [];
  for (const row of rows) {
    if (isHost(row)) continue;
    const nested = nestedIn(row);
    if (!nested) continue;
    const line = root.doc.html.lineAt(row.startIndex);
    out.push({
      code: "nested_structure_needs_subcomposition",
      severity: "warning",
      message: `${describeElement(row)} is a timeline element holding nested ${describeElement(nested)}; HyperFrames Studio shows one timeline row per top-level element and expects nested structure in a sub-composition (the official lint warns too)`,
      hint: `move ${describeElement(row)} and its contents into a sub-composition file mounted with data-composition-src, or keep only inline text (span, b, em…) inside the clip`,
      file: root.doc.rel,
      element: describeElement(row),
      ...(line !== undefined ? { line } : {}),
    });
  }
  return out;
}
