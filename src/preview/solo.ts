/**
 * A sub-composition opened alone. Its file is a `<template>` (or a fragment) that pages mount with
 * `data-composition-src`; it has no page of its own. The preview makes one: a root at the sub-composition's
 * own size and duration that mounts it from 0 s, with its declared variables (their defaults, and the
 * player's overrides as the host's `data-variable-values`, exactly how a page passes values to it). The
 * page is read by the static model (describeForPreview) and compiled and served like any composition, as
 * if it were the file SOLO_ENTRY at the project root; `<base href="/">` makes its URLs resolve from there
 * while it is served at the sub-composition's own URL (`/compositions/intro.html?hf-solo`).
 */
import type { VariableDecl } from "../compose/types.js";

/** Where the generated page stands in the project (never a file on disk; its lint findings are dropped). */
export const SOLO_ENTRY = "__hf_solo__.html";
/** Query parameter that asks for a sub-composition's solo page instead of the file as written. */
export const SOLO_PARAM = "hf-solo";
/** data-composition-id of the generated root. */
export const SOLO_ROOT_ID = "hf-solo";

export interface SoloTarget {
  /** project-relative sub-composition file */
  file: string;
  id: string;
  width: number;
  height: number;
  fps: number;
  /** the sub-composition root's data-duration, if any (else its timeline decides) */
  duration?: number;
}

function attr(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The page that hosts `sub` alone; `overrides` are variable values that differ from its defaults, `libraries`
 * the script URLs (GSAP…) the project's pages load for their sub-compositions, loaded first here too.
 */
export function soloPage(sub: SoloTarget, decls: VariableDecl[], overrides: Record<string, unknown> = {}, libraries: string[] = []): string {
  const { width: w, height: h } = sub;
  const dur = sub.duration && sub.duration > 0 ? ` data-duration="${sub.duration}"` : "";
  const vars = Object.keys(overrides).length ? ` data-variable-values="${attr(JSON.stringify(overrides))}"` : "";
  return `<!doctype html>
<html data-composition-variables="${attr(JSON.stringify(decls))}">
<head><meta charset="utf-8"><base href="/"><style>html, body { margin: 0; }</style>${libraries.map((src) => `<script src="${attr(src)}"></script>`).join("")}</head>
<body>
<div id="${SOLO_ROOT_ID}" data-composition-id="${SOLO_ROOT_ID}" data-width="${w}" data-height="${h}"${dur} data-fps="${sub.fps}" data-no-timeline style="position: relative; width: ${w}px; height: ${h}px; overflow: hidden">
<div class="clip" data-composition-id="${attr(sub.id)}" data-composition-src="${attr(sub.file)}" data-start="0"${dur} data-width="${w}" data-height="${h}"${vars} style="position: absolute; left: 0; top: 0; width: ${w}px; height: ${h}px"></div>
</div>
</body>
</html>
`;
}
