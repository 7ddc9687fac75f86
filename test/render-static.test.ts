/**
 * No-damage frames: when nothing visible changes between two frames a page renders, the renderer reuses the
 * previous image instead of capturing again — and must never reuse when something did change.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject, page, cell, cellCentre } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import path from "node:path";
import { decodeFrames, pixel, colourDistance, COLOUR_TOL, makeTone, probeFile } from "./helpers/media.js";

afterAll(cleanupProjects);

describe("static frames", () => {
  it("reuses frames after the animation ends, and the reused frames show the final state", async () => {
    const dir = makeProject({
      "index.html": page({
        duration: 2,
        fps: 15,
        body: cell("box", 0, 0, "#ff0000"),
        script: `const tl = gsap.timeline({ paused: true }); tl.to("#box", { x: 200, duration: 0.5, ease: "none" }); window.__timelines = { main: tl };`,
      }),
    });
    const r = await renderProject(dir, { workers: 1 });
    // 0.5 s of motion at 15 fps, then 1.5 s still: most of the 30 frames are reused
    expect(r.reusedFrames).toBeGreaterThanOrEqual(20);
    const d = await decodeFrames(r.output);
    const [, y] = cellCentre(0, 0);
    for (const i of [8, 15, 29]) expect(colourDistance(pixel(d, i, 220, y), [255, 0, 0])).toBeLessThan(60);
    expect(colourDistance(pixel(d, 29, 20, y), [0, 0, 0])).toBeLessThan(60);
  });

  it("left-out repeats keep every frame in place: a jump after a still stretch, a still ending, audio, exact count", async () => {
    // frames 0-14 black, the box appears at exactly frame 15 (0.5 s) and then nothing changes until the end;
    // the repeated frames are not sent to FFmpeg at all, which must still fill each slot with the right picture
    const dir = makeProject({
      "index.html": page({
        duration: 1.5,
        fps: 30,
        body: `${cell("box", 0, 0, "#ff0000")}<audio id="a" src="tone.wav" data-start="0" data-duration="1.5"></audio>`,
        script: `const tl = gsap.timeline({ paused: true }); tl.set("#box", { autoAlpha: 0 }, 0).set("#box", { autoAlpha: 1 }, 0.5); window.__timelines = { main: tl };`,
      }),
    });
    makeTone(path.join(dir, "tone.wav"), 2);
    const r = await renderProject(dir, { workers: 2 });
    expect(r.frames).toBe(45);
    expect(r.reusedFrames).toBeGreaterThanOrEqual(35);
    const p = probeFile(r.output);
    expect(p.frames).toBe(45);
    expect(p.audio, "the audio stream is kept").toBeTruthy();
    const d = await decodeFrames(r.output);
    const [x, y] = cellCentre(0, 0);
    expect(colourDistance(pixel(d, 14, x, y), [0, 0, 0])).toBeLessThanOrEqual(COLOUR_TOL);
    for (const i of [15, 16, 30, 44]) expect(colourDistance(pixel(d, i, x, y), [255, 0, 0]), `frame ${i}`).toBeLessThanOrEqual(COLOUR_TOL);
  });

  it("never reuses while a CSS animation runs, nor on a canvas page", async () => {
    const css = makeProject({
      "index.html": page({
        duration: 1,
        fps: 10,
        rootAttrs: "data-no-timeline",
        gsap: false,
        head: `<style>@keyframes slide { from { left: 0 } to { left: 280px } } #box { animation: slide 1s linear infinite; }</style>`,
        body: cell("box", 0, 0, "#00ff00"),
      }),
    }, { gsap: false });
    const a = await renderProject(css, { workers: 1 });
    expect(a.reusedFrames).toBe(0);
    const canvas = makeProject({
      "index.html": page({
        duration: 1,
        fps: 10,
        rootAttrs: "data-no-timeline",
        gsap: false,
        body: `<canvas id="c" width="320" height="180"></canvas>`,
        script: `const c = document.getElementById("c").getContext("2d"); function draw(ts){ c.fillStyle = "#000"; c.fillRect(0,0,320,180); c.fillStyle = "#0000ff"; c.fillRect(ts / 1000 * 280, 0, 40, 40); requestAnimationFrame(draw); } requestAnimationFrame(draw);`,
      }),
    }, { gsap: false });
    const b = await renderProject(canvas, { workers: 1 });
    expect(b.reusedFrames).toBe(0);
    const d = await decodeFrames(b.output);
    // the square keeps moving with the rAF timestamp (28 px per frame): at x 56-96 on frame 2, 224-264 on frame 8
    expect(colourDistance(pixel(d, 2, 76, 20), [0, 0, 255])).toBeLessThanOrEqual(COLOUR_TOL);
    expect(colourDistance(pixel(d, 8, 244, 20), [0, 0, 255])).toBeLessThanOrEqual(COLOUR_TOL);
    expect(colourDistance(pixel(d, 8, 76, 20), [0, 0, 255])).toBeGreaterThan(100);
  });
});
