/** `hyperframes lint|info|doctor` through the real CLI (bin/hyperframes.js → dist/, built by `npm test`). */
import { describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeProject } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const good = path.join(root, "test", "fixtures", "good", "full");
const bad = path.join(root, "test", "fixtures", "bad");

describe("hyperframes lint", () => {
  it("passes a project without errors (exit 0) and defaults to the current folder", () => {
    const r = cli(["lint"], { cwd: good });
    expect(r.code).toBe(0);
    // no findings: its two Google Fonts stylesheets ask for bundled families (Inter, Roboto)
    expect(r.stdout).toMatch(/no problems/);
  });

  it("prints file:line severity code message (hint) and exits 1 on errors", () => {
    const r = cli(["lint", path.join(bad, "local-file-missing")]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^index\.html:6 {2}error {2}local_file_missing {2}<style>: "assets\/bg\.png" \(assets\/bg\.png\) does not exist \(.+\)$/);
    expect(lines[1]).toMatch(/^index\.html:12 {2}error {2}local_file_missing /);
    expect(lines.at(-1)).toMatch(/2 errors, 0 warnings/);
  });

  it("warnings alone exit 0", () => {
    const r = cli(["lint", path.join(bad, "video-missing-muted")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning {2}video_missing_muted/);
  });

  it("--json gives one object with the findings", () => {
    const r = cli(["lint", path.join(bad, "unknown-start-reference"), "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ type: "lint", ok: false, errorCount: 1, warningCount: 0, entry: "index.html" });
    expect(j.findings).toEqual([
      expect.objectContaining({ code: "unknown_start_reference", severity: "error", file: "index.html", line: 9, element: '<div id="title">' }),
    ]);
  });

  it("--entry, and a missing folder is a finding (exit 1), not a crash", () => {
    expect(cli(["lint", good, "--entry", "missing.html"]).code).toBe(1);
    const r = cli(["lint", path.join(bad, "no-such-project"), "--json"]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { code: string }[] }).findings[0]?.code).toBe("project_dir_missing");
  });

  it("--help shows an example", () => {
    const r = cli(["lint", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n\s+\$ hyperframes lint/);
  });
});

describe("hyperframes info", () => {
  it("describes the project", () => {
    const r = cli(["info", good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/size\s+320x180/);
    expect(r.stdout).toMatch(/4s\s+at 25 fps\s+= 100 frames/);
    expect(r.stdout).toMatch(/track 1\n\s+clip\s+video\s+1\.5s–3s/);
    expect(r.stdout).toMatch(/card\s+compositions\/card\.html\s+1s–3s/);
    expect(r.stdout).toMatch(/accent\s+color\s+default "blue"/);
    expect(r.stdout).toMatch(/Files: 16 referenced/);
  });

  it("--json shape", () => {
    const r = cli(["info", "--json"], { cwd: good });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j).toMatchObject({ type: "info", id: "main", width: 320, height: 180, duration: 4, fps: 25, frames: 100, entry: "index.html" });
    expect(j.tracks.map((t: { track: number }) => t.track)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(j.tracks[1].clips[0]).toMatchObject({ id: "clip", kind: "video", start: 1.5, duration: 1.5, end: 3 });
    expect(j.subCompositions[0]).toMatchObject({ id: "card", file: "compositions/card.html", start: 1, duration: 2, loaded: true });
    expect(j.variables).toEqual([
      { id: "title", type: "string", label: "Title", default: "Hello" },
      { id: "accent", type: "color", label: "Accent", default: "blue" },
      { id: "count", type: "number", label: "Count", default: 3 },
    ]);
    expect(j.files.count).toBe(16);
    expect(j.files.bytes).toBeGreaterThan(1000);
    expect(j.media).toHaveLength(4);
    expect(j.externalUrls).toHaveLength(2);
  });

  it("lists the font each family resolves to: bundled (deterministic) or left to the system", () => {
    const dir = makeProject(
      {
        "index.html": `<html><head><style>h1 { font-family: Arial, sans-serif } p { font-family: "Space Grotesk", serif }</style></head><body>
<div data-composition-id="m" data-width="320" data-height="180" data-duration="1"><h1>a</h1><p>b</p></div></body></html>`,
      },
      { gsap: false },
    );
    const text = cli(["info", dir]);
    expect(text.stdout).toMatch(/Fonts:\n\s+Arial\s+→ bundled Inter\n\s+Space Grotesk\s+→ system font/);
    const j = JSON.parse(cli(["info", dir, "--json"]).stdout) as Record<string, any>;
    expect(j.fonts).toEqual({ bundled: { Arial: "Inter" }, system: ["Space Grotesk"] });
  });

  it("a broken project is a one-line error with exit 1 and no stack trace", () => {
    const r = cli(["info", path.join(bad, "no-root")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: index\.html: index\.html has no element with data-composition-id — .+ \[root_composition_missing\]/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const j = cli(["info", path.join(bad, "no-such"), "--json"]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ type: "error", error: { code: "project_dir_missing" } });
  });
});

describe("hyperframes doctor", () => {
  it("--json reports node, browser, ffmpeg and encoders", () => {
    const r = cli(["doctor", "--json"]);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j.type).toBe("doctor");
    expect(j.node).toMatchObject({ version: process.version, ok: true });
    expect(j.ffmpeg).toMatchObject({ ok: true, source: expect.any(String), path: expect.any(String) });
    expect(Object.keys(j.encoders).sort()).toEqual(["aac", "libopus", "libvpx-vp9", "libx264", "prores_ks"]);
    expect(j.encoders.libx264).toBe(true);
    if (j.browser.ok) {
      expect(j.browser).toMatchObject({ source: expect.any(String), kind: expect.stringMatching(/headless-shell|chrome|unknown/), path: expect.any(String) });
      // probed afresh: the capture method and the process mode, each with its reason
      expect(j.browser).toMatchObject({ capture: expect.stringMatching(/^(beginframe|screenshot)$/), captureReason: expect.any(String), process: expect.stringMatching(/^(single|multi)$/) });
      expect(r.stdout).toBe(r.stdout.trim() + "\n");
      expect(r.code).toBe(0);
    } else expect(r.code).toBe(2);
  });

  it("exits 2 when the browser is missing, with a readable reason", () => {
    const r = cli(["doctor", "--browser", "/nonexistent/chrome"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/✖ browser\s+--browser \/nonexistent\/chrome does not exist/);
    expect(r.stdout).toMatch(/not ready to render/);
  });

  it("--help shows an example", () => {
    expect(cli(["doctor", "--help"]).stdout).toMatch(/Examples:\n\s+\$ hyperframes doctor/);
    expect(cli(["info", "--help"]).stdout).toMatch(/Examples:\n\s+\$ hyperframes info/);
  });
});
