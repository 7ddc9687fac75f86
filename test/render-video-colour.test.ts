/**
 * Video colours as a browser shows them (video-frames.ts): the frames of a <video> are decoded with the YUV
 * matrix the stream is tagged with, and an untagged stream with the browser's guess (BT.709 from 720 lines
 * up, BT.601 below), as in the official renderer. Each clip here is solid magenta encoded with the matrix a
 * player would decode it with; all three must render magenta. Real Chrome + FFmpeg.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames, pixel, colourDistance, describeColour, type DecodedFrames } from "./helpers/media.js";
import { resolveFfmpeg } from "../src/render/ffmpeg.js";

afterAll(cleanupProjects);

const MAGENTA = [230, 40, 220];

/** 1 s of solid MAGENTA, `w`x`h`, its YUV made with `matrix`; tagged with it only when `tag`. */
function clip(file: string, w: number, h: number, matrix: "bt709" | "bt601", tag: boolean): void {
  const hex = MAGENTA.map((c) => c.toString(16).padStart(2, "0")).join("");
  const tags = tag ? ["-colorspace", matrix === "bt709" ? "bt709" : "smpte170m", "-color_range", "tv"] : [];
  const r = spawnSync(resolveFfmpeg().path, [
    "-v", "error", "-y", "-f", "lavfi", "-i", `color=c=0x${hex}:s=${w}x${h}:r=10:d=1`,
    "-vf", `format=rgb24,scale=out_color_matrix=${matrix}:out_range=tv,format=yuv420p`,
    "-c:v", "libx264", "-qp", "0", ...tags, file,
  ]);
  if (r.status !== 0) throw new Error(String(r.stderr));
}

describe("render: video colours follow the stream's YUV matrix", () => {
  let d: DecodedFrames;
  beforeAll(async () => {
    const v = (id: string, left: number) =>
      `<video id="${id}" src="${id}.mp4" muted class="clip" data-start="0" data-duration="1" data-track-index="${left / 100}" style="position:absolute;left:${left}px;top:0;width:100px;height:180px;object-fit:fill"></video>`;
    const dir = makeProject({ "index.html": page({ duration: 1, fps: 10, gsap: false, body: v("tagged709", 0) + v("untagged720", 100) + v("untaggedsmall", 200) }) }, { gsap: false });
    clip(path.join(dir, "tagged709.mp4"), 64, 36, "bt709", true);
    clip(path.join(dir, "untagged720.mp4"), 1280, 720, "bt709", false);
    clip(path.join(dir, "untaggedsmall.mp4"), 64, 36, "bt601", false);
    d = await decodeFrames((await renderProject(dir, { quality: "high" })).output);
  }, 120_000);

  it("a BT.709-tagged clip, an untagged 720p clip (BT.709 guessed) and an untagged small clip (BT.601) all show their colour", () => {
    for (const [name, x] of [["BT.709-tagged", 50], ["untagged 1280x720", 150], ["untagged 64x36", 250]] as const) {
      const got = pixel(d, 5, x, 90);
      expect(colourDistance(got, MAGENTA), `${name}: ${describeColour(got)}, want ${describeColour(MAGENTA)}`).toBeLessThan(10);
    }
  });
});
