/**
 * One line per lint code saying how to fix it, for guides written without a finding at hand (the AGENTS.md
 * `hyperframes init` writes). A finding's own `hint` is more specific; these are the general rule. A test keeps
 * this table's keys equal to LINT_CODES, so a new code cannot be left out.
 */
import { LINT_CODES } from "./lint.js";

export const LINT_FIXES: Readonly<Record<string, string>> = {
  project_dir_missing: "pass the project folder (the one holding `index.html`), not a file or a missing path",
  entry_missing: "create `index.html`, or name the entry file with `--entry` (lint, info) or `--composition` (render, snapshot, pack)",
  entry_outside_project: "keep the entry file inside the project folder",
  root_composition_missing: 'put one `<div data-composition-id="main" data-width="1920" data-height="1080" data-duration="5" data-fps="30">` in `<body>`',
  standalone_composition_wrapped_in_template: "in the entry file the root element sits directly in `<body>`; only sub-composition files use `<template>`",
  root_composition_missing_html_wrapper: "make the entry a full document: `<!doctype html><html><head>…</head><body>…</body></html>`",
  root_missing_composition_id: 'give the root a non-empty `data-composition-id`, e.g. `"main"`',
  root_missing_dimensions: "set `data-width` and `data-height` (pixels) on the root, e.g. 1920 and 1080",
  invalid_dimensions: "`data-width` / `data-height` must be whole pixels from 1 to 16384",
  invalid_duration: '`data-duration` is seconds, a number >= 0, e.g. `data-duration="5"`',
  invalid_fps: '`data-fps` is a frame rate from 1 to 240, e.g. `data-fps="30"`',
  root_composition_missing_duration_source: "set `data-duration` (seconds) on the root",
  missing_data_no_timeline: "a composition without any script needs `data-no-timeline` on the root",
  missing_timeline_registry: 'register the paused timeline: `window.__timelines = window.__timelines || {}; window.__timelines["<root id>"] = tl;`',
  timeline_id_mismatch: "register each timeline under the `data-composition-id` of its composition",
  invalid_data_start: '`data-start` is seconds (`"1.5"`) or another clip\'s id, optionally with an offset (`"intro"`, `"intro + 0.5"`)',
  unknown_start_reference: "a `data-start` reference must name the id of another timed element",
  start_reference_cycle: "clips must not start relative to each other in a circle",
  start_reference_unknown_duration: "give the referenced clip a `data-duration`, or start this one at a number of seconds",
  invalid_track_index: '`data-track-index` is a whole number >= 0, e.g. `data-track-index="1"`',
  deprecated_data_layer: "rename `data-layer` to `data-track-index`",
  deprecated_data_end: "replace `data-end` with `data-duration` (seconds from the clip's start)",
  host_missing_composition_id: "a `data-composition-src` host needs `data-composition-id` set to the sub-composition's id",
  subcomposition_file_missing: "fix the `data-composition-src` path (from the project root, e.g. `compositions/card.html`) or create the file",
  subcomposition_not_wrapped_in_template: 'wrap a sub-composition file\'s root, `<style>` and `<script>` in `<template id="<id>-template">`',
  subcomposition_root_missing: "a sub-composition's markup needs its own `[data-composition-id]` root element",
  subcomposition_cycle: "a sub-composition must not include itself, directly or through other files",
  remote_subcomposition: "copy the sub-composition into the project and reference it by a relative path",
  duplicate_composition_id: "every distinct composition needs its own `data-composition-id` (hosts of the same file may share one)",
  invalid_variables_json: "`data-composition-variables` on `<html>` must be a JSON array of declarations",
  invalid_variable_declaration: "each variable needs `id`, `type`, `label` and `default`; an enum needs `options`",
  variable_default_type_mismatch: "make `default` match the declared type (a number for number, `#rrggbb` for color, one of the options for enum…)",
  duplicate_variable_id: "give each declared variable its own id",
  invalid_variable_values_json: "`data-variable-values` on a host must be a JSON object keyed by variable id",
  local_file_missing: "fix the path or add the file (paths are relative to the file that references them)",
  local_file_outside_project: "copy the file into the project and reference it by a relative path",
  remote_script: "download the script into the project (e.g. `gsap.min.js`) and load it by a relative path",
  media_missing_id: "give every `<video>` and `<audio>` a unique `id`",
  media_missing_src: "put `src` on the `<video>`/`<audio>` element itself (not on `<source>` children)",
  video_missing_muted: "add `muted` (and `playsinline`) to every `<video>`; put its sound on a separate `<audio>` with the same `src`",
  video_nested_in_timed_element: "move a timed `<video>` out of other timed elements (an untimed wrapper is fine)",
  audio_track_overlap: "put overlapping `<audio>` clips on different `data-track-index` lanes",
  non_deterministic_code: "no `Math.random()`, `Date.now()` or `new Date()`: use a seeded PRNG and the timeline's time",
  requestanimationframe_in_composition: "animate with the paused GSAP timeline (or an `hf-seek` listener), not `requestAnimationFrame`",
  gsap_infinite_repeat: "use a finite repeat count, e.g. `Math.floor(duration / cycle) - 1`, never `repeat: -1`",
  gsap_repeat_ceil_overshoot: "compute repeat counts with `Math.floor`, not `Math.ceil`, so they end inside their window",
  gsap_animates_clip_element: "do not tween `opacity`/`display`/`visibility` of a `.clip` element (the runtime shows and hides it): animate a child",
  timed_element_missing_clip_class: 'add `class="clip"` to every element with `data-start`',
  imperative_media_control: "never call `play()`/`pause()` or set `currentTime`: the runtime drives media from `data-start`, `data-media-start`, `data-volume`",
  subcomposition_root_styled_by_class: "style a sub-composition's root by its id or `[data-composition-id]`, not by a class",
  remote_asset: "copy the image, stylesheet, font or media file into the project and reference it by a relative path (renders block the network unless `--allow-network`)",
  font_service_stylesheet: "a Google Fonts sheet is not fetched by renders or the preview: families with a bundled face draw with it; for the others put the font files in the project with an @font-face rule, or pick a bundled family (`hyperframes info` lists what each family resolves to)",
  network_request: "do not fetch at render time: put the data in the project (a JSON file loaded with a relative path, or inline) so every frame is reproducible",
  script_syntax_error: "fix the inline script until it parses (`node --check` on a copy shows the error): a script that does not parse never runs, so its timeline is never registered",
  missing_gsap_script: 'load GSAP before the script that uses it: `<script src="gsap.min.js"></script>` (a local copy in the project)',
  nested_structure_needs_subcomposition: "move a nested group of timed elements into its own sub-composition (`data-composition-src`), or make it one clip",
};

/** Every lint code with its severity and fix, in LINT_CODES order. */
export function lintCodeTable(): { code: string; severity: string; fix: string }[] {
  return Object.entries(LINT_CODES).map(([code, severity]) => ({ code, severity: severity.replace("|", "/"), fix: LINT_FIXES[code] ?? "see the finding's hint" }));
}
