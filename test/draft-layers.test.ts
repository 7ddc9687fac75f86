/**
 * Draft renders give plain boxes that GSAP only moves their own compositor layer (will-change: transform),
 * and nothing else. Checked in real Chrome with the real runtime, then on a real draft render that the
 * promoted box still lands where it should.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type LaunchedBrowser } from "../src/render/launch.js";
import { startRenderServer } from "../src/render/server.js";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { COLOUR_TOL, colourDistance, decodeFrames, leftEdge, pixel } from "./helpers/media.js";

afterAll(() => cleanupProjects());

const html = page({
  head: `<style>
    #drift { position: absolute; left: 0; top: 0; width: 60px; height: 40px; background: rgb(0,0,255); }
    #fade { position: absolute; left: 0; top: 60px; width: 40px; height: 40px; background: rgb(0,255,0); }
    #spin { position: absolute; left: 100px; top: 60px; width: 40px; height: 40px; background: rgb(255,0,0); }
    #label { position: absolute; left: 0; top: 120px; color: #fff; }
    #group { position: absolute; left: 200px; top: 0; }
    #child { position: absolute; width: 20px; height: 20px; background: #fff; }
    #flow { width: 20px; height: 20px; background: #fff; }
    #scaled { position: absolute; left: 200px; top: 100px; }
    #inner { position: absolute; width: 20px; height: 20px; background: #ff0; }
  </style>`,
  body: `<div id="drift"></div><div id="fade"></div><div id="spin"></div><div id="label">moving words</div>
    <div id="group"><div id="child"></div></div><div id="flow"></div><div id="scaled"><div id="inner"></div></div>`,
  script: `
    const tl = gsap.timeline({ paused: true });
    tl.to("#drift", { x: 100.5, duration: 1, ease: "none" }, 0);
    tl.fromTo("#fade", { y: 0, opacity: 0 }, { y: 20.25, opacity: 1, duration: 1 }, 0);
    tl.to("#spin", { x: 30, duration: 1 }, 0).to("#spin", { rotation: 90, duration: 1 }, 0);
    tl.to("#label", { x: 50, duration: 1 }, 0);
    tl.to("#group", { x: 50, duration: 1 }, 0);
    tl.to("#flow", { x: 50, duration: 1 }, 0);
    tl.to("#scaled", { scale: 2, duration: 1 }, 0).to("#inner", { x: 10, duration: 1 }, 0);
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;`,
});

describe("draft layers", () => {
  let project: string;
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    project = makeProject({ "index.html": html });
    browser = await launchBrowser({ width: 320, height: 180 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function willChange(draftLayers: boolean): Promise<Record<string, string>> {
    const server = await startRenderServer({ projectDir: project, entry: "index.html", inject: { mode: "render", fps: 30, draftLayers }, onWarning: () => undefined });
    const tab = await browser.browser.newPage();
    try {
      await tab.goto(server.entryUrl, { waitUntil: "domcontentloaded" });
      await tab.evaluate(() => (window as any).__hf.ready);
      return await tab.evaluate(() =>
        Object.fromEntries(["drift", "fade", "spin", "label", "group", "child", "flow", "scaled", "inner"].map((id) => [id, getComputedStyle(document.getElementById(id)!).willChange])),
      );
    } finally {
      await tab.close();
      await server.close();
    }
  }

  it("promotes only positioned leaf boxes without text that GSAP only moves (x/y, with opacity)", async () => {
    const wc = await willChange(true);
    expect(wc).toEqual({
      drift: "transform", // x only
      fade: "transform", // y + opacity, from a fromTo
      spin: "auto", // also rotated
      label: "auto", // has text
      group: "auto", // has a child
      child: "auto", // not animated
      flow: "auto", // not positioned (the hint would make it a stacking context)
      scaled: "auto", // scaled
      inner: "auto", // its ancestor is scaled: a fixed raster scale would blur it
    });
  });

  it("leaves every element alone when the option is off (standard and high quality)", async () => {
    const wc = await willChange(false);
    expect(Object.values(wc).every((v) => v === "auto")).toBe(true);
  });

  it("a promoted box is still drawn where GSAP puts it in a draft render", async () => {
    const r = await renderProject(project, { quality: "draft" });
    const d = await decodeFrames(r.output);
    // #drift: 60 px wide at x = 100.5 * t; frame 15 (t = 0.5) → left edge at ~50 px, frame 29 → ~97 px
    const blue = [0, 0, 255];
    expect(Math.abs(leftEdge(d, 15, 20, blue) - 50)).toBeLessThanOrEqual(1);
    expect(Math.abs(leftEdge(d, 29, 20, blue) - 97)).toBeLessThanOrEqual(1);
    expect(colourDistance(pixel(d, 29, 120, 20), blue)).toBeLessThanOrEqual(COLOUR_TOL);
  });
});
