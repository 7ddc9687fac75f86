/**
 * Output formats and frame accounting on real renders: MP4 (H.264, yuv420p, BT.709 tags, no audio stream
 * without audio), WebM (VP9 with its alpha plane), MOV (ProRes 4444, yuva444p10le, alpha), exact frame
 * counts and durations (ffprobe -count_packets), and --frames START:END.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject, type TestRender } from "./helpers/render.js";
import { COLOUR_TOL, colourDistance, decodeFrames, leftEdge, pixel, probeFile } from "./helpers/media.js";

afterAll(() => cleanupProjects());

// A red square on a transparent page (opaque black in MP4), and a yellow box moving 200 px/s (GSAP).
const html = page({
  head: `<style>
    #sq { position: absolute; left: 0; top: 0; width: 40px; height: 40px; background: rgb(255,0,0); }
    #mover { position: absolute; left: 0; top: 100px; width: 20px; height: 40px; background: rgb(255,255,0); }
  </style>`,
  body: `<div id="sq"></div><div id="mover"></div>`,
  script: `
    const tl = gsap.timeline({ paused: true });
    tl.fromTo("#mover", { x: 0 }, { x: 200, duration: 1, ease: "none" }, 0);
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;`,
});

describe("output formats", () => {
  let project: string;
  beforeAll(() => {
    project = makeProject({ "index.html": html });
  });

  describe("mp4", () => {
    let r: TestRender;
    beforeAll(async () => {
      r = await renderProject(project, { format: "mp4" });
    });

    it("is H.264 yuv420p tagged BT.709 (limited range), 320x180", () => {
      const p = probeFile(r.output);
      expect(p.video.codec_name).toBe("h264");
      expect(p.video.pix_fmt).toBe("yuv420p");
      expect(p.video.color_space).toBe("bt709");
      expect(p.video.color_primaries).toBe("bt709");
      expect(p.video.color_transfer).toBe("bt709");
      expect(p.video.color_range).toBe("tv");
      expect([p.video.width, p.video.height]).toEqual([320, 180]);
      expect(p.format.format_name).toMatch(/mp4/);
    });

    it("has exactly duration*fps frames and the right duration", () => {
      const p = probeFile(r.output);
      expect(p.frames).toBe(30);
      expect(r.frames).toBe(30);
      expect(p.video.r_frame_rate).toBe("30/1");
      expect(Math.abs(p.durationSeconds - 1)).toBeLessThan(0.05);
    });

    it("has no audio stream when the composition has no audio", () => {
      expect(r.hasAudio).toBe(false);
      expect(probeFile(r.output).audio).toBeUndefined();
    });
  });

  it("webm: VP9 with alpha (alpha_mode tag, a transparent pixel after decoding with libvpx-vp9)", async () => {
    const r = await renderProject(project, { format: "webm" });
    expect(r.output.endsWith(".webm")).toBe(true);
    const p = probeFile(r.output);
    expect(p.video.codec_name).toBe("vp9");
    const tags = Object.fromEntries(Object.entries(p.video.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    expect(tags.alpha_mode).toBe("1");
    expect(p.frames).toBe(30);
    const d = await decodeFrames(r.output, { rgba: true, vp9Alpha: true });
    expect(d.frames.length).toBe(30);
    expect(pixel(d, 5, 250, 20)[3], "alpha of an empty area").toBeLessThan(16);
    const sq = pixel(d, 5, 20, 20);
    expect(sq[3], "alpha of the red square").toBeGreaterThan(240);
    expect(colourDistance(sq.slice(0, 3), [255, 0, 0])).toBeLessThanOrEqual(COLOUR_TOL);
  });

  it("mov: ProRes 4444 yuva444p10le with alpha", async () => {
    const r = await renderProject(project, { format: "mov" });
    const p = probeFile(r.output);
    expect(p.video.codec_name).toBe("prores");
    expect(p.video.profile ?? "").toMatch(/4444/);
    // encoded from yuva444p10le; FFmpeg's ProRes decoder reports 4444 streams as yuva444p12le (ffprobe 4.x-6.x)
    expect(p.video.pix_fmt).toMatch(/^yuva444p1[02]le$/);
    expect(p.frames).toBe(30);
    const d = await decodeFrames(r.output, { rgba: true });
    expect(pixel(d, 5, 250, 20)[3], "alpha of an empty area").toBeLessThan(16);
    expect(pixel(d, 5, 20, 20)[3], "alpha of the red square").toBeGreaterThan(240);
  });

  it("--frames 10-19 (both included) and --range 0.3333-0.6667 (seconds) select the same frames as 10:20", async () => {
    for (const sel of [{ frames: "10-19" }, { range: "0.3333-0.6667" }]) {
      const r = await renderProject(project, sel);
      expect(r.frames, JSON.stringify(sel)).toBe(10);
      const d = await decodeFrames(r.output);
      expect(Math.abs(leftEdge(d, 0, 120, [255, 255, 0]) - Math.round((200 * 10) / 30)), `${JSON.stringify(sel)}: first frame is composition frame 10`).toBeLessThanOrEqual(2);
    }
    await expect(renderProject(project, { frames: "0:5", range: "1-2" })).rejects.toThrow(/give one of them/);
  });

  it("--frames 10:20 renders exactly frames 10..19", async () => {
    const r = await renderProject(project, { frames: "10:20" });
    const p = probeFile(r.output);
    expect(p.frames).toBe(10);
    expect(r.frames).toBe(10);
    expect(Math.abs(p.durationSeconds - 10 / 30)).toBeLessThan(0.05);
    const d = await decodeFrames(r.output);
    // output frame k is composition frame 10 + k: the box is at x = 200 * (10 + k) / 30
    for (const k of [0, 5, 9]) {
      const want = Math.round((200 * (10 + k)) / 30);
      const got = leftEdge(d, k, 120, [255, 255, 0]);
      expect(got, `output frame ${k}: the moving box is missing`).toBeGreaterThanOrEqual(0);
      expect(Math.abs(got - want), `output frame ${k} shows the box at x=${got}, expected ${want} (composition frame ${10 + k})`).toBeLessThanOrEqual(2);
    }
  });
});
