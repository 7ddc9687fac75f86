/**
 * The composition contract, checked on real renders (Chrome + FFmpeg): tiny 320x180 compositions,
 * pixels read back from the decoded MP4 at exact frame indices.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cell, cellCentre, cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject, type TestRender } from "./helpers/render.js";
import { frameCountFor } from "../src/render/render.js";
import {
  colourDistance,
  countPixels,
  decodeFrames,
  describeColour,
  leftEdge,
  maxFrameDifference,
  pixel,
  probeFile,
  COLOUR_TOL,
  type DecodedFrames,
} from "./helpers/media.js";

const BLACK = [0, 0, 0];
const RED = [255, 0, 0];
const LIME = [0, 255, 0];
const BLUE = [0, 0, 255];
const YELLOW = [255, 255, 0];
const MAGENTA = [255, 0, 255];
const CYAN = [0, 255, 255];
const WHITE = [255, 255, 255];

afterAll(() => cleanupProjects());

function expectColourAt(d: DecodedFrames, frame: number, [x, y]: [number, number], want: number[], what: string): void {
  const got = pixel(d, frame, x, y);
  expect(colourDistance(got, want), `${what}: frame ${frame} at (${x},${y}) is ${describeColour(got)}, expected ${describeColour(want)}`).toBeLessThanOrEqual(
    COLOUR_TOL,
  );
}

function expectEdgeNear(d: DecodedFrames, frame: number, y: number, colour: number[], x: number, what: string, tol = 2): void {
  const got = leftEdge(d, frame, y, colour);
  expect(got, `${what}: not found on row ${y} of frame ${frame}`).toBeGreaterThanOrEqual(0);
  expect(Math.abs(got - x), `${what}: frame ${frame} has its left edge at x=${got}, expected ${x}`).toBeLessThanOrEqual(tol);
}

describe("clip timing: half-open windows, ancestor gating, relative starts", () => {
  let r: TestRender;
  let d: DecodedFrames;
  beforeAll(async () => {
    const project = makeProject(
      {
        "index.html": page({
          duration: 1.2,
          rootAttrs: "data-no-timeline",
          gsap: false,
          body: [
            // [0.5, 1.0)
            cell("win", 0, 0, "rgb(255,0,0)", 'data-start="0.5" data-duration="0.5"'),
            // ancestor gating: #inner is timed for the whole composition and styled visibility:visible,
            // but its timed ancestor #scene only lives in [0, 0.5)
            `<div id="scene" class="cell" style="left:40px;top:0" data-start="0" data-duration="0.5">
               <div id="inner" style="width:40px;height:40px;background:rgb(0,255,0);visibility:visible" data-start="0" data-duration="1.2"></div>
             </div>`,
            // the same with a child that is not timed: every descendant of a hidden clip is hidden
            `<div id="scene2" class="cell" style="left:0;top:45px" data-start="0" data-duration="0.5">
               <div id="plain" style="width:40px;height:40px;background:rgb(255,0,0);visibility:visible"></div>
             </div>`,
            // relative starts: a [0, 0.5); b = a + 0.25 → [0.75, 1.0); c = b → [1.0, 1.15); d = b - 0.5 → [0.5, 0.75)
            cell("a", 2, 0, "rgb(0,0,255)", 'data-start="0" data-duration="0.5"'),
            cell("b", 3, 0, "rgb(255,255,0)", 'data-start="a + 0.25" data-duration="0.25"'),
            cell("c", 4, 0, "rgb(255,0,255)", 'data-start="b" data-duration="0.15"'),
            cell("d", 5, 0, "rgb(0,255,255)", 'data-start="b - 0.5" data-duration="0.25"'),
            // unknown reference: a warning, and the clip starts at 0
            cell("e", 6, 0, "rgb(255,255,255)", 'data-start="nope + 0.5" data-duration="1.2"'),
            // floating point: 0.1 + 0.2 is 0.30000000000000004, and the clip still ends at t = 0.3 (frame 9)
            cell("f", 1, 1, "rgb(0,255,0)", 'data-start="0.1" data-duration="0.2"'),
          ].join("\n"),
        }),
      },
      { gsap: false },
    );
    r = await renderProject(project);
    d = await decodeFrames(r.output);
  });

  it("renders round(duration*fps) frames", () => {
    expect(r.frames).toBe(36);
    expect(probeFile(r.output).frames).toBe(36);
    expect(d.frames.length).toBe(36);
  });

  it("data-start=0.5 data-duration=0.5: frame 14 hidden, 15 and 29 visible, 30 hidden", () => {
    const at = cellCentre(0, 0);
    expectColourAt(d, 14, at, BLACK, "#win before its start");
    expectColourAt(d, 15, at, RED, "#win at its start");
    expectColourAt(d, 29, at, RED, "#win on its last frame");
    expectColourAt(d, 30, at, BLACK, "#win at its (exclusive) end");
  });

  it("a window ends at exactly start + duration, whatever floating point adds (0.1 + 0.2 ends at frame 9)", () => {
    const at = cellCentre(1, 1);
    expectColourAt(d, 3, at, LIME, "#f at its start");
    expectColourAt(d, 8, at, LIME, "#f on its last frame");
    expectColourAt(d, 9, at, BLACK, "#f at t = 0.3, its end");
  });

  it("a visibility:visible timed child is hidden while its timed ancestor is", () => {
    const at = cellCentre(1, 0);
    expectColourAt(d, 0, at, LIME, "#inner inside a visible #scene");
    expectColourAt(d, 14, at, LIME, "#inner on #scene's last frame");
    expectColourAt(d, 15, at, BLACK, "#inner after #scene ended");
    expectColourAt(d, 35, at, BLACK, "#inner after #scene ended");
  });

  it("a non-timed visibility:visible child is hidden while its clip is (official 0.8.170 hides every descendant)", () => {
    const at = cellCentre(0, 1);
    expectColourAt(d, 0, at, RED, "#plain inside a visible #scene2");
    expectColourAt(d, 14, at, RED, "#plain on #scene2's last frame");
    expectColourAt(d, 15, at, BLACK, "#plain after #scene2 ended");
    expectColourAt(d, 35, at, BLACK, "#plain after #scene2 ended");
  });

  it("resolves id + N, id - N and chained references to the referenced clip's end", () => {
    expectColourAt(d, 14, cellCentre(2, 0), BLUE, "#a");
    expectColourAt(d, 15, cellCentre(2, 0), BLACK, "#a after its end");
    // b: [0.75, 1.0)
    expectColourAt(d, 22, cellCentre(3, 0), BLACK, "#b (a + 0.25) before 0.75 s");
    expectColourAt(d, 23, cellCentre(3, 0), YELLOW, "#b (a + 0.25) after 0.75 s");
    expectColourAt(d, 29, cellCentre(3, 0), YELLOW, "#b on its last frame");
    expectColourAt(d, 30, cellCentre(3, 0), BLACK, "#b at 1.0 s");
    // c = b: [1.0, 1.15)
    expectColourAt(d, 29, cellCentre(4, 0), BLACK, "#c (chained on b) before 1.0 s");
    expectColourAt(d, 30, cellCentre(4, 0), MAGENTA, "#c (chained on b) at 1.0 s");
    expectColourAt(d, 35, cellCentre(4, 0), BLACK, "#c after 1.15 s");
    // d = b - 0.5: [0.5, 0.75)
    expectColourAt(d, 14, cellCentre(5, 0), BLACK, "#d (b - 0.5) before 0.5 s");
    expectColourAt(d, 15, cellCentre(5, 0), CYAN, "#d (b - 0.5) at 0.5 s");
    expectColourAt(d, 22, cellCentre(5, 0), CYAN, "#d at 0.733 s");
    expectColourAt(d, 23, cellCentre(5, 0), BLACK, "#d after 0.75 s");
  });

  it("an unknown id in data-start is a warning, not a crash; the clip starts at 0", () => {
    expect(r.warned.join("\n")).toMatch(/unknown id "nope"/);
    expectColourAt(d, 0, cellCentre(6, 0), WHITE, "#e (unknown reference)");
  });
});

describe("sub-composition: scoped CSS and selectors, nested timeline holding its final state, local starts", () => {
  let d: DecodedFrames;
  beforeAll(async () => {
    const card = `<!doctype html>
<html><head><meta charset="utf-8"></head><body>
<template id="card-template">
  <div data-composition-id="card" data-width="320" data-height="90">
    <style>
      .title { position: absolute; left: 280px; top: 0; width: 40px; height: 40px; background: rgb(0,0,255); }
      .box { position: absolute; left: 0; top: 0; width: 20px; height: 40px; background: rgb(255,0,0); }
      .late { position: absolute; left: 200px; top: 45px; width: 40px; height: 40px; background: rgb(0,255,255); }
    </style>
    <div class="title"></div>
    <div class="box"></div>
    <!-- local start: 0.3 s after the host's start (0.5 s) → global [0.8, 1.0) -->
    <div id="late" class="late" data-start="0.3" data-duration="0.2"></div>
    <script>
      const tl = gsap.timeline({ paused: true });
      tl.fromTo(".box", { x: 0 }, { x: 100, duration: 0.2, ease: "none" }, 0);
      window.__timelines = window.__timelines || {};
      window.__timelines["card"] = tl;
    </script>
  </div>
</template>
</body></html>`;
    const project = makeProject({
      "compositions/card.html": card,
      "index.html": page({
        duration: 1.2,
        head: `<style>
          .title { position: absolute; left: 0; top: 135px; width: 40px; height: 40px; background: rgb(255,255,0); }
          .box { position: absolute; left: 80px; top: 135px; width: 20px; height: 40px; background: rgb(0,255,0); }
        </style>`,
        body: `
    <div class="title"></div>
    <div class="box"></div>
    <div id="card-host" data-composition-id="card" data-composition-src="compositions/card.html"
         data-start="0.5" data-duration="0.6" data-width="320" data-height="90"></div>`,
        script: `
    const tl = gsap.timeline({ paused: true });
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;`,
      }),
    });
    const r = await renderProject(project);
    d = await decodeFrames(r.output);
  });

  it("the host window gates the child: hidden before 0.5 s, shown at 0.5 s, gone after 1.1 s", () => {
    expectColourAt(d, 14, [300, 20], BLACK, "child .title before the host starts");
    expectColourAt(d, 15, [300, 20], BLUE, "child .title at the host start");
    expectColourAt(d, 34, [300, 20], BLACK, "child .title after the host ended");
  });

  it("the child's CSS is scoped: its .title rule does not reach the host's .title", () => {
    for (const f of [0, 15, 25]) expectColourAt(d, f, [20, 155], YELLOW, "host .title");
  });

  it("the child's GSAP selector is scoped: the host's .box does not move", () => {
    for (const f of [15, 25]) expectEdgeNear(d, f, 155, LIME, 80, "host .box", 0);
  });

  it("the child timeline runs from the host start and then holds its final state", () => {
    // x = 100 * (t - 0.5) / 0.2 while running, then 100
    expectEdgeNear(d, 15, 20, RED, 0, "child .box at the host start");
    expectEdgeNear(d, 18, 20, RED, 50, "child .box mid-tween");
    expectEdgeNear(d, 27, 20, RED, 100, "child .box after the child timeline ended");
    expectEdgeNear(d, 32, 20, RED, 100, "child .box on the host's last frames");
  });

  it("a data-start inside the child is local to the host start", () => {
    expectColourAt(d, 23, [220, 65], BLACK, "#late before 0.8 s");
    expectColourAt(d, 25, [220, 65], CYAN, "#late after 0.8 s");
    expectColourAt(d, 29, [220, 65], CYAN, "#late on its last frame");
    expectColourAt(d, 30, [220, 65], BLACK, "#late at 1.0 s");
  });
});

describe("variables", () => {
  const VARS = [
    { id: "title", type: "string", label: "Title", default: "i" },
    { id: "accent", type: "color", label: "Accent", default: "#0000ff" },
    { id: "size", type: "number", label: "Size", default: 40, min: 0, max: 300 },
  ];
  const project = () =>
    makeProject({
      "index.html": page({
        htmlAttrs: `data-composition-variables='${JSON.stringify(VARS)}'`,
        rootAttrs: "data-no-timeline",
        head: `<style>
          #swatch { position: absolute; left: 0; top: 0; width: 40px; height: 40px; background: var(--accent, #444); }
          #bar { position: absolute; left: 0; top: 50px; height: 30px; background: rgb(0,255,0); }
          #title { position: absolute; left: 0; top: 100px; font: bold 40px "DejaVu Sans", sans-serif; color: #fff; white-space: nowrap; }
        </style>`,
        body: `<div id="swatch"></div><div id="bar"></div><div id="title" data-var-text="title">?</div>`,
        script: `document.getElementById("bar").style.width = window.__hyperframes.getVariables().size + "px";`,
        gsap: false,
      }),
    }, { gsap: false });
  let defaults: DecodedFrames;
  let overridden: DecodedFrames;
  beforeAll(async () => {
    const p = project();
    defaults = await decodeFrames((await renderProject(p, { frames: "0:1" })).output);
    overridden = await decodeFrames(
      (await renderProject(p, { frames: "0:1", variables: { title: "MMMMM", accent: "#ff0000", size: 200 } })).output,
    );
  });

  it("overrides reach var(--id)", () => {
    expectColourAt(defaults, 0, [20, 20], BLUE, "--accent default");
    expectColourAt(overridden, 0, [20, 20], RED, "--accent override");
  });

  it("overrides reach getVariables()", () => {
    // the bar is `size` px wide: the first black pixel on its row is at x = size
    expectEdgeNear(defaults, 0, 65, BLACK, 40, "end of #bar (default size 40)");
    expectEdgeNear(overridden, 0, 65, BLACK, 200, "end of #bar (size 200)");
  });

  it("data-var-text replaces the element's text", () => {
    const rect = { x: 0, y: 100, w: 320, h: 50 };
    const thin = countPixels(defaults, 0, rect, WHITE, 80);
    const wide = countPixels(overridden, 0, rect, WHITE, 80);
    // "i" is a few hundred pixels of white, "MMMMM" several thousand; the authored "?" would be in between
    expect(thin).toBeGreaterThan(20);
    expect(thin).toBeLessThan(400);
    expect(wide).toBeGreaterThan(thin * 5);
  });
});

describe("adapters: CSS keyframes start at the clip start, WAAPI runs on composition time", () => {
  let d: DecodedFrames;
  beforeAll(async () => {
    const project = makeProject(
      {
        "index.html": page({
          duration: 1.2,
          rootAttrs: "data-no-timeline",
          gsap: false,
          head: `<style>
            @keyframes slide { from { transform: translateX(0); } to { transform: translateX(200px); } }
            #cssbox { position: absolute; left: 0; top: 0; width: 20px; height: 40px; background: rgb(255,0,0); animation: slide 0.5s linear forwards; }
            #wbox { position: absolute; left: 0; top: 90px; width: 20px; height: 40px; background: rgb(0,255,0); }
          </style>`,
          body: `<div id="cssclip" style="left:0;top:0;width:320px;height:45px" data-start="0.5" data-duration="0.7"><div id="cssbox"></div></div>
    <div id="wbox"></div>`,
          script: `document.getElementById("wbox").animate([{ transform: "translateX(0)" }, { transform: "translateX(200px)" }], { duration: 500, delay: 250, fill: "both", easing: "linear" });`,
        }),
      },
      { gsap: false },
    );
    d = await decodeFrames((await renderProject(project)).output);
  });

  it("a CSS animation inside a clip starting at 0.5 s starts its clock at 0.5 s", () => {
    // x = 200 * (t - 0.5) / 0.5, then held (forwards)
    const want: Record<number, number> = { 15: 0, 18: 40, 21: 80, 24: 120, 33: 200 };
    for (const [f, x] of Object.entries(want)) expectEdgeNear(d, Number(f), 20, RED, x, "CSS-animated box");
    expect(leftEdge(d, 14, 20, RED), "the clip is hidden before 0.5 s").toBe(-1);
  });

  it("a WAAPI animation's delay counts from composition time 0", () => {
    // x = 200 * (t - 0.25) / 0.5 within [0.25, 0.75]
    const want: Record<number, number> = { 0: 0, 6: 0, 12: 60, 15: 100, 18: 140, 27: 200 };
    for (const [f, x] of Object.entries(want)) expectEdgeNear(d, Number(f), 110, LIME, x, "WAAPI-animated box");
  });
});

describe("virtual time and frame quantisation", () => {
  // Three bars drawn on a canvas from requestAnimationFrame's timestamp, performance.now() and Date.now();
  // plus a GSAP tween. x = 200 px per second of composition time.
  const html = page({
    head: `<style>canvas { position: absolute; left: 0; top: 0; }
      #g { position: absolute; left: 0; top: 135px; width: 20px; height: 40px; background: rgb(255,255,0); }</style>`,
    body: `<canvas id="cv" width="320" height="135"></canvas><div id="g"></div>`,
    script: `
    const ctx = document.getElementById("cv").getContext("2d");
    function draw(ts) {
      ctx.fillStyle = "#000"; ctx.fillRect(0, 0, 320, 135);
      ctx.fillStyle = "rgb(255,0,0)"; ctx.fillRect(Math.round(ts / 5), 0, 20, 40);
      ctx.fillStyle = "rgb(0,255,0)"; ctx.fillRect(Math.round(performance.now() / 5), 45, 20, 40);
      ctx.fillStyle = "rgb(0,0,255)"; ctx.fillRect(Math.round(Date.now() / 5), 90, 20, 40);
      requestAnimationFrame(draw);
    }
    requestAnimationFrame(draw);
    const tl = gsap.timeline({ paused: true });
    tl.fromTo("#g", { x: 0 }, { x: 200, duration: 1, ease: "none" }, 0);
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;`,
  });
  let one: DecodedFrames;
  let three: DecodedFrames;
  let r3: TestRender;
  let project: string;
  beforeAll(async () => {
    project = makeProject({ "index.html": html });
    one = await decodeFrames((await renderProject(project, { workers: 1 })).output);
    r3 = await renderProject(project, { workers: 3 });
    three = await decodeFrames(r3.output);
  });

  it("rAF timestamps, performance.now() and Date.now() are composition time", () => {
    for (const f of [0, 7, 15, 29]) {
      const x = Math.round((f / 30) * 200);
      for (const [y, colour, clock] of [
        [20, RED, "rAF timestamp"],
        [65, LIME, "performance.now()"],
        [110, BLUE, "Date.now()"],
      ] as const) expectEdgeNear(one, f, y, colour, x, `${clock} bar`);
    }
  });

  it("--workers 1 and --workers 3 give the same frames", () => {
    expect(r3.workers).toBe(3);
    expect(three.frames.length).toBe(one.frames.length);
    const diffs = one.frames.map((_, f) => maxFrameDifference(one, three, f));
    console.log(`max pixel difference per frame, 1 vs 3 workers: ${Math.max(...diffs)}`);
    diffs.forEach((diff, f) => expect(diff, `frame ${f} differs between 1 and 3 workers`).toBeLessThanOrEqual(8));
  });

  it("--fps 24 gives round(duration*24) frames, frame i showing time i/24", async () => {
    const r = await renderProject(project, { fps: 24 });
    const p = probeFile(r.output);
    expect(p.frames).toBe(24);
    expect(p.video.r_frame_rate).toBe("24/1");
    const d24 = await decodeFrames(r.output);
    // frames whose time i/24 is far from any 1/30 step (a 30 fps quantisation would be 5 px off)
    for (const f of [3, 7, 12, 19]) {
      const x = Math.round((f / 24) * 200);
      expectEdgeNear(d24, f, 155, YELLOW, x, "GSAP box at 24 fps");
    }
  });

  it("frame count rule: duration × fps, rounded when within 1e-3 of an integer, else rounded up (contract §1.4)", () => {
    expect(frameCountFor(1, 24)).toBe(24);
    expect(frameCountFor(2.5, 30)).toBe(75);
    expect(frameCountFor(0.1 * 3, 30)).toBe(9); // 8.999999999999998
    expect(frameCountFor(1.1, 24)).toBe(27); // 26.4 → 27: the last partial frame is kept
  });
});
