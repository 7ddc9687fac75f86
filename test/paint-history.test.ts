/**
 * Every frame is drawn as on a page that starts at that frame, as the official renderer's references are.
 * Within one page, Chrome keeps the text layout of an element whose transform changes, and text that entered
 * from outside the frame and later rotates was drawn very slightly differently from a fresh page.
 * The runtime's render seek lays out every changed frame afresh (src/compose/runtime/fresh-layout.ts), for
 * both capture methods: screenshot (PNG sequences, transparent output) and begin-frame (opaque video).
 * Measured on the real-world case gsap-letters: frames 84 and 95 went from 45.9 to 48.7 dB, the same as a fresh
 * page; chat from 48.0 to 60.2 dB.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames, maxFrameDifference } from "./helpers/media.js";

afterAll(() => cleanupProjects());

const html = page({
  width: 640,
  height: 360,
  duration: 2,
  head: `<style>
    #word { position: absolute; left: 40px; top: 120px; font: 800 110px sans-serif; color: #fff; white-space: nowrap; }
    .l { display: inline-block; transform: translateY(-400px); opacity: 0; }
  </style>`,
  body: `<div id="word"><span class="l">H</span><span class="l">Y</span><span class="l">P</span><span class="l">E</span></div>`,
  script: `
    const tl = gsap.timeline({ paused: true });
    tl.to(".l", { y: 0, opacity: 1, duration: 0.5, stagger: 0.08, ease: "back.out(1.8)" }, 0);
    tl.to(".l", { rotation: 720, y: 200, opacity: 0, duration: 0.7, stagger: 0.05, ease: "power2.in" }, 1.2);
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;`,
});

describe("screenshot capture: every frame drawn as on a fresh page", () => {
  it("a late frame of a whole render equals the same frame rendered on its own", async () => {
    const project = makeProject({ "index.html": html });
    const whole = await renderProject(project, { format: "png-sequence", workers: 1 });
    const alone = await renderProject(project, { format: "png-sequence", workers: 1, frames: "45:46" });
    const pngs = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".png"));
    expect(pngs(whole.output).length).toBe(60);
    expect(pngs(alone.output).length).toBe(1);
    // frame 45 (t = 1.5 s): the letters are rotating out, after entering from above the frame
    const inWhole = await decodeFrames(path.join(whole.output, "0045.png"), { rgba: true });
    const onItsOwn = await decodeFrames(path.join(alone.output, pngs(alone.output)[0]!), { rgba: true });
    expect(maxFrameDifference(inWhole, onItsOwn, 0)).toBe(0);
    expect(readFileSync(path.join(whole.output, "0045.png")).length).toBeGreaterThan(0);
  });
});

describe("begin-frame capture: every changed frame laid out afresh", () => {
  it("a late frame of a whole video render equals the same frame rendered on its own", async () => {
    const project = makeProject({ "index.html": html });
    // PNG capture (high) and lossless x264 (CRF 0): equal captured frames give equal decoded frames
    const whole = await renderProject(project, { format: "mp4", quality: "high", crf: 0, workers: 1, capture: "beginframe" });
    const alone = await renderProject(project, { format: "mp4", quality: "high", crf: 0, workers: 1, capture: "beginframe", frames: "45:46" });
    expect(whole.captureMethod).toBe("beginframe");
    const inWhole = await decodeFrames(whole.output);
    const onItsOwn = await decodeFrames(alone.output);
    expect(inWhole.frames.length).toBe(60);
    expect(onItsOwn.frames.length).toBe(1);
    inWhole.frames = [inWhole.frames[45]!];
    expect(maxFrameDifference(inWhole, onItsOwn, 0)).toBe(0);
  });
});
