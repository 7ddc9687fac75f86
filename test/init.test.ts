/**
 * `hyperframes init`: spawns the real CLI (bin/hyperframes.js → dist/, built by `npm test`) into temp folders,
 * checks the project it writes, and lints every template and example with the real lint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findPackageRoot, initProject, listTemplates } from "../src/init/templates.js";
import { UsageError } from "../src/errors.js";
import { cli as runCli } from "./helpers/cli.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const gsapPath = createRequire(import.meta.url).resolve("gsap/dist/gsap.min.js");
const TEMPLATES = ["blank", "title-card", "data-chart"] as const;
const EXAMPLES = ["hello-gsap", "sub-composition", "variables", "media-audio"] as const;

let tmp: string;

/** The CLI, run in this file's temp folder. */
const cli = (args: string[]) => runCli(args, { cwd: tmp });

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "hf-init-"));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("templates folder", () => {
  it("has at least the three documented templates, each with index.html, README.md and template.json", () => {
    const ids = listTemplates().map((t) => t.id);
    for (const t of TEMPLATES) expect(ids).toContain(t);
    for (const t of listTemplates()) {
      for (const f of ["index.html", "README.md", "template.json"]) expect(existsSync(path.join(t.dir, f)), `${t.id}/${f}`).toBe(true);
      expect(t.description.length).toBeGreaterThan(10);
    }
  });

  it("templates are offline, 30 fps, at most 1920x1080 and 4-6 s long, with a synchronously registered timeline", () => {
    for (const t of listTemplates()) {
      const html = readFileSync(path.join(t.dir, "index.html"), "utf8");
      expect(html, t.id).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
      expect(html, t.id).not.toMatch(/@import|url\(\s*["']?https?:/i);
      expect(html).toContain('<script src="gsap.min.js"></script>');
      const rootTag = /<div[^>]*data-composition-id="([^"]+)"[^>]*>/.exec(html);
      expect(rootTag, t.id).not.toBeNull();
      const attr = (name: string) => Number(new RegExp(`${name}="([^"]+)"`).exec(rootTag![0])?.[1]);
      expect(attr("data-fps")).toBe(30);
      expect(attr("data-width")).toBeLessThanOrEqual(1920);
      expect(attr("data-height")).toBeLessThanOrEqual(1080);
      expect(attr("data-duration")).toBeGreaterThanOrEqual(4);
      expect(attr("data-duration")).toBeLessThanOrEqual(6);
      expect(html).toContain(`window.__timelines["${rootTag![1]}"] = tl`);
    }
  });

  it("finds the package root from src/ and from dist/", () => {
    expect(findPackageRoot(path.join(root, "src", "init"))).toBe(root);
    expect(findPackageRoot(path.join(root, "dist", "cli", "commands"))).toBe(root);
  });
});

describe("hyperframes init", () => {
  for (const t of TEMPLATES) {
    it(`creates a project from --template ${t}`, () => {
      const dir = path.join(tmp, `proj-${t}`);
      const r = cli(["init", dir, "--template", t]);
      expect(r.code, r.stderr).toBe(0);
      for (const f of ["index.html", "gsap.min.js", "README.md"]) expect(existsSync(path.join(dir, f)), f).toBe(true);
      expect(existsSync(path.join(dir, "template.json"))).toBe(false);
      // gsap is the installed package's file, byte for byte
      expect(readFileSync(path.join(dir, "gsap.min.js")).equals(readFileSync(gsapPath))).toBe(true);
      // the project name replaces the placeholder
      const readme = readFileSync(path.join(dir, "README.md"), "utf8");
      expect(readme).toContain(`# proj-${t}`);
      expect(readFileSync(path.join(dir, "index.html"), "utf8")).not.toContain("{{name}}");
      // next steps name the real commands
      expect(r.stdout).toMatch(/hyperframes dev \S*proj-/);
      expect(r.stdout).toMatch(/hyperframes render \S*proj-/);
    });
  }

  it("prints a JSON result with --json", () => {
    const r = cli(["init", "json-proj", "--template", "data-chart", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { type: string; dir: string; template: string; files: string[]; next: string[] };
    expect(out.type).toBe("init");
    expect(out.template).toBe("data-chart");
    expect(out.dir).toBe(path.join(tmp, "json-proj"));
    expect(out.files).toEqual(expect.arrayContaining(["index.html", "gsap.min.js", "README.md"]));
    expect(out.next).toEqual(["hyperframes dev json-proj", "hyperframes lint json-proj", "hyperframes snapshot json-proj", "hyperframes render json-proj"]);
  });

  it("refuses a non-empty folder without --force and leaves it untouched; --force writes into it", () => {
    const dir = path.join(tmp, "busy");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "notes.txt"), "keep me");
    const r = cli(["init", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("init_target_not_empty");
    expect(r.stderr).toContain("--force");
    expect(readdirSync(dir)).toEqual(["notes.txt"]);

    const forced = cli(["init", dir, "--force", "--template", "title-card"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(path.join(dir, "index.html"))).toBe(true);
    expect(readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("keep me");
  });

  it("accepts an existing empty folder", () => {
    const dir = path.join(tmp, "empty");
    mkdirSync(dir);
    const r = cli(["init", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, "index.html"))).toBe(true);
  });

  it("rejects an unknown template and a missing name with exit code 1", () => {
    const bad = cli(["init", "x", "--template", "nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown template "nope"');
    expect(bad.stderr).toContain("blank, data-chart, title-card");
    expect(existsSync(path.join(tmp, "x"))).toBe(false);

    const missing = cli(["init"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("init_missing_name");
  });

  it("--list-templates lists them (human and JSON)", () => {
    const human = cli(["init", "--list-templates"]);
    expect(human.code).toBe(0);
    for (const t of TEMPLATES) expect(human.stdout).toMatch(new RegExp(`^${t}\\s+\\S`, "m"));
    const json = JSON.parse(cli(["init", "--list-templates", "--json"]).stdout) as { templates: { id: string }[] };
    expect(json.templates.map((t) => t.id)).toEqual(expect.arrayContaining([...TEMPLATES]));
  });

  it("initProject escapes the project name in HTML", () => {
    const dir = path.join(tmp, "a<b>&c");
    const res = initProject(dir, { template: "blank" });
    expect(res.files).toContain("index.html");
    const html = readFileSync(path.join(dir, "index.html"), "utf8");
    expect(html).toContain("<title>a&lt;b&gt;&amp;c</title>");
    expect(() => initProject(dir, { template: "blank" })).toThrow(UsageError);
  });
});

describe("examples folder", () => {
  for (const ex of EXAMPLES) {
    it(`${ex} is self-contained: index.html, local gsap, README, referenced files exist, small`, () => {
      const dir = path.join(root, "examples", ex);
      for (const f of ["index.html", "gsap.min.js", "README.md"]) expect(existsSync(path.join(dir, f)), `${ex}/${f}`).toBe(true);
      const html = readFileSync(path.join(dir, "index.html"), "utf8").replace(/<!--[\s\S]*?-->/g, "");
      expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
      for (const m of html.matchAll(/(?:src|data-composition-src)="([^"]+)"/g)) expect(existsSync(path.join(dir, m[1]!)), `${ex}: ${m[1]}`).toBe(true);
      const rootTag = /<div[^>]*data-composition-id="[^"]+"[^>]*>/.exec(html)![0];
      const attr = (name: string) => Number(new RegExp(`${name}="([^"]+)"`).exec(rootTag)?.[1]);
      expect(attr("data-width") * attr("data-height")).toBeLessThanOrEqual(1280 * 720);
      expect(attr("data-duration")).toBeLessThanOrEqual(4);
      // every media element has an id
      for (const m of html.matchAll(/<(video|audio)\b[^>]*>/g)) expect(m[0], `${ex}: ${m[0]}`).toMatch(/\bid="[^"]+"/);
    });
  }

  it("media-audio assets are real, short and under 300 KB", async () => {
    const { probe } = await import("../src/render/ffmpeg.js");
    const assets = path.join(root, "examples", "media-audio", "assets");
    for (const f of readdirSync(assets)) {
      const bytes = readFileSync(path.join(assets, f)).length;
      expect(bytes, f).toBeLessThan(300 * 1024);
    }
    const video = await probe(path.join(assets, "clip.mp4"));
    expect(JSON.stringify(video)).toMatch(/h264/);
    const audio = await probe(path.join(assets, "tone.wav"));
    expect(JSON.stringify(audio)).toMatch(/"codec_type":"audio"/);
  });
});

// The real lint (src/compose). Every template, once scaffolded, and every example must have zero findings/errors.
describe("lint", () => {
  type Lint = (dir: string) => Promise<{ findings: { code: string; severity: string; message: string; file: string }[]; errorCount: number }>;
  let lintProject: Lint;
  beforeAll(async () => {
    lintProject = ((await import("../src/compose/index.js")) as unknown as { lintProject: Lint }).lintProject;
    expect(typeof lintProject).toBe("function");
  });
  const show = (r: Awaited<ReturnType<Lint>>) => r.findings.map((f) => `${f.severity} ${f.code} ${f.file}: ${f.message}`).join("\n");

  for (const t of TEMPLATES) {
    it(`a new ${t} project has zero lint findings`, async () => {
      const dir = path.join(tmp, `lint-${t}`);
      initProject(dir, { template: t });
      const r = await lintProject(dir);
      expect(r.findings, show(r)).toEqual([]);
    });
  }
  for (const ex of EXAMPLES) {
    it(`examples/${ex} has zero lint findings`, async () => {
      const r = await lintProject(path.join(root, "examples", ex));
      expect(r.findings, show(r)).toEqual([]);
    });
  }
});

// The same projects under the official linter (CLI 0.8.170), when it is installed: set HYPERFRAMES_OFFICIAL_CLI
// to its bin/hyperframes.mjs (and HYPERFRAMES_OFFICIAL_NODE to the node it needs, if not this one).
const OFFICIAL = process.env.HYPERFRAMES_OFFICIAL_CLI;
describe.skipIf(!OFFICIAL)("the official linter", () => {
  const officialLint = (dir: string) => {
    const r = spawnSync(process.env.HYPERFRAMES_OFFICIAL_NODE ?? process.execPath, [OFFICIAL!, "lint", dir, "--json"], { encoding: "utf8", timeout: 120_000 });
    const json = r.stdout.slice(r.stdout.indexOf("{"));
    return JSON.parse(json) as { errorCount: number; warningCount: number; findings: { code: string; message: string }[] };
  };
  for (const t of TEMPLATES) {
    it(`finds nothing in a new ${t} project`, () => {
      const dir = path.join(tmp, `official-lint-${t}`);
      initProject(dir, { template: t });
      const r = officialLint(dir);
      expect(r.findings.map((f) => `${f.code}: ${f.message}`)).toEqual([]);
    });
  }
  for (const ex of EXAMPLES) {
    it(`finds nothing in examples/${ex}`, () => {
      const r = officialLint(path.join(root, "examples", ex));
      expect(r.findings.map((f) => `${f.code}: ${f.message}`)).toEqual([]);
    });
  }
});

// The README's set-up command (`npm run example`) and the init → render path, with the real renderer.
describe("render", () => {
  const probeVideo = async (file: string) => {
    const { probe } = await import("../src/render/ffmpeg.js");
    const info = (await probe(file, true)) as unknown as { streams: { codec_type: string; width?: number; height?: number; nb_read_packets?: string | number }[] };
    const v = info.streams.find((s) => s.codec_type === "video")!;
    return { width: v.width, height: v.height, frames: Number(v.nb_read_packets), audio: info.streams.some((s) => s.codec_type === "audio") };
  };

  it("package.json's example script renders examples/hello-gsap (1280x720, 90 frames)", async () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.example).toBe("node bin/hyperframes.js render examples/hello-gsap --quality draft");
    const out = path.join(tmp, "hello.mp4");
    const r = cli(["render", path.join(root, "examples", "hello-gsap"), "--quality", "draft", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(await probeVideo(out)).toEqual({ width: 1280, height: 720, frames: 90, audio: false });
  });

  it("a fresh title-card project renders with variable overrides", async () => {
    const dir = path.join(tmp, "render-title-card");
    expect(cli(["init", dir, "--template", "title-card"]).code).toBe(0);
    const out = path.join(tmp, "title-card.mp4");
    const r = cli(["render", dir, "--quality", "draft", "--frames", "0:15", "-o", out, "--strict-variables",
      "--variables", JSON.stringify({ title: "Launch day", accent: "#22c55e", show_lower_third: false })]);
    expect(r.code, r.stderr).toBe(0);
    expect(await probeVideo(out)).toMatchObject({ width: 1920, height: 1080, frames: 15 });
  });
});

