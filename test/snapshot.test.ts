/**
 * `hyperframes snapshot` / `snapshot()`: PNG stills from the render pipeline (real Chrome, real FFmpeg for the
 * video clip), 160x90. Stills identical to the frames a
 * png-sequence render writes (a moment between frames shows the frame on screen then, as the video does), a
 * <video> clip showing the right source frame, the default evenly spaced stills,
 * --json listing the files, and errors naming the flag.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./helpers/cli.js";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { COLOUR_TOL, colourDistance, decodeFrames, leftEdge, makeColourVideo, maxFrameDifference, pixel, probeFile, sourceFrameColour } from "./helpers/media.js";
import { snapshot, render } from "../src/index.js";

afterAll(() => cleanupProjects());

// a yellow box moving 100 px/s over a transparent page, a red square, and a colour-per-frame video clip from 0.5 s
const html = page({
  width: 160,
  height: 90,
  fps: 10,
  head: `<style>
    #sq { position: absolute; left: 0; top: 0; width: 30px; height: 30px; background: rgb(255,0,0); }
    #mover { position: absolute; left: 0; top: 50px; width: 20px; height: 30px; background: rgb(255,255,0); }
    video { position: absolute; left: 120px; top: 0; width: 40px; height: 30px; object-fit: fill; }
  </style>`,
  body: `<div id="sq"></div><div id="mover"></div>
    <video id="v" src="colours.mp4" muted playsinline data-start="0.5" data-duration="0.5"></video>`,
  script: `
    const tl = gsap.timeline({ paused: true });
    tl.fromTo("#mover", { x: 0 }, { x: 100, duration: 1, ease: "none" }, 0);
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;`,
}).replace("html, body { background: #000; }", "");

let project: string;
beforeAll(() => {
  project = makeProject({ "index.html": html });
  makeColourVideo(path.join(project, "colours.mp4"), 30, 10);
});

describe("hyperframes snapshot", () => {
  it("--at and --frames write the PNGs and --json lists them (ok, names, times, frames)", async () => {
    const out = tempDir("hf-snap-");
    const r = cli(["snapshot", project, "--at", "0.55,0.25", "--frames", "7", "-o", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(res).toMatchObject({ type: "snapshot", ok: true, dir: out, width: 160, height: 90, fps: 10, durationSeconds: 1 });
    expect(res.files.map((f: { name: string; time: number; frame: number }) => [f.name, f.time, f.frame])).toEqual([
      ["at-0.55s.png", 0.55, 5],
      ["at-0.25s.png", 0.25, 2],
      ["frame-0007.png", 0.7, 7],
    ]);
    expect(readdirSync(out).sort()).toEqual(["at-0.25s.png", "at-0.55s.png", "frame-0007.png"]);
    for (const f of res.files) expect([probeFile(f.path).video.width, probeFile(f.path).video.height]).toEqual([160, 90]);
    // at 0.55 s the video shows frame 5 (0.5 s): the box is at x = 50
    const at = await decodeFrames(path.join(out, "at-0.55s.png"));
    expect(Math.abs(leftEdge(at, 0, 65, [255, 255, 0]) - 50)).toBeLessThanOrEqual(1);
    // the video clip shows source frame (0.55 - 0.5) * 10 = 0 at 0.55 s, frame 2 at 0.7 s
    expect(colourDistance(pixel(at, 0, 140, 15), sourceFrameColour(0))).toBeLessThanOrEqual(COLOUR_TOL);
    const f7 = await decodeFrames(path.join(out, "frame-0007.png"));
    expect(Math.abs(leftEdge(f7, 0, 65, [255, 255, 0]) - 70)).toBeLessThanOrEqual(1);
    expect(colourDistance(pixel(f7, 0, 140, 15), sourceFrameColour(2))).toBeLessThanOrEqual(COLOUR_TOL);
    expect(colourDistance(pixel(f7, 0, 10, 10), [255, 0, 0])).toBeLessThanOrEqual(2);
  });

  it("without --at/--frames: 5 evenly spaced stills (first to last frame) in <dir>/renders/snapshots", () => {
    const r = cli(["snapshot", project]);
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(project, "renders", "snapshots");
    expect(readdirSync(dir).sort()).toEqual(["frame-0000.png", "frame-0002.png", "frame-0005.png", "frame-0007.png", "frame-0009.png"]);
    expect(r.stdout).toMatch(/5 stills of 160x90/);
  });

  it("a still is the render's own frame: snapshot --transparent equals the png-sequence render's PNG", async () => {
    const seq = await render({ project, format: "png-sequence", output: path.join(tempDir(), "seq"), quality: "draft" });
    const snap = await snapshot({ project, frames: [3, 8], transparent: true, outputDir: tempDir() });
    for (const f of snap.files) {
      const a = await decodeFrames(f.path, { rgba: true });
      const b = await decodeFrames(path.join(seq.output, `${String(f.frame).padStart(4, "0")}.png`), { rgba: true });
      expect(maxFrameDifference(a, b, 0), f.name).toBeLessThanOrEqual(1);
      expect(pixel(a, 0, 60, 10)[3], "transparent background kept").toBe(0);
    }
  });

  it("moments outside the composition, bad numbers and a file given as the project are errors naming the flag", () => {
    const late = cli(["snapshot", project, "--at", "1.5", "--json"]);
    expect(late.code).toBe(1);
    const e = JSON.parse(late.stdout.trim().split("\n").pop()!);
    expect(e).toMatchObject({ type: "error", ok: false, error: { code: "invalid_option" } });
    expect(e.error.message).toMatch(/--at 1\.5 is not inside the composition \(1 s long\)/);
    expect(e.error.hint).toMatch(/from 0 to 0\.9/);
    expect(cli(["snapshot", project, "--frames", "10"]).stderr).toMatch(/--frames 10 is past the last frame \(the composition has 10 frames at 10 fps\)/);
    expect(cli(["snapshot", project, "--at", "one"]).stderr).toMatch(/--at takes comma-separated numbers, got "one"/);
    expect(cli(["snapshot", path.join(project, "index.html")]).stderr).toMatch(/is a file, not a project folder/);
    expect(existsSync(path.join(project, "renders", "snapshots", "at-1.5s.png"))).toBe(false);
  });

  it("--help shows examples and is listed in the main help", () => {
    const h = cli(["snapshot", "--help"]);
    expect(h.stdout).toMatch(/--at <seconds>/);
    expect(h.stdout).toMatch(/\$ hyperframes snapshot my-video --at 0\.5,2,4\.25/);
    expect(cli(["--help"]).stdout).toMatch(/snapshot \[options\] \[dir\]/);
  });
});
