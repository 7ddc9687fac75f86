/**
 * The official HyperFrames CLI's documented `render` invocations, run against this CLI: the shared flags mean
 * the same (-f fps, -c composition, -q, -w, -o), the official values are understood (--quality looks/delivery,
 * --workers auto, 60/2 fps), the strict modes lint first, and a flag with no meaning here fails with what to use.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject, tempDir } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";
import path from "node:path";
import { writeFileSync } from "node:fs";

afterAll(() => cleanupProjects());

const page = (body = "", script = "") => `<!doctype html><html><head><style>body{margin:0}#root{position:relative;width:160px;height:90px;background:#123}</style></head><body>
<div id="root" data-composition-id="promo" data-width="160" data-height="90" data-duration="0.2" data-fps="30">${body}<div id="box" style="position:absolute;width:20px;height:20px;background:#f00"></div></div>
<script src="gsap.min.js"></script><script>${script}const tl = gsap.timeline({ paused: true }); tl.to("#box", { x: 100, duration: 0.2 }, 0); window.__timelines = { promo: tl };</script></body></html>`;

const result = (stdout: string) => JSON.parse(stdout.trim().split("\n").filter((l) => l.includes('"type":"result"')).pop()!) as Record<string, any>;

describe("the official CLI's render flags", () => {
  const dir = makeProject({ "index.html": page() });
  const out = (name: string) => path.join(tempDir("hf-official-"), name);

  it("-f is --fps, -q/-w/-o as there: `render DIR -f 24 -q draft -w 1 -o out.mp4`", () => {
    const r = cli(["render", dir, "-f", "24", "-q", "draft", "-w", "1", "-o", out("a.mp4"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(result(r.stdout)).toMatchObject({ fps: 24, frames: 5, quality: "draft", workers: 1, format: "mp4" });
  });

  it("-c names the entry; --quality looks / delivery and --workers auto are understood and said once", () => {
    const r = cli(["render", dir, "-c", "index.html", "--quality", "looks", "--workers", "auto", "-o", out("b.mp4"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(result(r.stdout).quality).toBe("standard");
    expect(r.stderr).toMatch(/--quality looks is rendered as --quality standard/);
    const d = cli(["render", dir, "--quality", "delivery", "--fps", "60/2", "--format", "webm", "-o", out("c.webm"), "--json"]);
    expect(d.code, d.stderr).toBe(0);
    expect(result(d.stdout)).toMatchObject({ quality: "high", fps: 30, format: "webm" });
  });

  it("a fractional rate (30000/1001) and official-only flags fail at once, saying what to use", () => {
    const ntsc = cli(["render", dir, "--fps", "30000/1001", "-o", out("d.mp4")]);
    expect(ntsc.code).toBe(1);
    expect(ntsc.stderr).toMatch(/fractional frame rate[\s\S]*--fps 30/);
    for (const [flag, instead] of [
      [["--video-bitrate", "10M"], /--crf/],
      [["--docker"], /Docker/],
      [["--gpu"], /GPU/],
      [["--hdr"], /SDR/],
    ] as const) {
      const r = cli(["render", dir, ...flag, "-o", out("e.mp4")]);
      expect(r.code, flag.join(" ")).toBe(1);
      expect(r.stderr).toMatch(/not supported by hyperframes-toolkit/);
      expect(r.stderr).toMatch(instead);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("--strict (the default here) and --strict-all refuse on lint findings; --best-effort renders anyway, like --force", () => {
    const warned = makeProject({ "index.html": page("", "const r = Math.random();") });
    const strict = cli(["render", warned, "--strict", "-q", "draft", "-o", out("f.mp4"), "--json"]);
    expect(strict.code, strict.stderr).toBe(0);
    const all = cli(["render", warned, "--strict-all", "-o", out("g.mp4")]);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/lint found 0 error\(s\) and 1 warning\(s\); not rendering \(--strict-all\)[\s\S]*non_deterministic_code/);
    const broken = makeProject({ "index.html": page().replace(' data-width="160"', "") });
    for (const flags of [["--strict"], []]) {
      const e = cli(["render", broken, ...flags, "-o", out("h.mp4")]);
      expect(e.code, flags.join(" ")).toBe(1);
      expect(e.stderr).toMatch(/not rendering:[\s\S]*root_missing_dimensions/);
    }
    const best = cli(["render", broken, "--best-effort", "-q", "draft", "--frames", "0:1", "-o", out("i.mp4")]);
    expect(best.code, best.stderr).toBe(0);
    const both = cli(["render", broken, "--strict", "--best-effort", "-o", out("j.mp4")]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--best-effort and --strict contradict each other/);
  });

  it("`preview` is `dev`; --batch-concurrency is --concurrency", () => {
    const p = cli(["preview", "--help"]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/Usage: hyperframes dev\|preview/);
    const rows = path.join(tempDir("hf-official-rows-"), "rows.json");
    writeFileSync(rows, JSON.stringify([{}, {}]));
    const b = cli(["render", dir, "--batch", rows, "--batch-concurrency", "1", "-q", "draft", "--output-pattern", path.join(tempDir("hf-official-b-"), "{index}.mp4"), "--json"]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/"concurrency":1/);
  });
});
