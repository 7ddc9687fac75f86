/**
 * GSAP draws transforms in 2D on HyperFrames pages (force3D: false), as the official renderer does: a moving,
 * rotating element is painted in place, not given a compositor layer that is rasterized flat and resampled.
 * With GSAP's own default (translate3d while a tween runs) every moving glyph of shared/bench came out softer
 * than the official's reference frames. Checked in real Chrome with the real runtime, on a GSAP loaded up front,
 * one a script assigns later, and a tween that asks for 3D itself; then on real pixels.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type LaunchedBrowser } from "../src/render/launch.js";
import { startRenderServer } from "../src/render/server.js";
import { cleanupProjects, GSAP_JS, makeProject, page } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames } from "./helpers/media.js";

afterAll(() => cleanupProjects());

const STYLE = `<style>
  #spin { position: absolute; left: 100px; top: 40px; font: 900 60px sans-serif; color: #fff; }
  #forced { position: absolute; left: 10px; top: 120px; width: 20px; height: 20px; background: #f00; }
</style>`;
const TIMELINE = `
  const tl = gsap.timeline({ paused: true });
  tl.fromTo("#spin", { y: -40, rotation: -30 }, { y: 0, rotation: 0, duration: 1, ease: "none" }, 0);
  tl.to("#forced", { x: 50, force3D: true, duration: 1, ease: "none" }, 0);
  window.__timelines = window.__timelines || {};
  window.__timelines["main"] = tl;`;

describe("GSAP transforms are drawn in 2D", () => {
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = await launchBrowser({ width: 320, height: 180 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function stateAt(project: string, t: number): Promise<{ force3D: unknown; spin: string; forced: string }> {
    const server = await startRenderServer({ projectDir: project, entry: "index.html", inject: { mode: "render", fps: 30 }, onWarning: () => undefined });
    const tab = await browser.browser.newPage();
    try {
      await tab.goto(server.entryUrl, { waitUntil: "domcontentloaded" });
      await tab.evaluate(() => (window as any).__hf.ready);
      await tab.evaluate((at) => (window as any).__hf.renderSeek(at), t);
      return await tab.evaluate(() => ({
        force3D: (window as any).gsap.config().force3D,
        spin: document.getElementById("spin")!.style.transform,
        forced: document.getElementById("forced")!.style.transform,
      }));
    } finally {
      await tab.close();
      await server.close();
    }
  }

  it("mid-tween: translate and rotate, no translate3d; a tween's own force3D still wins", async () => {
    const project = makeProject({ "index.html": page({ head: STYLE, body: `<div id="spin">Hf</div><div id="forced"></div>`, script: TIMELINE }) });
    const s = await stateAt(project, 0.5);
    expect(s.force3D).toBe(false);
    expect(s.spin).toMatch(/^translate\(0px, -20px\) rotate\(-15deg\)$/);
    expect(s.forced).toContain("translate3d");
  });

  it("a GSAP that a script assigns to window.gsap after the runtime started gets the same default", async () => {
    // GSAP loaded late, from a script that runs after the page's first scripts (the runtime is injected first)
    const html = page({ head: STYLE, body: `<div id="spin">Hf</div><div id="forced"></div>`, script: "" })
      .replace(/<script[^>]*gsap\.min\.js[^>]*><\/script>/, "")
      .replace("</body>", `<script>
        const s = document.createElement("script"); s.src = "late-gsap.js";
        s.onload = () => { ${TIMELINE} };
        document.body.appendChild(s);
      </script></body>`);
    const project = makeProject({ "index.html": html, "late-gsap.js": readFileSync(GSAP_JS) }, { gsap: false });
    const s = await stateAt(project, 0.5);
    expect(s.force3D).toBe(false);
    expect(s.spin).not.toContain("3d");
  });

  it("a rotating word renders exactly as on a page that asks GSAP for 2D itself", async () => {
    const body = `<div id="spin">Hf</div><div id="forced"></div>`;
    const ours = makeProject({ "index.html": page({ head: STYLE, body, script: TIMELINE }) });
    const asked = makeProject({ "index.html": page({ head: STYLE, body, script: `gsap.config({ force3D: false });${TIMELINE}` }) });
    const a = await decodeFrames((await renderProject(ours, { quality: "high", frames: "15:16" })).output);
    const b = await decodeFrames((await renderProject(asked, { quality: "high", frames: "15:16" })).output);
    expect(a.frames[0]!.equals(b.frames[0]!)).toBe(true);
  });
});
