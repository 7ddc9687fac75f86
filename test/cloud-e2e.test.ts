/**
 * End to end with the real renderer: `hyperframes cloud render --wait` → packager → emulator (validates the
 * zip, extracts it, renders it with src/render/render.ts in real Chrome + FFmpeg) → video_url → download.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { probe } from "../src/render/ffmpeg.js";
import { Emulator, realRenderer } from "./emulator/server.js";
import { REPO } from "./emulator/fixtures.js";
import { jsonLines, runCli } from "./emulator/cli.js";

const hasRenderer = existsSync(path.join(REPO, "src/render/render.ts"));

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><script src="vendor/gsap.min.js"></script>
<style>body{margin:0} #bg{position:absolute;inset:0;background:#123} #box{position:absolute;left:20px;top:60px;width:60px;height:60px;background:#f97316}</style>
</head><body>
<div id="root" data-composition-id="e2e" data-width="320" data-height="180" data-duration="1" data-fps="24" data-start="0"
  data-composition-variables='[{"id":"color","type":"color","label":"Color","default":"#f97316"}]'>
  <div id="bg" class="clip" data-start="0" data-duration="1" data-track-index="0"></div>
  <div id="box" class="clip" data-start="0" data-duration="1" data-track-index="1"></div>
</div>
<script>
  window.__timelines = window.__timelines || {};
  window.__timelines.e2e = gsap.timeline({ paused: true }).to("#box", { x: 220, duration: 1, ease: "none" });
</script>
</body></html>`;

describe.skipIf(!hasRenderer)("cloud render end to end with the real renderer", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await new Emulator({ renderProject: realRenderer, queueMs: 10 }).start();
  });
  afterAll(() => emu?.close());

  it("renders the uploaded zip for real and downloads the result", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-e2e-"));
    await mkdir(path.join(dir, "vendor"));
    await copyFile(path.join(REPO, "examples/hello-gsap/gsap.min.js"), path.join(dir, "vendor/gsap.min.js"));
    await writeFile(path.join(dir, "index.html"), HTML);
    await writeFile(path.join(dir, ".env"), "SECRET=1");
    const r = await runCli(["cloud", "render", dir, "--wait", "--yes", "--json", "--quality", "draft", "--poll-interval", "0.2"], {
      HEYGEN_API_KEY: emu.apiKey,
      HEYGEN_API_BASE_URL: emu.url,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(emu.apiKey);
    const res = jsonLines(r.stdout).find((l) => l.type === "cloud-render")!;
    expect(res.status).toBe("completed");
    const pr = await probe(res.video, true);
    const v = pr.streams.find((s) => s.codec_type === "video")!;
    expect(v.width).toBe(320);
    expect(v.height).toBe(180);
    expect(Number(v.nb_read_packets)).toBe(24);
    expect(emu.renders.get(res.render_id)!.fps).toBe(24); // data-fps carried into the request
  }, 240_000);
});
