/**
 * The output check's black-frame test on real files made by FFmpeg: it looks at keyframes first and must
 * still find the picture when the only keyframe is black (a fade-in), and still fail an all-black video.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyOutput } from "../src/render/verify.js";
import { resolveFfmpeg } from "../src/render/ffmpeg.js";
import { OutputVerificationError } from "../src/errors.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "hf-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 30 frames at 30 fps, 64x36, one keyframe (frame 0): `black` frames of black, then `colour`. */
function makeVideo(name: string, black: number, colour = "white"): string {
  const out = path.join(dir, name);
  const parts = [`color=c=black:s=64x36:r=30:d=${black / 30}[a]`, `color=c=${colour}:s=64x36:r=30:d=${(30 - black) / 30}[b]`, `[a][b]concat=n=2:v=1,format=yuv420p[v]`];
  const graph = black >= 30 ? `color=c=black:s=64x36:r=30:d=1,format=yuv420p[v]` : parts.join(";");
  const r = spawnSync(resolveFfmpeg().path, ["-v", "error", "-y", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-g", "300", "-bf", "0", "-frames:v", "30", out]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return out;
}

const expectations = { frames: 30, fps: 30, width: 64, height: 36, audio: false };

describe("verifyOutput black check", () => {
  it("passes a video whose only keyframe is black but whose later frames are not", async () => {
    const report = await verifyOutput(makeVideo("fade-in.mp4", 10), expectations);
    expect(report.frames).toBe(30);
    expect(report.maxLuma).toBeGreaterThan(200);
  });

  it("passes a video whose keyframe has the picture", async () => {
    const report = await verifyOutput(makeVideo("bright.mp4", 0), expectations);
    expect(report.maxLuma).toBeGreaterThan(200);
  });

  it("passes a dark navy video (full-range luma ~9: not black)", async () => {
    const report = await verifyOutput(makeVideo("navy.mp4", 0, "0x000080"), expectations);
    expect(report.maxLuma).toBeGreaterThan(6);
    expect(report.maxLuma).toBeLessThan(16);
  });

  it("fails an all-black video with output_all_black", async () => {
    const err = await verifyOutput(makeVideo("black.mp4", 30), expectations).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutputVerificationError);
    expect((err as OutputVerificationError).code).toBe("output_all_black");
  });
});
