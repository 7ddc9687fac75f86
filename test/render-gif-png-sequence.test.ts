/**
 * The gif and png-sequence output formats on real renders (Chrome + FFmpeg, 160x90, 10 fps, 1 s):
 * a palette GIF with every frame, a folder of NNNN.png frames with alpha kept, the render's own check of
 * both (frame count, size), a png-sequence written atomically (nothing left by a cancel or a failure, an old
 * sequence replaced, a folder holding other files refused), and both formats in batch renders and the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";
import { renderProject } from "./helpers/render.js";
import { COLOUR_TOL, colourDistance, decodeFrames, leftEdge, pixel, probeFile } from "./helpers/media.js";
import { render } from "../src/render/render.js";
import { renderBatch } from "../src/render/batch.js";
import { verifyOutput } from "../src/render/verify.js";
import { optionsFor } from "../src/render/options.js";
import { RenderCancelledError } from "../src/errors.js";

afterAll(() => cleanupProjects());

// A red square on a transparent page, and a yellow box moving 100 px/s (GIF/PNG frame k shows it at x = 10k).
const html = page({
  width: 160,
  height: 90,
  fps: 10,
  head: `<style>
    html, body { background: transparent; }
    #sq { position: absolute; left: 0; top: 0; width: 40px; height: 40px; background: rgb(255,0,0); }
    #mover { position: absolute; left: 0; top: 50px; width: 20px; height: 30px; background: rgb(255,255,0); }
  </style>`,
  body: `<div id="sq"></div><div id="mover"></div>`,
  script: `
    const tl = gsap.timeline({ paused: true });
    tl.fromTo("#mover", { x: 0 }, { x: 100, duration: 1, ease: "none" }, 0);
    window.__timelines = window.__timelines || {};
    window.__timelines["main"] = tl;`,
}).replace("html, body { background: #000; }", "");

let project: string;
beforeAll(() => {
  project = makeProject({ "index.html": html });
});

/** Entries of a folder that look like render temp files/folders. */
const temps = (dir: string) => readdirSync(dir).filter((f) => f.includes(".hf-tmp-"));

describe("gif", () => {
  it("is a palette GIF with every frame, the moving box in place, checked by the render itself", async () => {
    const r = await renderProject(project, { format: "gif", quality: "standard" });
    expect(r.output.endsWith(".gif")).toBe(true);
    expect(r.format).toBe("gif");
    expect(r.hasAudio).toBe(false);
    expect(r.verify).toMatchObject({ frames: 10, videoCodec: "gif", width: 160, height: 90 });
    const p = probeFile(r.output);
    expect(p.video.codec_name).toBe("gif");
    expect([p.video.width, p.video.height]).toEqual([160, 90]);
    expect(p.frames).toBe(10);
    const d = await decodeFrames(r.output);
    expect(colourDistance(pixel(d, 0, 20, 20), [255, 0, 0])).toBeLessThanOrEqual(COLOUR_TOL);
    for (const k of [0, 5, 9]) expect(Math.abs(leftEdge(d, k, 65, [255, 255, 0]) - 10 * k), `frame ${k}`).toBeLessThanOrEqual(2);
    // the intermediate frames and palette are not left next to it
    expect(readdirSync(path.dirname(r.output))).toEqual([path.basename(r.output)]);
  });

  it("-o clip.gif picks the format; the cloud does not offer gif or png-sequence", async () => {
    const out = path.join(tempDir(), "clip.gif");
    const r = await render({ project, output: out, quality: "draft", frames: "0:3" });
    expect(r.format).toBe("gif");
    expect(probeFile(out).frames).toBe(3);
    expect(optionsFor("cloud").find((d) => d.name === "format")!.choices).toEqual(["mp4", "webm", "mov"]);
    expect(optionsFor("local").find((d) => d.name === "format")!.choices).toEqual(["mp4", "webm", "mov", "gif", "png-sequence"]);
  });
});

describe("png-sequence", () => {
  it("writes NNNN.png frames (RGBA, transparent background kept) and checks them", async () => {
    const r = await renderProject(project, { format: "png-sequence", output: path.join(tempDir(), "frames") });
    expect(r.format).toBe("png-sequence");
    expect(readdirSync(r.output)).toEqual(Array.from({ length: 10 }, (_, i) => `${String(i).padStart(4, "0")}.png`));
    expect(r.verify).toMatchObject({ frames: 10, videoCodec: "png", width: 160, height: 90 });
    expect(r.sizeBytes).toBeGreaterThan(1000);
    const f5 = path.join(r.output, "0005.png");
    const d = await decodeFrames(f5, { rgba: true });
    expect(probeFile(f5).video.pix_fmt).toBe("rgba");
    expect(pixel(d, 0, 150, 10)[3], "alpha of an empty area").toBe(0);
    expect(pixel(d, 0, 20, 20)).toEqual([255, 0, 0, 255]);
    expect(Math.abs(leftEdge(d, 0, 65, [255, 255, 0]) - 50)).toBeLessThanOrEqual(1);
    expect(temps(path.dirname(r.output))).toEqual([]);
  });

  it("--frames 3:6 names the files after the composition's frames; the default name is a folder without extension", async () => {
    const r = await render({ project, format: "png-sequence", frames: "3:6", quality: "draft" });
    expect(path.dirname(r.output)).toBe(path.join(project, "renders"));
    expect(path.basename(r.output)).toMatch(new RegExp(`^${path.basename(project)}_\\d{8}_\\d{6}$`));
    expect(readdirSync(r.output)).toEqual(["0003.png", "0004.png", "0005.png"]);
  });

  it("the self-check catches a missing or wrong-sized frame", async () => {
    const r = await render({ project, format: "png-sequence", frames: "0:3", quality: "draft", output: path.join(tempDir(), "seq") });
    const exp = { frames: 3, fps: 10, width: 160, height: 90, audio: false, format: "png-sequence" as const };
    await expect(verifyOutput(r.output, exp)).resolves.toMatchObject({ frames: 3 });
    await expect(verifyOutput(r.output, { ...exp, width: 320 })).rejects.toMatchObject({ code: "output_wrong_size" });
    await expect(verifyOutput(r.output, { ...exp, frames: 4 })).rejects.toMatchObject({ code: "output_frame_count" });
    await expect(verifyOutput(r.output, { ...exp, firstFrame: 1 })).rejects.toMatchObject({ code: "output_frame_count" });
  });

  it("is written atomically: a cancel leaves no folder and no temp folder; an earlier sequence is replaced whole", async () => {
    const parent = tempDir();
    const out = path.join(parent, "frames");
    const ac = new AbortController();
    const p = render({
      project,
      format: "png-sequence",
      output: out,
      signal: ac.signal,
      workers: 1,
      onProgress: (pr) => {
        if (pr.phase === "capture" && pr.frame >= 3) ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(RenderCancelledError);
    expect(readdirSync(parent)).toEqual([]);

    // an earlier, longer sequence in the same place: replaced by exactly the new frames
    mkdirSync(out);
    for (let i = 0; i < 12; i++) writeFileSync(path.join(out, `${String(i).padStart(4, "0")}.png`), "old");
    await render({ project, format: "png-sequence", output: out, frames: "0:2", quality: "draft" });
    expect(readdirSync(out)).toEqual(["0000.png", "0001.png"]);
    expect(readFileSync(path.join(out, "0000.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(readdirSync(parent)).toEqual(["frames"]);
  });

  it("a failed render leaves nothing; a folder holding other files is refused before anything starts", async () => {
    // a page whose seeking breaks after a few frames have been written (the runtime's seek is replaced)
    const broken = makeProject({
      "index.html": page({
        width: 160,
        height: 90,
        fps: 10,
        body: `<div id="b" class="cell" style="background:#0f0"></div>`,
        script: `
          window.__timelines = { main: gsap.timeline({ paused: true }).to("#b", { x: 100, duration: 1 }) };
          window.addEventListener("hf-seek", (e) => {
            if (e.detail.time >= 0.4) window.__hf.renderSeek = () => { throw new Error("boom at seek"); };
          });`,
      }),
    });
    const parent = tempDir();
    await expect(render({ project: broken, format: "png-sequence", output: path.join(parent, "f"), workers: 1 })).rejects.toMatchObject({ code: "seek_failed" });
    expect(readdirSync(parent)).toEqual([]);

    const busy = tempDir();
    writeFileSync(path.join(busy, "notes.txt"), "keep me");
    await expect(render({ project, format: "png-sequence", output: busy })).rejects.toMatchObject({ code: "output_folder_not_empty" });
    expect(readdirSync(busy)).toEqual(["notes.txt"]);
    await expect(render({ project, format: "png-sequence", output: path.join(busy, "notes.txt") })).rejects.toMatchObject({ code: "output_not_folder" });
    await expect(render({ project, format: "png-sequence", output: path.join(busy, "x.mp4") })).rejects.toMatchObject({ hint: expect.stringMatching(/a png-sequence is a folder/) });
  });
});

describe("batch and CLI", () => {
  it("renderBatch writes one gif / one PNG folder per row, and a second run skips them", async () => {
    const out = tempDir();
    for (const format of ["gif", "png-sequence"] as const) {
      const rows = [{ id: "a" }, { id: "b" }];
      const opts = { project, rows, format, outputPattern: path.join(out, format, "{row.id}"), quality: "draft" as const, frames: "0:2", concurrency: 1 };
      const s = await renderBatch(opts).done();
      expect(s.failed, JSON.stringify(s.results.map((r) => r.error?.message))).toBe(0);
      const names = readdirSync(path.join(out, format)).filter((f) => f !== "batch-manifest.json").sort();
      expect(names).toEqual(format === "gif" ? ["a.gif", "b.gif"] : ["a", "b"]);
      if (format === "png-sequence") expect(readdirSync(path.join(out, format, "a"))).toEqual(["0000.png", "0001.png"]);
      const again = await renderBatch(opts).done();
      expect(again.skipped, format).toBe(2);
    }
  });

  it("`render --format gif --json` reports the gif; -o x.mp4 with png-sequence explains the folder", () => {
    const out = path.join(tempDir(), "clip.gif");
    const r = cli(["render", project, "--format", "gif", "--frames", "0:2", "-o", out, "--json", "--quality", "draft"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ type: "result", ok: true, format: "gif", frames: 2, output: out });
    expect(existsSync(out)).toBe(true);
    const bad = cli(["render", project, "--format", "png-sequence", "-o", path.join(tempDir(), "x.mp4")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/a png-sequence is a folder: give a name without \.mp4/);
  });
});
