/** Tiny composition projects for the render tests: written to a temp folder, GSAP copied in (no network). */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURES = path.join(REPO, "test", "fixtures", "render");
export const CLI = path.join(REPO, "bin", "hyperframes.js");
export const GSAP_JS = require.resolve("gsap/dist/gsap.min.js");

const made: string[] = [];

/** A fresh temp folder (removed by cleanupProjects). */
export function tempDir(prefix = "hf-render-test-"): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Write `files` (path → content) into a new temp project; gsap.min.js is added unless `gsap: false`. */
export function makeProject(files: Record<string, string | Buffer>, opts: { gsap?: boolean } = {}): string {
  const dir = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  if (opts.gsap !== false) copyFileSync(GSAP_JS, path.join(dir, "gsap.min.js"));
  return dir;
}

/** Copy a folder of test/fixtures/render into a temp project (so generated media and renders stay out of the repo). */
export function copyFixture(name: string): string {
  const dir = tempDir();
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  copyFileSync(GSAP_JS, path.join(dir, "gsap.min.js"));
  return dir;
}

export function cleanupProjects(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface PageOptions {
  id?: string;
  width?: number;
  height?: number;
  duration?: number;
  fps?: number;
  /** extra attributes on the root element, e.g. 'data-no-timeline' */
  rootAttrs?: string;
  /** extra attributes on <html> */
  htmlAttrs?: string;
  /** extra <head> content (styles) */
  head?: string;
  /** root children */
  body: string;
  /** inline script after the root; GSAP is loaded unless gsap: false */
  script?: string;
  gsap?: boolean;
}

/**
 * A standalone composition: black background, `.cell` helper class (absolute 40x40 boxes), the root
 * `#stage[data-composition-id]`.
 */
export function page(o: PageOptions): string {
  const id = o.id ?? "main";
  return `<!doctype html>
<html lang="en"${o.htmlAttrs ? " " + o.htmlAttrs : ""}>
<head>
  <meta charset="utf-8">
  ${o.gsap === false ? "" : '<script src="gsap.min.js"></script>'}
  <style>
    html, body { background: #000; }
    .cell { position: absolute; width: 40px; height: 40px; }
  </style>
  ${o.head ?? ""}
</head>
<body>
  <div id="stage" data-composition-id="${id}" data-width="${o.width ?? 320}" data-height="${o.height ?? 180}" data-duration="${o.duration ?? 1}" data-fps="${o.fps ?? 30}"${o.rootAttrs ? " " + o.rootAttrs : ""}>
${o.body}
  </div>
  ${o.script !== undefined ? `<script>\n${o.script}\n</script>` : ""}
</body>
</html>
`;
}

/** A 40x40 solid cell at grid column `col` (0-7) and row `row` (0-3) of a 320x180 frame. */
export function cell(id: string, col: number, row: number, colour: string, attrs = ""): string {
  return `<div id="${id}" class="cell" style="left:${col * 40}px;top:${row * 45}px;background:${colour}" ${attrs}></div>`;
}
/** Centre pixel of a grid cell (see `cell`). */
export function cellCentre(col: number, row: number): [number, number] {
  return [col * 40 + 20, row * 45 + 20];
}
