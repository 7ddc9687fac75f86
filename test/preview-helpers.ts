/** Shared helpers for the preview tests: a tiny fixture project, a headless Chrome, pixel reads. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { resolveBrowser } from "../src/render/browser.js";
import { startPreview, type PreviewServer } from "../src/preview/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ARTIFACTS = path.join(root, "test", ".artifacts");

export const VARS = [
  { id: "accent", type: "color", label: "Accent", default: "#0000ff" },
  { id: "title", type: "string", label: "Title", default: "Hello" },
  { id: "size", type: "number", label: "Box size", default: 40, min: 10, max: 100, step: 1, unit: "px" },
  { id: "badge", type: "boolean", label: "Show badge", default: true },
  { id: "align", type: "enum", label: "Align", default: "left", options: [{ value: "left", label: "Left" }, { value: "right", label: "Right" }] },
  { id: "font", type: "font", label: "Font", default: "DejaVu Sans" },
  { id: "logo", type: "image", label: "Logo", default: "" },
];

/**
 * index.html, 320x180, 1 s at 30 fps:
 *  - #sceneA (track 0) red from 0 to 0.5 s, #sceneB (track 0) green from 0.5 to 1 s
 *  - #box (track 1) moves from x=0 to x=200 linearly over 1 s, coloured by style.css (white)
 *  - #swatch: background var(--accent) (a colour variable)
 */
export function indexHtml(opts: { script?: string } = {}): string {
  return `<!doctype html>
<html lang="en" data-composition-variables='${JSON.stringify(VARS)}'>
<head>
  <meta charset="utf-8">
  <script src="gsap.min.js"></script>
  <link rel="stylesheet" href="style.css">
  <style>
    #sceneA { background: rgb(255, 0, 0); }
    #sceneB { background: rgb(0, 255, 0); }
    #box { position: absolute; left: 0; top: 120px; width: 40px; height: 40px; }
    #swatch { position: absolute; right: 10px; top: 10px; width: 50px; height: 50px; background: var(--accent, #444); }
    #title { position: absolute; left: 10px; top: 10px; font: 20px "DejaVu Sans", sans-serif; color: #fff; }
  </style>
</head>
<body>
  <div id="stage" data-composition-id="main" data-width="320" data-height="180" data-duration="1" data-fps="30">
    <div id="sceneA" class="clip" data-start="0" data-duration="0.5" data-track-index="0"></div>
    <div id="sceneB" class="clip" data-start="0.5" data-duration="0.5" data-track-index="0"></div>
    <div id="box" class="clip" data-start="0" data-duration="1" data-track-index="1"></div>
    <div id="swatch"></div>
    <div id="title" data-var-text="title"></div>
  </div>
  <script>
    ${opts.script ?? ""}
    const tl = gsap.timeline({ paused: true });
    tl.fromTo("#box", { x: 0 }, { x: 200, duration: 1, ease: "none" }, 0);
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;
  </script>
</body>
</html>`;
}

export const ALT_HTML = `<!doctype html>
<html><head><meta charset="utf-8"></head>
<body>
  <div id="alt" data-composition-id="alt" data-width="180" data-height="320" data-duration="2" data-no-timeline>
    <div id="bg" class="clip" data-start="0" data-duration="2" style="background: rgb(255, 0, 255)"></div>
  </div>
</body></html>`;

export function chipHtml(color: string): string {
  return `<template id="chip-template">
  <div data-composition-id="chip" data-width="100" data-height="100" data-no-timeline>
    <style>.fill { position: absolute; left: 0; top: 0; width: 100px; height: 100px; background: ${color}; }</style>
    <div class="fill"></div>
  </div>
</template>`;
}

export function subHtml(src = "compositions/chip.html"): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"></head>
<body>
  <div id="host-root" data-composition-id="sub" data-width="200" data-height="100" data-duration="1" data-no-timeline>
    <div id="bg" class="clip" data-start="0" data-duration="1" style="background: rgb(20, 20, 20)"></div>
    <div id="chip-host" class="clip" data-composition-id="chip" data-composition-src="${src}"
         data-start="0" data-duration="1" data-track-index="1" data-width="100" data-height="100"></div>
  </div>
</body></html>`;
}

export function makeProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hf-preview-"));
  copyFileSync(path.join(root, "node_modules", "gsap", "dist", "gsap.min.js"), path.join(dir, "gsap.min.js"));
  writeFileSync(path.join(dir, "index.html"), indexHtml());
  writeFileSync(path.join(dir, "style.css"), "#box { background: rgb(255, 255, 255); }\n");
  writeFileSync(path.join(dir, "alt.html"), ALT_HTML);
  writeFileSync(path.join(dir, "sub.html"), subHtml());
  mkdirSync(path.join(dir, "compositions"));
  writeFileSync(path.join(dir, "compositions", "chip.html"), chipHtml("rgb(0, 200, 200)"));
  // a sub-composition file at the top level: listed as a sub-composition (opens alone), never as an entry
  writeFileSync(path.join(dir, "card.html"), `<template id="card-template"><div data-composition-id="card" data-width="100" data-height="100"></div></template>`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return dir;
}

export async function launch(): Promise<Browser> {
  const b = resolveBrowser();
  return puppeteer.launch({
    executablePath: b.executablePath,
    headless: b.kind === "headless-shell" ? "shell" : true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
      ...b.extraArgs,
    ],
    defaultViewport: { width: 1280, height: 800 },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

export interface Snapshot {
  comp: string;
  time: number;
  duration: number;
  fps: number;
  playing: boolean;
  /** J/K/L shuttle speed, signed (0: not shuttling) */
  shuttle: number;
  rate: number;
  loop: boolean;
  ready: boolean;
  token: number;
  loads: number;
  vars: Record<string, unknown>;
  errors: { kind: string; message: string }[];
  overlay: boolean;
  clips: number;
  /** animated elements on the timeline (window.__hf.animated()) */
  animated: number;
  lastCopied: string;
  scale: number;
}

export function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => (window as any).__hfPreview.snapshot());
}

export async function waitFor(page: Page, pred: (s: Snapshot) => boolean, what: string, timeoutMs = 15000): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  let s = await snapshot(page);
  while (!pred(s)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
    s = await snapshot(page);
  }
  return s;
}

/**
 * RGB of the composition pixel (x, y) (composition coordinates) as shown on the player page:
 * takes a page screenshot of that one spot and decodes it in the browser.
 */
export async function compositionPixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const pos = await page.evaluate(
    (cx, cy) => {
      const box = document.getElementById("frame-box")!.getBoundingClientRect();
      const s = Number(document.getElementById("frame-box")!.dataset.scale);
      return { x: box.left + cx * s, y: box.top + cy * s };
    },
    x,
    y,
  );
  const png = await page.screenshot({ clip: { x: Math.floor(pos.x), y: Math.floor(pos.y), width: 1, height: 1 }, encoding: "base64" });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = 1;
    c.height = 1;
    const ctx = c.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0]!, d[1]!, d[2]!] as [number, number, number];
  }, png);
}

export function near(a: number[], b: number[], tol = 12): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tol);
}

export interface PreviewSession {
  server: PreviewServer;
  /** http://127.0.0.1:<port> */
  base: string;
  browser: Browser;
  /** a player tab; page errors are printed */
  page: Page;
  close(): Promise<void>;
}

/** A real preview server for `dir` on a free port, a real headless Chrome and a tab, for a test file's beforeAll. */
export async function openPreview(dir: string): Promise<PreviewSession> {
  const server = await startPreview({ project: dir, port: 0 });
  const browser = await launch();
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("player page error:", e));
  return {
    server,
    base: `http://127.0.0.1:${server.port}`,
    browser,
    page,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
