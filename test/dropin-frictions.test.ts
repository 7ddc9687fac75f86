/**
 * Frictions met by people and agents coming from the official CLI (issue 18): default output names, blank CSV
 * cells, the second bin name, hints naming the right flag, the README's API example, the example's header, the
 * shared-corpus scripts and the package files. (`ok` in every --json result and unquoted numbers in --help, for
 * every command: test/cli-json-help.test.ts.)
 * Real CLI subprocesses, real Chrome and FFmpeg (160x90, one frame).
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO, cleanupProjects, makeProject, tempDir } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";
import { decodeFrames, pixel, colourDistance, COLOUR_TOL } from "./helpers/media.js";
import { outputStem } from "../src/render/output-name.js";
import { coerceRow } from "../src/data/rows.js";
import { renderBatch, type BatchRowResult } from "../src/render/batch.js";
import type { VariableDecl } from "../src/compose/types.js";

afterAll(() => cleanupProjects());


/** A 160x90, one-frame composition: a box coloured by the `accent` variable, a title from `title`. */
function accentProject(id = "main"): string {
  return makeProject({
    "index.html": `<!doctype html>
<html data-composition-variables='[{"id":"accent","type":"color","label":"Accent","default":"#22c55e"},{"id":"title","type":"string","label":"Title","default":"Hi"},{"id":"align","type":"enum","label":"Align","default":"left","options":[{"value":"left","label":"L"},{"value":"right","label":"R"}]}]'>
<head><meta charset="utf-8"><style>
  html, body { margin: 0; background: #000; }
  #box { position: absolute; left: 0; top: 0; width: 80px; height: 90px; background: var(--accent); }
</style></head>
<body>
  <div id="root" data-composition-id="${id}" data-width="160" data-height="90" data-duration="0.1" data-fps="10">
    <div id="box"></div><div id="t"></div>
  </div>
  <script src="gsap.min.js"></script>
  <script>
    const v = window.__hyperframes.getVariables();
    document.getElementById("t").textContent = v.title;
    if (v.align !== "left" && v.align !== "right") throw new Error("align is " + JSON.stringify(v.align));
    window.__timelines = window.__timelines || {};
    window.__timelines["${id}"] = gsap.timeline({ paused: true });
  </script>
</body>
</html>
`,
  });
}

describe("default output names", () => {
  it("a generic root id (main, root, composition) gives way to the project folder's name", () => {
    expect(outputStem("main", "/x/launch-promo")).toBe("launch-promo");
    expect(outputStem("Root", "/x/launch-promo")).toBe("launch-promo");
    expect(outputStem("composition", "/x/my video")).toBe("my_video");
    expect(outputStem("", "/x/clip")).toBe("clip");
    expect(outputStem("intro-card", "/x/launch-promo")).toBe("intro-card");
  });

  it("`render` of a template-like project (id main) writes renders/<folder>_<timestamp>.mp4, and --json carries ok: true", () => {
    const project = accentProject("main");
    const r = cli(["render", project, "--quality", "draft", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = r.json!;
    expect(res.type).toBe("result");
    expect(res.ok).toBe(true);
    const name = path.basename(String(res.output));
    expect(name).toMatch(new RegExp(`^${path.basename(project)}_\\d{8}_\\d{6}\\.mp4$`));
    expect(readdirSync(path.join(project, "renders"))).toContain(name);
  });
});

describe("batch: a blank CSV cell keeps the default for every variable type", () => {
  const decls = [
    { id: "accent", type: "color", label: "a", default: "#22c55e" },
    { id: "title", type: "string", label: "t", default: "Hi" },
    { id: "align", type: "enum", label: "al", default: "left", options: [{ value: "left", label: "L" }] },
    { id: "n", type: "number", label: "n", default: 1 },
    { id: "on", type: "boolean", label: "o", default: true },
  ] as VariableDecl[];

  it("coerceRow drops blank cells of declared string, color, enum, number and boolean variables", () => {
    expect(coerceRow({ accent: "", title: " ", align: "", n: "", on: "", id: "" }, decls)).toEqual({ id: "" });
    expect(coerceRow({ accent: "#fff", title: "x", n: "2" }, decls)).toEqual({ accent: "#fff", title: "x", n: 2 });
  });

  it("a real batch from CSV: the row with blank accent/title/align cells renders the declared accent (and README's r.data is the row)", async () => {
    const project = accentProject("card");
    const out = tempDir("hf-dropin-batch-");
    const csv = path.join(out, "rows.csv");
    writeFileSync(csv, "id,accent,title,align\nred,#ff0000,Red,right\nblank,,,\n");
    const results: BatchRowResult[] = [];
    const run = renderBatch({ project, rows: csv, outputPattern: path.join(out, "{row.id}.mp4"), quality: "draft", concurrency: 1, manifest: false });
    for await (const r of run) results.push(r);
    const s = await run.done();
    expect(s.failed, JSON.stringify(results.map((r) => r.error?.message))).toBe(0);
    const blank = results.find((r) => r.data.id === "blank")!;
    const red = results.find((r) => r.data.id === "red")!;
    // the README's renderBatch example prints r.row (the 1-based number), r.data (the row's fields), r.status, r.output
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const loop = /for await \(const r of run\)[^\n]*/.exec(readme)?.[0] ?? "";
    const used = [...loop.matchAll(/\br\.(\w+)/g)].map((m) => m[1]!);
    expect(used).toContain("data");
    for (const k of used) expect(Object.keys(blank), `README uses r.${k}`).toContain(k);
    expect(blank.row).toBe(2);
    const frame = async (file: string) => pixel(await decodeFrames(file), 0, 40, 45);
    expect(colourDistance(await frame(blank.output), [0x22, 0xc5, 0x5e])).toBeLessThanOrEqual(COLOUR_TOL);
    expect(colourDistance(await frame(red.output), [255, 0, 0])).toBeLessThanOrEqual(COLOUR_TOL);
  });
});

describe("batch --json", () => {
  it("the final result event carries ok (true when every row rendered, false when one failed)", () => {
    const project = accentProject();
    const out = tempDir("hf-dropin-batchcli-");
    const rows = path.join(out, "rows.json");
    writeFileSync(rows, JSON.stringify([{ accent: "#ff0000" }, { align: "middle" }]));
    const r = cli(["render", project, "--batch", rows, "--output-pattern", path.join(out, "{index}.mp4"), "--strict-variables", "--json", "--quality", "draft"]);
    expect(r.code).toBe(1);
    const res = r.json!;
    expect(res).toMatchObject({ type: "result", ok: false, done: 1, failed: 1 });
  });
});

describe("a second bin name next to the official CLI's `hyperframes`", () => {
  it("package.json declares both hyperframes and hyperframes-toolkit, and the CLI runs under the second name", () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ hyperframes: "bin/hyperframes.js", "hyperframes-toolkit": "bin/hyperframes.js" });
    // npm links a bin as a symlink named after the key: the CLI must start under that name too
    const dir = tempDir("hf-dropin-bin-");
    const link = path.join(dir, "hyperframes-toolkit");
    symlinkSync(path.join(REPO, "bin", "hyperframes.js"), link);
    const r = spawnSync(process.execPath, [link, "--version"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")).version);
    expect(readFileSync(path.join(REPO, "README.md"), "utf8")).toMatch(/hyperframes-toolkit render/);
  });
});

describe("hints name the flag of the command that was run", () => {
  it("render: a missing --composition file names --composition, not --entry (and --json errors carry ok: false)", () => {
    const project = accentProject();
    const r = cli(["render", project, "--composition", "nope.html", "--json"]);
    expect(r.code).toBe(1);
    const e = r.json!;
    expect(e.ok).toBe(false);
    expect(JSON.stringify(e)).toMatch(/--composition/);
    expect(r.stderr).not.toMatch(/--entry/);
    const empty = tempDir("hf-dropin-empty-");
    const r2 = cli(["render", empty]);
    expect(r2.stderr).toMatch(/create index\.html, or pass --composition <file>/);
    // lint keeps its own flag
    expect(cli(["lint", empty]).stdout).toMatch(/--entry <file>/);
  });

  it("render -o x.avi does not suggest --format avi", () => {
    const r = cli(["render", accentProject(), "-o", path.join(tempDir(), "x.avi")]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/--format avi/);
    expect(r.stderr).toMatch(/\.avi is not an output format/);
  });

  it("a file given as the project says it is a file and to pass its folder (render, pack, lint)", () => {
    const project = accentProject();
    const file = path.join(project, "index.html");
    for (const cmd of ["render", "pack", "lint"]) {
      const r = cli([cmd, file]);
      expect(r.code, cmd).toBe(1);
      const text = r.stderr + r.stdout;
      expect(text, cmd).toMatch(/is a file, not a project folder/);
      expect(text, cmd).toContain(`pass its folder instead: ${project}`);
      expect(text, cmd).not.toMatch(/does not exist/);
    }
  });
});

describe("docs, examples and package files", () => {
  it("examples/batch-from-csv/render.mjs names only files that exist, and its CLI line's columns are the template's variables", () => {
    const here = path.join(REPO, "examples", "batch-from-csv");
    const header = /^\/\*\*[\s\S]*?\*\//m.exec(readFileSync(path.join(here, "render.mjs"), "utf8"))![0];
    const files = [...header.matchAll(/\b([\w-]+\.csv)\b/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(path.join(here, f)), f).toBe(true);
    const r = cli(["info", path.join(REPO, "examples", "variables"), "--json"]);
    const declared = (r.json!.variables as { id: string }[]).map((v) => v.id);
    const columns = readFileSync(path.join(here, "rows.csv"), "utf8").split("\n")[0]!.split(",");
    for (const c of columns) if (c !== "id") expect(declared, c).toContain(c);
  });

  it("npm run conformance / bench skip cleanly (exit 0, a clear message) without ../shared", () => {
    const fake = tempDir("hf-dropin-noshared-");
    const repo = path.join(fake, "toolkit");
    mkdirSync(path.join(repo, "scripts"), { recursive: true });
    const env = { ...process.env };
    delete env.HYPERFRAMES_SHARED_DIR;
    for (const script of ["conformance.mjs", "bench.mjs"]) {
      copyFileSync(path.join(REPO, "scripts", script), path.join(repo, "scripts", script));
      const r = spawnSync(process.execPath, [path.join(repo, "scripts", script)], { encoding: "utf8", timeout: 30_000, env });
      expect(r.status, `${script}: ${r.stderr}`).toBe(0);
      expect(r.stderr, script).toMatch(/skipped .*not (found|part of the npm package).*HYPERFRAMES_SHARED_DIR/);
    }
    expect(readFileSync(path.join(REPO, "README.md"), "utf8")).toMatch(/without `\.\.\/shared`.*skip/is);
  });

  it("LICENSE (MIT), CHANGELOG (Unreleased first) and no guessed URLs in package.json", () => {
    const license = readFileSync(path.join(REPO, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License/);
    expect(license).toMatch(/Copyright \(c\) \d{4} hyperframes-toolkit contributors/);
    const changelog = readFileSync(path.join(REPO, "CHANGELOG.md"), "utf8");
    expect(changelog.split("\n").find((l) => l.startsWith("## "))).toBe("## Unreleased");
    const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg.license).toBe("MIT");
    for (const k of ["repository", "homepage", "bugs"]) expect(pkg[k], k).toBeUndefined();
  });
});
