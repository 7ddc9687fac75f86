/**
 * The anime.js and Lottie frame adapters (composition contract §3.4), on real renders (Chrome + FFmpeg)
 * and in the preview runtime: tiny 320x180 compositions whose boxes move linearly, positions read back
 * from the decoded MP4 (render) or the DOM (preview). The libraries are copied from node_modules into
 * the temp project (no network at render time).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "puppeteer-core";
import { cell, cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject, type TestRender } from "./helpers/render.js";
import { decodeFrames, leftEdge, probeFile, type DecodedFrames } from "./helpers/media.js";
import { startPreview, type PreviewServer } from "../src/preview/index.js";
import { launch } from "./preview-helpers.js";

const require = createRequire(import.meta.url);
const ANIME_JS = readFileSync(require.resolve("animejs/lib/anime.min.js"));
const LOTTIE_JS = readFileSync(require.resolve("lottie-web/build/player/lottie.min.js"));
const LIBS = { "anime.min.js": ANIME_JS, "lottie.min.js": LOTTIE_JS };
const HEAD = '<script src="anime.min.js"></script>\n  <script src="lottie.min.js"></script>';

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const GREEN = [0, 255, 0];

afterAll(() => cleanupProjects());

/**
 * A hand-written Lottie file: a 320x180 comp, one shape layer holding a 40x40 green rectangle whose
 * centre moves linearly from x=20 to x=220 over `frames` frames (y = 110), so its left edge at Lottie
 * frame f is 200·f/frames. The layer lives in [0, frames), like the comp.
 */
function lottieData(fr: number, frames: number): object {
  const linear = { i: { x: 1, y: 1 }, o: { x: 0, y: 0 } };
  return {
    v: "5.7.4",
    fr,
    ip: 0,
    op: frames,
    w: 320,
    h: 180,
    nm: "moving box",
    ddd: 0,
    assets: [],
    layers: [
      {
        ddd: 0,
        ind: 1,
        ty: 4,
        nm: "box",
        sr: 1,
        ip: 0,
        op: frames,
        st: 0,
        bm: 0,
        ks: {
          o: { a: 0, k: 100 },
          r: { a: 0, k: 0 },
          p: { a: 1, k: [{ t: 0, s: [20, 110, 0], e: [220, 110, 0], ...linear }, { t: frames, s: [220, 110, 0] }] },
          a: { a: 0, k: [0, 0, 0] },
          s: { a: 0, k: [100, 100, 100] },
        },
        shapes: [
          {
            ty: "gr",
            nm: "rect group",
            it: [
              { ty: "rc", nm: "rect", d: 1, s: { a: 0, k: [40, 40] }, p: { a: 0, k: [0, 0] }, r: { a: 0, k: 0 } },
              { ty: "fl", nm: "fill", c: { a: 0, k: [0, 1, 0, 1] }, o: { a: 0, k: 100 }, r: 1 },
              { ty: "tr", p: { a: 0, k: [0, 0] }, a: { a: 0, k: [0, 0] }, s: { a: 0, k: [100, 100] }, r: { a: 0, k: 0 }, o: { a: 0, k: 100 } },
            ],
          },
        ],
      },
    ],
  };
}

/** A full-stage container for a Lottie animation (the SVG maps 1:1 onto the 320x180 stage). */
const lottieBox = (id: string) => `<div id="${id}" style="position:absolute;left:0;top:0;width:320px;height:180px"></div>`;

/** page() without the root's data-duration (the length must then come from the Lottie animation). */
const withoutDuration = (html: string) => html.replace(/ data-duration="[^"]*"/, "");

/**
 * 1.2 s at 30 fps, nothing driven by GSAP:
 *  - #ab (red, y 0-40): anime.js v3, autoplay: false, registered as `window.__hfAnime = instance` (single)
 *  - #auto (blue, y 45-85): anime.js v3 autoplaying, not registered (found through anime.running)
 *  - #lot: Lottie (svg renderer), green rect at y 90-130, registered as `window.__hfLottie = [anim]`
 * All three move their left edge from 0 to 200 px over 1 s (Lottie: 30 frames at 30 fps), linearly.
 */
function adaptersProject(): string {
  return makeProject(
    {
      ...LIBS,
      "index.html": page({
        duration: 1.2,
        rootAttrs: "data-no-timeline",
        gsap: false,
        head: HEAD,
        body: [
          cell("ab", 0, 0, "rgb(255,0,0)"),
          `<div id="auto" class="cell" style="left:0;top:45px;background:rgb(0,0,255)"></div>`,
          lottieBox("lot"),
        ].join("\n"),
        script: `
          window.__hfAnime = anime({ targets: "#ab", translateX: [0, 200], duration: 1000, easing: "linear", autoplay: false });
          anime({ targets: "#auto", translateX: [0, 200], duration: 1000, easing: "linear" });
          window.__hfLottie = [lottie.loadAnimation({
            container: document.getElementById("lot"), renderer: "svg", loop: false, autoplay: false,
            animationData: ${JSON.stringify(lottieData(30, 30))},
          })];`,
      }),
    },
    { gsap: false },
  );
}

function expectEdgeNear(d: DecodedFrames, frame: number, y: number, colour: number[], x: number, what: string, tol = 2): void {
  const got = leftEdge(d, frame, y, colour);
  expect(got, `${what}: not found on row ${y} of frame ${frame}`).toBeGreaterThanOrEqual(0);
  expect(Math.abs(got - x), `${what}: frame ${frame} has its left edge at x=${got}, expected ${x.toFixed(1)}`).toBeLessThanOrEqual(tol);
}

describe("render: anime.js and Lottie instances follow the frame's time", () => {
  let r: TestRender;
  let d: DecodedFrames;
  beforeAll(async () => {
    r = await renderProject(adaptersProject());
    d = await decodeFrames(r.output);
  });

  it("renders 36 frames without warnings", () => {
    expect(r.frames).toBe(36);
    expect(d.frames.length).toBe(36);
    expect(r.warned).toEqual([]);
  });

  it("the 'nothing changed' frame reuse is live, but only in the held tail (frames 31-35): moving frames are captured", () => {
    // the every-frame position checks below would catch a moving frame wrongly reused
    expect(r.reusedFrames).toBeGreaterThan(0);
    expect(r.reusedFrames).toBeLessThanOrEqual(5);
  });

  // every frame, so a frame wrongly reused by the "nothing changed" detection would show up too
  it("anime.js registered in window.__hfAnime: seek(t_ms) at every frame, end state held after 1 s", () => {
    for (let f = 0; f < 36; f++) expectEdgeNear(d, f, 20, RED, (200 * Math.min(f, 30)) / 30, "#ab (anime.js, __hfAnime)");
  });

  it("anime.js v3 autoplaying instance, found through anime.running: same positions", () => {
    for (let f = 0; f < 36; f++) expectEdgeNear(d, f, 65, BLUE, (200 * Math.min(f, 30)) / 30, "#auto (anime.js, anime.running)");
  });

  it("Lottie in window.__hfLottie: frame t·frameRate at every frame, the last frame (29) held past the end", () => {
    for (let f = 0; f < 36; f++) expectEdgeNear(d, f, 110, GREEN, (200 * Math.min(f, 29)) / 30, "Lottie rect");
  });
});

/** A project whose only animation is one Lottie box (#lot) set up by `script`, with no data-duration. */
function lottieOnlyProject(script: string): string {
  return makeProject(
    {
      ...LIBS,
      "index.html": withoutDuration(page({ rootAttrs: "data-no-timeline", gsap: false, head: HEAD, body: lottieBox("lot"), script })),
    },
    { gsap: false },
  );
}

describe("render: Lottie duration and readiness", () => {
  it("a Lottie-only composition without data-duration lasts totalFrames / frameRate (30 frames at 20 fps = 1.5 s)", async () => {
    // not registered in __hfLottie: found through lottie.getRegisteredAnimations()
    const project = lottieOnlyProject(`lottie.loadAnimation({ container: document.getElementById("lot"), renderer: "svg", loop: false, autoplay: false,
      animationData: ${JSON.stringify(lottieData(20, 30))} });`);
    const r = await renderProject(project);
    expect(r.frames).toBe(45);
    expect(probeFile(r.output).frames).toBe(45);
    const d = await decodeFrames(r.output);
    // output frame f is Lottie frame 20·f/30
    expectEdgeNear(d, 0, 110, GREEN, 0, "Lottie rect");
    expectEdgeNear(d, 15, 110, GREEN, (200 * 10) / 30, "Lottie rect");
    expectEdgeNear(d, 30, 110, GREEN, (200 * 20) / 30, "Lottie rect");
  });

  it("__hf.ready waits for a Lottie animation whose data arrives late (and its length then sets the duration)", async () => {
    // created without data (isLoaded === false); the data arrives 400 ms after the page's load event,
    // standing in for a slow download. Single-object form of __hfLottie.
    const project = lottieOnlyProject(`
      const anim = lottie.loadAnimation({ container: document.getElementById("lot"), renderer: "svg", loop: false, autoplay: false });
      window.__hfLottie = anim;
      window.addEventListener("load", () => setTimeout(() => anim.setupAnimation(${JSON.stringify(lottieData(20, 30))}), 400));`);
    // without the wait the duration would still be 0 at load ("the composition's duration is 0")
    const r = await renderProject(project);
    expect(r.frames).toBe(45);
    const d = await decodeFrames(r.output);
    expectEdgeNear(d, 0, 110, GREEN, 0, "late Lottie rect");
    expectEdgeNear(d, 15, 110, GREEN, (200 * 10) / 30, "late Lottie rect");
  });

  it("a Lottie file that fails to load, or never loads, does not hold the render: warnings after a bounded wait", async () => {
    const project = makeProject(
      {
        ...LIBS,
        "index.html": page({
          rootAttrs: "data-no-timeline",
          gsap: false,
          head: HEAD,
          body: [cell("static", 0, 0, "rgb(255,0,0)"), lottieBox("missing"), lottieBox("never")].join("\n"),
          script: `
            lottie.loadAnimation({ container: document.getElementById("missing"), renderer: "svg", autoplay: false, path: "missing.json" });
            lottie.loadAnimation({ container: document.getElementById("never"), renderer: "svg", autoplay: false, name: "never" });`,
        }),
      },
      { gsap: false },
    );
    const started = Date.now();
    const r = await renderProject(project);
    expect(r.frames).toBe(30);
    expect(Date.now() - started).toBeLessThan(60_000);
    const warned = r.warned.join("\n");
    expect(warned).toMatch(/Lottie animation \(missing\.json\) (failed to load its data|reported an error)/);
    expect(warned).toMatch(/Lottie animation \(never\) was still loading after 5 s/);
  });

  it("a Lottie file that failed before the runtime first looked is reported as failed at once, not after the 5 s wait", async () => {
    // a parser-blocking script after loadAnimation(): the 404 for missing.json is handled while the parser
    // waits for big.js, before DOMContentLoaded (the runtime's first look). Seen under load in CI, where
    // the render then waited 5 s and called a failed file "still loading".
    const project = makeProject(
      {
        ...LIBS,
        "big.js": "/*" + "x".repeat(4_000_000) + "*/ window.bigLoaded = true;",
        "index.html": page({
          rootAttrs: "data-no-timeline",
          gsap: false,
          head: HEAD,
          body: [cell("static", 0, 0, "rgb(255,0,0)"), lottieBox("missing"), `<script>lottie.loadAnimation({ container: document.getElementById("missing"), renderer: "svg", autoplay: false, path: "missing.json" });</script>`, `<script src="big.js"></script>`].join("\n"),
        }),
      },
      { gsap: false },
    );
    const started = Date.now();
    const r = await renderProject(project);
    expect(r.warned.join("\n")).toMatch(/Lottie animation \(missing\.json\) failed to load its data/);
    expect(Date.now() - started, "no 5 s wait for a file that already failed").toBeLessThan(5_000);
  });
});

describe("preview: seeks move anime.js and Lottie instances (any order), which stay put between seeks", () => {
  let server: PreviewServer;
  let browser: Browser;
  let tab: Page;
  beforeAll(async () => {
    server = await startPreview({ project: adaptersProject(), port: 0 });
    browser = await launch();
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("positions match the seek time, not the wall clock", async () => {
    await tab.goto(`http://127.0.0.1:${server.port}/index.html`, { waitUntil: "load" });
    await tab.evaluate(() => (window as any).__hf.ready);
    for (const t of [0.5, 0.2, 0.9, 0, 1.1]) {
      await tab.evaluate((tt) => (window as any).__player.seek(tt), t);
      // give free-running loops (rAF) a chance to move things if the adapters had not paused them
      await tab.evaluate(() => new Promise((r) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(r)), 150)));
      const pos = await tab.evaluate(() => {
        const stage = document.getElementById("stage")!.getBoundingClientRect().left;
        const left = (sel: string) => document.querySelector(sel)!.getBoundingClientRect().left - stage;
        return { ab: left("#ab"), auto: left("#auto"), lottie: left("#lot svg path") };
      });
      const frame = Math.floor(t * 30 + 1e-9);
      const want = (200 * Math.min(frame, 30)) / 30;
      expect(Math.abs(pos.ab - want), `#ab at t=${t}: ${pos.ab}, expected ${want}`).toBeLessThan(0.5);
      expect(Math.abs(pos.auto - want), `#auto at t=${t}: ${pos.auto}, expected ${want}`).toBeLessThan(0.5);
      const wantLottie = (200 * Math.min(frame, 29)) / 30;
      expect(Math.abs(pos.lottie - wantLottie), `Lottie rect at t=${t}: ${pos.lottie}, expected ${wantLottie}`).toBeLessThan(0.5);
    }
  });
});
