/** With no --format, the --output extension picks the format; a conflicting pair is a one-line usage error. */
import { afterAll, describe, expect, it } from "vitest";
import path from "node:path";
import { existsSync } from "node:fs";
import { cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";
import { probeFile } from "./helpers/media.js";

afterAll(cleanupProjects);

describe("--output extension", () => {
  it("-o clip.webm renders VP9 without --format; -o clip.mov --format webm is refused", () => {
    const dir = makeProject({ "index.html": page({ duration: 0.5, fps: 10, body: `<div style="position:absolute;inset:0;background:#3366ff"></div>`, rootAttrs: "data-no-timeline", gsap: false }) }, { gsap: false });
    const out = path.join(tempDir(), "clip.webm");
    const ok = cli(["render", dir, "-o", out, "--quality", "draft"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(probeFile(out).streams.find((s) => s.codec_type === "video")?.codec_name).toBe("vp9");
    const bad = cli(["render", dir, "-o", path.join(tempDir(), "clip.mov"), "--format", "webm"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/--format webm/);
    expect(existsSync(path.join(path.dirname(out), "clip.mov"))).toBe(false);
  });
});
