/**
 * The guide `hyperframes init` writes for AI coding agents: AGENTS.md (the composition contract in brief, the
 * edit → lint → snapshot → render loop, fonts, every lint code with its fix) and the small pointer files agents
 * look for (CLAUDE.md, .cursor/rules/hyperframes.mdc). Generated from the project itself (its size, length,
 * variables) and from the toolkit's own tables (lint codes, bundled fonts, variable types), so it stays true.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CompositionModel } from "../compose/types.js";
import { lintCodeTable } from "../compose/lint-fixes.js";
import { BUNDLED_FAMILIES, FAMILY_MAP } from "../compose/fonts/catalog.js";
import { VARIABLE_TYPES } from "../compose/variables.js";

/** The agent files, project-relative. */
export const AGENT_FILES = ["AGENTS.md", "CLAUDE.md", ".cursor/rules/hyperframes.mdc"] as const;

const seconds = (t: number): string => String(Number(t.toFixed(2)));

/** Three moments worth looking at: early, middle, late (inside the composition). */
export function snapshotMoments(duration: number): number[] {
  if (!(duration > 0)) return [0];
  const picks = [Math.min(0.5, duration / 4), duration / 2, Math.max(duration - 0.5, (duration * 3) / 4)].map((t) => Number(t.toFixed(1)));
  return [...new Set(picks)].filter((t) => t < duration);
}

/** The loop commands, as AGENTS.md and the pointer files show them. */
export function agentLoop(model: Pick<CompositionModel, "duration">): string[] {
  return [
    "hyperframes lint . --json",
    `hyperframes snapshot . --at ${snapshotMoments(model.duration).map(seconds).join(",")} --json`,
    "hyperframes render . --quality draft --json",
  ];
}

/** "Arial, Helvetica, Verdana… → Inter" lines for the fonts section. */
function fontMappings(): string[] {
  const bySlug = new Map<string, string[]>();
  const names = new Set(BUNDLED_FAMILIES.map((b) => b.name.toLowerCase()));
  for (const [alias, slug] of FAMILY_MAP) if (!names.has(alias)) bySlug.set(slug, [...(bySlug.get(slug) ?? []), alias]);
  const upper = new Set(["sf", "ui", "din"]);
  const title = (s: string) => s.replace(/\b[a-z]+/g, (w) => (upper.has(w) ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1)));
  return [...bySlug].map(([slug, aliases]) => {
    const family = BUNDLED_FAMILIES.find((b) => b.slug === slug)!.name;
    const shown = aliases.slice(0, 5).map(title).join(", ");
    return `${shown}${aliases.length > 5 ? "…" : ""} → ${family}`;
  });
}

export function agentsMarkdown(model: CompositionModel, name: string): string {
  const [lint, snap, render] = agentLoop(model);
  const vars = model.variables.length
    ? model.variables.map((v) => `\`${v.id}\` (${v.type}, default ${JSON.stringify(v.default)})`).join(", ")
    : "none declared";
  const lines = [
    `# AGENTS.md — ${name}`,
    "",
    "This folder is a HyperFrames composition: a video written as HTML + CSS + GSAP, rendered frame by frame in",
    "headless Chrome by hyperframes-toolkit. Its CLI is `hyperframes`, also installed as `hyperframes-toolkit`",
    "(use that name where `hyperframes` is the official HyperFrames CLI). Every command takes `--json`: one",
    'result object on stdout with `"ok": true|false`, messages on stderr; exit code 0 ok, 1 your input, 2 environment.',
    "",
    "## The loop: after every edit",
    "",
    "```sh",
    `${lint.padEnd(52)}# "ok": true, no errors; read every warning`,
    `${snap.padEnd(52)}# PNG stills: open the files it lists and look`,
    `${render.padEnd(52)}# the whole video, once the stills look right`,
    "```",
    "",
    "`snapshot --frames 0,45` takes frame numbers instead of seconds; stills go to `renders/snapshots/`.",
    "`hyperframes info . --json` shows what the renderer sees (size, length, clips, variables, the font each family",
    "resolves to). `hyperframes render . --variables '{\"title\":\"Hi\"}'` overrides variables; `--format` is mp4, webm,",
    "mov, gif or png-sequence. `hyperframes dev .` is a live preview for people.",
    "",
    "## This composition",
    "",
    `\`${model.entry}\`: root \`data-composition-id="${model.id}"\`, ${model.width}x${model.height}, ${seconds(model.duration)} s at ${model.fps ?? 30} fps.`,
    `Variables: ${vars}.`,
    "",
    "## Rules (the composition contract, in brief)",
    "",
    "- **Root.** One element directly in `<body>` with `data-composition-id`, `data-width`, `data-height`,",
    "  `data-duration` (seconds) and `data-fps`; everything visible sits inside it.",
    '- **Clips.** Timed elements have `class="clip"`, `data-start` (seconds, or another clip\'s id: `"intro + 0.5"`),',
    "  `data-duration` and `data-track-index`. The runtime shows and hides clips by time: never tween a clip's own",
    "  opacity/visibility/display; animate its children.",
    "- **Timeline.** Build one `gsap.timeline({ paused: true })` synchronously while the page loads (no waiting for",
    "  events or timers), never call `play()`, and register it under the root's id:",
    `  \`window.__timelines = window.__timelines || {}; window.__timelines["${model.id}"] = tl;\`. Tween positions are seconds`,
    "  of composition time. A composition with no script at all needs `data-no-timeline` on the root.",
    '- **Sub-compositions.** A host `<div data-composition-id="card" data-composition-src="compositions/card.html"',
    '  data-start="2" data-duration="3">` mounts a file whose root, `<style>` and `<script>` sit in',
    "  `<template id=\"card-template\">`; it registers its own timeline as `window.__timelines[\"card\"]`.",
    "  `data-variable-values='{\"title\":\"…\"}'` on the host sets its variables.",
    "- **Variables.** Declared as a JSON array in `data-composition-variables` on `<html>` (`id`, `type`, `label`,",
    `  \`default\`; types: ${VARIABLE_TYPES.join(", ")}). Read them with \`window.__hyperframes.getVariables()\` or in CSS as`,
    "  `var(--<id>)`.",
    "- **Media.** `<video>` and `<audio>` clips need an `id` and `src`; videos are `muted` (sound goes on a separate",
    "  `<audio>`); use `data-media-start` and `data-volume`. Never call `play()`/`pause()` or set `currentTime`.",
    "- **Determinism.** Every frame must follow from the time alone: no `Math.random()` (use a seeded generator),",
    "  `Date.now()`/`new Date()`, `requestAnimationFrame`, `setTimeout`/`setInterval` animation, `repeat: -1`, or",
    "  network requests: keep every file (scripts, images, fonts) in this folder and load it by a relative path.",
    "",
    "## Fonts",
    "",
    "Renders draw the same fonts on every machine. A family named in a `font-family` declaration (in `<style>`, a",
    "`style` attribute or `data-font-family`) is drawn with a bundled file when it is one of:",
    `${BUNDLED_FAMILIES.map((b) => b.name).join(", ")} (latin, weights 400/700 and mostly 900),`,
    "or a system family mapped onto one:",
    "",
    ...fontMappings().map((l) => `- ${l}`),
    "",
    "A stack that starts with a generic family (`sans-serif`, `system-ui`…) gets Inter first. The `font:` shorthand",
    "and external `.css` files are not scanned: name the family with `font-family` to get the bundled file. Any",
    "other family must ship in this folder with its own `@font-face`.",
    "",
    "## Lint codes and their fixes",
    "",
    "`hyperframes lint . --json` lists findings with `code`, `severity`, `file`, `line`, `message` and a specific `hint`.",
    "",
    "| code | severity | fix |",
    "|---|---|---|",
    ...lintCodeTable().map((r) => `| \`${r.code}\` | ${r.severity} | ${r.fix.replace(/\|/g, "\\|")} |`),
    "",
  ];
  return lines.join("\n");
}

function claudeMarkdown(model: CompositionModel): string {
  const loop = agentLoop(model);
  return [
    "@AGENTS.md",
    "",
    "This is a HyperFrames composition (HTML + CSS + GSAP video). AGENTS.md, imported above, has the rules, the fonts",
    "and the lint codes. After every edit run the loop and look at the stills:",
    "",
    "```sh",
    ...loop,
    "```",
    "",
  ].join("\n");
}

function cursorRule(model: CompositionModel): string {
  const loop = agentLoop(model);
  return [
    "---",
    "description: HyperFrames composition rules and the lint → snapshot → render loop for this project",
    "alwaysApply: true",
    "---",
    "",
    "This project is a HyperFrames composition (HTML + CSS + GSAP video). Follow AGENTS.md at the project root:",
    "the composition contract, the fonts, and every lint code with its fix. After every edit:",
    "",
    ...loop.map((c, i) => `${i + 1}. \`${c}\``),
    "",
    "Open the PNG files the snapshot lists and look at them before rendering.",
    "",
  ].join("\n");
}

/** Write the agent files into `dir` (files that already exist are kept); returns the ones written. */
export function writeAgentFiles(dir: string, model: CompositionModel, name: string): string[] {
  const contents: Record<(typeof AGENT_FILES)[number], string> = {
    "AGENTS.md": agentsMarkdown(model, name),
    "CLAUDE.md": claudeMarkdown(model),
    ".cursor/rules/hyperframes.mdc": cursorRule(model),
  };
  const written: string[] = [];
  for (const rel of AGENT_FILES) {
    const file = path.join(dir, rel);
    if (existsSync(file)) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents[rel]);
    written.push(rel);
  }
  return written;
}
