/**
 * Media in real renders: <video> frame exactness (data-start, data-media-start, the window mapping, holding
 * the last source frame) with a generated video whose every frame has its own colour, and the audio mix
 * (an AAC track only when there is audio, data-volume as linear gain, silence outside the clip window).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject, type TestRender } from "./helpers/render.js";
import {
  COLOUR_TOL,
  colourDistance,
  decodeFrames,
  describeColour,
  makeColourVideo,
  ffmpegPath,
  makeTone,
  meanVolumeDb,
  pixel,
  probeFile,
  sourceFrameColour,
  type DecodedFrames,
} from "./helpers/media.js";

afterAll(() => cleanupProjects());

function mediaProject(volume: string): string {
  const dir = makeProject(
    {
      "index.html": page({
        duration: 1.2,
        rootAttrs: "data-no-timeline",
        gsap: false,
        head: `<style>video { position: absolute; top: 0; width: 64px; height: 36px; object-fit: fill; }</style>`,
        body: `
    <!-- on screen [0.5, 1.1); source time = (t - 0.5) + 0.5 = t -->
    <video id="v1" src="assets/colours.mp4" muted playsinline style="left:0" data-start="0.5" data-duration="0.6" data-media-start="0.5"></video>
    <!-- on screen the whole time; the source has only 0.5 s left after 1.5 s, then its last frame holds -->
    <video id="v2" src="assets/colours.mp4" muted playsinline style="left:100px" data-start="0" data-duration="1.2" data-media-start="1.5"></video>
    <audio id="tone" src="assets/tone.wav" data-start="0.3" data-duration="0.6" data-volume="${volume}"></audio>`,
      }),
    },
    { gsap: false },
  );
  makeColourVideo(path.join(dir, "assets", "colours.mp4"), 60, 30);
  makeTone(path.join(dir, "assets", "tone.wav"), 2);
  return dir;
}

function expectSourceFrame(d: DecodedFrames, frame: number, x: number, sourceFrame: number | null, what: string): void {
  const got = pixel(d, frame, x, 18);
  const want = sourceFrame === null ? [0, 0, 0] : sourceFrameColour(sourceFrame);
  expect(
    colourDistance(got, want),
    `${what}: output frame ${frame} is ${describeColour(got)}, expected ${sourceFrame === null ? "nothing (black)" : `source frame ${sourceFrame} ${describeColour(want)}`}`,
  ).toBeLessThanOrEqual(COLOUR_TOL);
}

describe("<video> and <audio> in a render", () => {
  let full: TestRender;
  let half: TestRender;
  let d: DecodedFrames;
  beforeAll(async () => {
    const dir = mediaProject("1");
    full = await renderProject(dir);
    // the same composition with data-volume="0.5"
    const html = readFileSync(path.join(dir, "index.html"), "utf8").replace('data-volume="1"', 'data-volume="0.5"');
    writeFileSync(path.join(dir, "index.html"), html);
    half = await renderProject(dir);
    d = await decodeFrames(full.output);
  });

  it("shows source frame (t - data-start) + data-media-start, only inside the clip window", () => {
    expectSourceFrame(d, 14, 32, null, "#v1 before its start");
    for (const f of [15, 16, 20, 25, 32]) expectSourceFrame(d, f, 32, f, "#v1");
    expectSourceFrame(d, 34, 32, null, "#v1 after its end");
  });

  it("holds the last source frame when the slot is longer than the source", () => {
    for (const f of [0, 1, 7, 14]) expectSourceFrame(d, f, 132, 45 + f, "#v2");
    for (const f of [15, 20, 35]) expectSourceFrame(d, f, 132, 59, "#v2 past the end of its source");
  });

  it("muxes an AAC track when the composition has audio", () => {
    const p = probeFile(full.output);
    expect(full.hasAudio).toBe(true);
    expect(p.audio?.codec_name).toBe("aac");
    expect(p.frames).toBe(36);
  });

  it("plays the audio only inside its window", () => {
    const active = meanVolumeDb(full.output, 0.4, 0.8);
    expect(active, "tone level inside [0.3, 0.9)").toBeGreaterThan(-30);
    expect(meanVolumeDb(full.output, 0, 0.25), "before the tone starts").toBeLessThan(-55);
    expect(meanVolumeDb(full.output, 0.95, 1.2), "after the tone ends").toBeLessThan(-55);
  });

  it('data-volume="0.5" is ~6 dB lower than volume 1', () => {
    const loud = meanVolumeDb(full.output, 0.4, 0.8);
    const quiet = meanVolumeDb(half.output, 0.4, 0.8);
    console.log(`tone mean volume: ${loud.toFixed(1)} dB at volume 1, ${quiet.toFixed(1)} dB at 0.5`);
    expect(loud - quiet).toBeGreaterThan(5.5);
    expect(loud - quiet).toBeLessThan(6.5);
  });
});

// Like the official renderer: every <audio> of the page is mixed, wherever it is and whether or not it is
// timed (an untimed one plays from 0), and a mono source is copied to both channels at its own level.
describe("audio outside the root, mono sources", () => {
  let r: TestRender;
  let source: string;
  beforeAll(async () => {
    const dir = makeProject(
      {
        "index.html": `<!doctype html><html><head><style>html,body{background:#000}</style></head><body>
<div id="stage" data-composition-id="root" data-width="160" data-height="90" data-duration="0.6" data-fps="10" data-no-timeline>
  <div id="bg" class="clip" data-start="0" data-duration="0.6" style="background:#123456"></div>
</div>
<audio id="bed" src="assets/tone.wav"></audio>
</body></html>`,
      },
      { gsap: false },
    );
    source = path.join(dir, "assets", "tone.wav");
    makeTone(source, 2);
    r = await renderProject(dir, { workers: 1 });
  });

  it("mixes an untimed <audio> that is a direct child of <body>, outside the composition root", () => {
    expect(r.hasAudio).toBe(true);
    expect(probeFile(r.output).audio?.channels).toBe(2);
    expect(meanVolumeDb(r.output, 0.1, 0.5)).toBeGreaterThan(-35);
  });

  it("copies a mono source to both channels at its own level (no −3 dB equal-power upmix)", () => {
    const src = meanVolumeDb(source, 0.1, 0.5);
    const out = meanVolumeDb(r.output, 0.1, 0.5);
    console.log(`mono tone: source ${src.toFixed(1)} dB, render ${out.toFixed(1)} dB`);
    expect(Math.abs(out - src)).toBeLessThan(1);
  });
});

describe("video outside the root", () => {
  it("a body-level <video> outside the composition root plays its source frames, like the official (vignelli's a-roll)", async () => {
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><style>body{margin:0;background:#000} #root{position:relative;width:160px;height:90px}
#a{position:absolute;left:0;top:0;width:64px;height:36px;object-fit:fill}</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="1" data-fps="30" data-no-timeline></div>
<video id="a" src="assets/colours.mp4" muted playsinline data-start="0" data-duration="1"></video></body></html>`,
    }, { gsap: false });
    makeColourVideo(path.join(dir, "assets", "colours.mp4"), 60, 30);
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    for (const f of [0, 10, 25]) expectSourceFrame(d, f, 32, f, "#a (outside the root)");
  });
});

describe("video box", () => {
  it("a flex-centred <video> (width: 100%; height: auto; aspect-ratio: 16/9) keeps its box when its frame is drawn (style-10-prod)", async () => {
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><style>body{margin:0} #root{position:relative;width:160px;height:160px;background:#000}
.c{position:absolute;inset:0;display:flex;align-items:center;justify-content:center} #v{width:100%;height:auto;aspect-ratio:16/9;object-fit:fill}</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="160" data-duration="0.2" data-fps="10" data-no-timeline>
<div class="c"><video id="v" src="assets/colours.mp4" muted data-start="0" data-duration="0.2"></video></div></div></body></html>`,
    }, { gsap: false });
    makeColourVideo(path.join(dir, "assets", "colours.mp4"), 10, 30, 64, 48); // 4:3 source, drawn into a 160x90 box
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    // the 160x90 box is centred: rows 35..125; a frame image taking part in the flex row would shrink it
    for (const [x, y] of [[4, 40], [156, 40], [80, 120]]) expect(colourDistance(pixel(d, 0, x, y), [0, 0, 0]), `inside the box at ${x},${y}: ${describeColour(pixel(d, 0, x, y))}`).toBeGreaterThan(100);
    for (const [x, y] of [[80, 30], [80, 130]]) expect(colourDistance(pixel(d, 0, x, y), [0, 0, 0]), `outside the box at ${x},${y}`).toBeLessThanOrEqual(COLOUR_TOL);
  });

  it("a <video> without width/height attributes lays out at its source's size (CSS width: 50%; height: auto keeps 16:9)", async () => {
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><style>body{margin:0} #root{position:relative;width:160px;height:90px;background:#000}
#wrap{position:absolute;left:0;top:0;width:160px} #v{display:block;width:50%;height:auto}</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="0.2" data-fps="10" data-no-timeline>
<div id="wrap"><video id="v" src="assets/colours.mp4" muted data-start="0" data-duration="0.2"></video></div></div></body></html>`,
    }, { gsap: false });
    // a 64x36 MPEG-4 Part 2 source, which Chromium cannot decode (so the page never learns its size): at 80 px
    // wide the box is 45 px tall; the browser's default 300x150 would make it 40
    mkdirSync(path.join(dir, "assets"), { recursive: true });
    const ff = spawnSync(ffmpegPath(), ["-v", "error", "-f", "lavfi", "-i", "color=c=red:s=64x36:r=30:d=0.5", "-c:v", "mpeg4", "-q:v", "2", "-y", path.join(dir, "assets", "colours.mp4")]);
    expect(ff.status).toBe(0);
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    expect(colourDistance(pixel(d, 0, 40, 43), [0, 0, 0]), `inside the 45 px box: ${describeColour(pixel(d, 0, 40, 43))}`).toBeGreaterThan(100);
    expect(colourDistance(pixel(d, 0, 40, 48), [0, 0, 0]), "below the box").toBeLessThanOrEqual(COLOUR_TOL);
    expect(colourDistance(pixel(d, 0, 100, 20), [0, 0, 0]), "right of the box").toBeLessThanOrEqual(COLOUR_TOL);
  });

  it("a <video> with a CSS border shows the border, its picture in the content box, and no box-shadow (style-9-prod; as in the official)", async () => {
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><style>body{margin:0} #root{position:relative;width:160px;height:90px;background:#000}
#v{position:absolute;left:20px;top:10px;width:100px;height:60px;border:10px solid #ff00ff;object-fit:fill;box-shadow:0 0 0 6px #ffffff}</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="0.2" data-fps="10" data-no-timeline>
<video id="v" src="assets/red.mp4" muted data-start="0" data-duration="0.2"></video></div></body></html>`,
    }, { gsap: false });
    mkdirSync(path.join(dir, "assets"), { recursive: true });
    const ff = spawnSync(ffmpegPath(), ["-v", "error", "-f", "lavfi", "-i", "color=c=0x00ff00:s=64x36:r=30:d=0.5", "-pix_fmt", "yuv420p", "-y", path.join(dir, "assets", "red.mp4")]);
    expect(ff.status).toBe(0);
    const d = await decodeFrames((await renderProject(dir, { workers: 1, quality: "high" })).output);
    expect(colourDistance(pixel(d, 0, 24, 40), [255, 0, 255]), `the left border: ${describeColour(pixel(d, 0, 24, 40))}`).toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 70, 14), [255, 0, 255]), "the top border").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 70, 40), [0, 255, 0]), "the picture inside").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 34, 24), [0, 255, 0]), "the picture starts right inside the border").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 16, 40), [0, 0, 0]), "no box-shadow (the official frames show none)").toBeLessThan(60);
  });
});

// compose/media-rules.ts: the model (lint, info) and the runtime (what the render mixes) read the media
// attributes with one rule. Before, the runtime read data-has-audio=" True " as "no audio" (exact "true"
// only) while the model read it as yes: `info` listed an audio track the render then left out.
describe("media attributes: one reading for the model and the render", () => {
  it('a muted <video data-has-audio=" True "> is mixed, as the model says', async () => {
    const dir = makeProject(
      {
        "index.html": `<!doctype html><html><head><style>html,body{background:#000}</style></head><body>
<div id="stage" data-composition-id="root" data-width="160" data-height="90" data-duration="0.6" data-fps="10" data-no-timeline>
  <video id="v" class="clip" data-start="0" data-duration="0.6" muted data-has-audio=" True " src="assets/tone-video.mp4" style="width:160px;height:90px"></video>
</div>
</body></html>`,
      },
      { gsap: false },
    );
    const video = path.join(dir, "assets", "tone-video.mp4");
    mkdirSync(path.dirname(video), { recursive: true });
    const ff = spawnSync(ffmpegPath(), ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=blue:s=160x90:r=10:d=1", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1", "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", video]);
    expect(ff.status).toBe(0);
    const { loadComposition } = await import("../src/compose/model.js");
    expect((await loadComposition(dir)).media.find((m) => m.id === "v")?.hasAudio).toBe(true);
    const r = await renderProject(dir, { workers: 1 });
    expect(r.hasAudio).toBe(true);
    expect(meanVolumeDb(r.output, 0.1, 0.5)).toBeGreaterThan(-35);
  });
});
