/** Test helpers for the cloud tests: a tiny project on disk and a composition-model stand-in. */
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ComposeApi } from "../../src/cloud/packager.js";
import type { CompositionModel } from "../../src/compose/types.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const composeIndexExists = () => existsSync(path.join(REPO, "src/compose/index.ts"));

export const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="style.css"></head>
<body>
<div id="root" data-composition-id="main" data-width="320" data-height="180" data-duration="1" data-fps="30" data-start="0">
  <h1 class="title">Hello</h1>
  <img src="assets/logo.png" alt="">
</div>
<script src="https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"></script>
<script>window.__timelines = window.__timelines || {}; window.__timelines.main = gsap.timeline({ paused: true }).to(".title", { x: 100, duration: 1 });</script>
</body></html>
`;

/** Make a project folder with referenced files and junk that must not be packed. */
export async function makeProject(extra: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "hf-proj-"));
  const files: Record<string, string | Buffer> = {
    "index.html": INDEX_HTML,
    "style.css": "h1 { color: white; font: 40px sans-serif }",
    "assets/logo.png": Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex"),
    "unused.txt": "not referenced",
    ".env": "HEYGEN_API_KEY=should-never-be-packed",
    ".DS_Store": "junk",
    "node_modules/x/index.js": "junk",
    "renders/old.mp4": "junk",
    ...extra,
  };
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return dir;
}

/** A stand-in for src/compose (used only while it does not exist): the references of INDEX_HTML. */
export function stubCompose(o: { files?: string[]; errors?: number; duration?: number } = {}): ComposeApi {
  return {
    loadComposition: (dir, opts) =>
      ({
        dir,
        entry: opts?.entry ?? "index.html",
        id: "main",
        width: 320,
        height: 180,
        duration: o.duration ?? 1,
        fps: 30,
        noTimeline: false,
        variables: [],
        clips: [],
        media: [],
        subCompositions: [],
        files: o.files ?? [opts?.entry ?? "index.html", "style.css", "assets/logo.png"],
        externalUrls: ["https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"],
      }) satisfies CompositionModel,
    lintProject: () => ({
      findings: Array.from({ length: o.errors ?? 0 }, (_, i) => ({ code: "x", severity: "error" as const, message: `problem ${i}`, hint: "", file: "index.html" })),
      errorCount: o.errors ?? 0,
      warningCount: 0,
    }),
  };
}
