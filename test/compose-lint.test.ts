/** Lint: every broken project under test/fixtures/bad produces exactly the codes its expected.json lists. */
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatFinding, lintProject, LINT_CODES, stripJsComments } from "../src/compose/lint.js";
import type { LintFinding } from "../src/compose/types.js";
import { makeProject } from "./helpers/project.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Lint only needs a GSAP script to exist, not the library. */
const GSAP_STUB = "/* a stand-in for GSAP */\n";
const badDir = path.join(root, "test", "fixtures", "bad");
const good = path.join(root, "test", "fixtures", "good", "full");

describe("bad corpus", () => {
  const cases = readdirSync(badDir).sort();
  it("has at least 15 broken projects", () => expect(cases.length).toBeGreaterThanOrEqual(15));
  for (const c of cases) {
    it(c, async () => {
      const expected = (JSON.parse(readFileSync(path.join(badDir, c, "expected.json"), "utf8")) as { codes: string[] }).codes;
      const result = await lintProject(path.join(badDir, c));
      expect([...new Set(result.findings.map((f) => f.code))].sort()).toEqual([...expected].sort());
      for (const f of result.findings) {
        expect(LINT_CODES[f.code], `${f.code} is documented in LINT_CODES`).toBeDefined();
        expect(LINT_CODES[f.code]).toContain(f.severity);
        expect(f.message).toBeTruthy();
        expect(f.hint).toBeTruthy();
        expect(f.file).not.toMatch(/^\//);
        expect(formatFinding(f)).not.toContain("\n");
      }
      expect(result.errorCount).toBe(result.findings.filter((f) => f.severity === "error").length);
      expect(result.warningCount).toBe(result.findings.length - result.errorCount);
    });
  }
});

describe("findings", () => {
  it("the good fixture is clean: its two Google Fonts sheets ask for bundled families (Inter, Roboto), which renders draw without them", async () => {
    expect((await lintProject(good)).findings.map((f) => [f.code, f.severity, f.file])).toEqual([]);
  });

  it("an id on <html> too (registry demos): the finding says <html> became the root and how to fix it", async () => {
    const dir = makeProject({
      "index.html": `<!doctype html><html data-composition-id="demo" data-composition-duration="1"><head></head><body>
<div id="root" data-composition-id="demo" data-width="320" data-height="180" data-duration="1" data-no-timeline></div></body></html>`,
    }, { gsap: false });
    const f = (await lintProject(dir)).findings.find((x) => x.code === "duplicate_composition_id");
    expect(f?.message).toMatch(/is also on <html>, which makes <html> the root composition/);
    expect(f?.hint).toMatch(/remove data-composition-id \(and data-composition-duration\) from <html>/);
  });

  it("a Google Fonts sheet asking for a family without a bundled face is font_service_stylesheet, naming only that family", async () => {
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter:wght@400&family=Gabarito:wght@900"></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="180" data-duration="1" data-no-timeline></div></body></html>`,
    }, { gsap: false });
    const f = (await lintProject(dir)).findings;
    expect(f.map((x) => [x.code, x.severity, x.line])).toEqual([["font_service_stylesheet", "warning", 1]]);
    expect(f[0]!.message).toMatch(/asks Google Fonts for Gabarito, which has no bundled face/);
  });

  it("carry file, line and element", async () => {
    const r = await lintProject(path.join(badDir, "local-file-missing"));
    expect(r.findings.map((f) => [f.code, f.file, f.line, f.element])).toEqual([
      ["local_file_missing", "index.html", 6, "<style>"],
      ["local_file_missing", "index.html", 12, '<img id="logo">'],
    ]);
    const m = await lintProject(path.join(badDir, "video-missing-muted"));
    expect(m.findings[0]).toMatchObject({ code: "video_missing_muted", severity: "warning", file: "index.html", line: 9, element: '<video id="v">' });
    expect(formatFinding(m.findings[0]!)).toMatch(/^index\.html:9 {2}warning {2}video_missing_muted {2}<video id="v">: timed <video> is not muted \(add muted/);
  });

  it("errors vs warnings", async () => {
    const warn = await lintProject(path.join(badDir, "no-duration-with-script"));
    expect([warn.errorCount, warn.warningCount]).toEqual([0, 1]);
    const err = await lintProject(path.join(badDir, "no-duration-no-script"));
    expect(err.findings.find((f) => f.code === "root_composition_missing_duration_source")?.severity).toBe("error");
  });

  it("never throws on a missing folder", async () => {
    const r = await lintProject(path.join(badDir, "does-not-exist"));
    expect(r.findings.map((f) => f.code)).toEqual(["project_dir_missing"]);
    expect(r.errorCount).toBe(1);
  });

  it("ignores patterns in comments but not in strings", () => {
    const s = stripJsComments(`// Math.random()\n/* Date.now() */ const a = "random(1, 5)"; x = 'a // b'; Math.random();`);
    expect(s).not.toContain("Date.now");
    expect(s).toContain('"random(1, 5)"');
    expect(s).toContain("'a // b'");
    expect(s.split("\n")).toHaveLength(2);
    expect(s.match(/Math\.random/g)).toHaveLength(1);
  });
});

describe("script rules", () => {
  const lintScript = async (js: string): Promise<string[]> => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hf-lint-js-"));
    try {
      writeFileSync(
        path.join(dir, "index.html"),
        `<!doctype html><html><body><div data-composition-id="m" data-width="10" data-height="10" data-duration="1"></div>\n<script src="gsap.min.js"></script><script>\n${js}\nwindow.__timelines = window.__timelines || {}; window.__timelines["m"] = tl;\n</script></body></html>`,
      );
      writeFileSync(path.join(dir, "gsap.min.js"), GSAP_STUB);
      const r = await lintProject(dir);
      return r.findings.map((f) => `${f.code}:${f.line}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it("flags wall clocks, randomness, rAF and infinite repeats on the right line", async () => {
    expect(await lintScript("const tl = 1;\nconst t0 = performance.now();")).toEqual(["non_deterministic_code:4"]);
    expect(await lintScript("const tl = 1; const d = new Date();")).toEqual(["non_deterministic_code:3"]);
    expect(await lintScript("const tl = 1; const d = new Date;")).toEqual(["non_deterministic_code:3"]);
    expect(await lintScript("const tl = 1; crypto.getRandomValues(a); gsap.utils.random(0, 1);")).toEqual(["non_deterministic_code:3", "non_deterministic_code:3"]);
    expect(await lintScript('const tl = 1; tl.to(".x", { x: "random(0, 100)" });')).toEqual(["non_deterministic_code:3"]);
    expect(await lintScript("const tl = gsap.timeline({ repeat: -1 });")).toEqual(["gsap_infinite_repeat:3"]);
    expect(await lintScript("const tl = 1;\n\nrequestAnimationFrame(draw);")).toEqual(["requestanimationframe_in_composition:5"]);
  });
  it("a script that does not parse is script_syntax_error on the parser's line; modules and modern syntax parse", async () => {
    expect(await lintScript("const tl = 1;\ntl.to('.x', { x: 1 }\nconst y = 2;")).toEqual(["script_syntax_error:5"]);
    expect(await lintScript("const tl = 1;\nconst o = a?.b ?? { ...c }; class K { #p = 1; static { } }")).toEqual([]);
    expect(await lintScript("import { x } from './x.js';\nconst tl = 1; await Promise.resolve();")).toEqual([]);
  });
  it("does not flag deterministic code or comments", async () => {
    expect(await lintScript("const tl = 1; const d = new Date(2024, 0, 1); const f = new DateFormatter(); // Math.random()\n/* Date.now() */ const r = mulberry32(7)();")).toEqual([]);
    expect(await lintScript("const tl = gsap.timeline({ repeat: 3 });")).toEqual([]);
  });
});

/** Write a throw-away project (path → content, plus a gsap.min.js stand-in), lint it, and return the findings. */
async function lintFiles(files: Record<string, string>): Promise<LintFinding[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hf-lint-rules-"));
  try {
    for (const [rel, text] of Object.entries({ "gsap.min.js": GSAP_STUB, ...files })) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    return (await lintProject(dir)).findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** index.html with `body` inside the root (from line 3) and `js` in a script after it (from line 3 + body lines + 3). */
function page(body: string, js = "", rootAttrs = ""): string {
  return [
    `<!doctype html><html><body><script src="gsap.min.js"></script>`,
    `<div id="stage" data-composition-id="m" data-width="320" data-height="180" data-duration="2"${rootAttrs}>`,
    body,
    `</div>`,
    `<script>`,
    `const tl = gsap.timeline({ paused: true });`,
    js,
    `window.__timelines = window.__timelines || {}; window.__timelines["m"] = tl;`,
    `</script></body></html>`,
  ].join("\n");
}

const only = (findings: LintFinding[], code: string): LintFinding[] => findings.filter((f) => f.code === code);
const at = (findings: LintFinding[], code: string): (number | undefined)[] => only(findings, code).map((f) => f.line);

describe("gsap_animates_clip_element", () => {
  const body = [
    `<div id="s1" class="clip scene" data-start="0" data-duration="1"><div id="inner" class="wrap"></div></div>`,
    `<div id="s2" class="clip scene" data-start="1" data-duration="1"></div>`,
    `<div id="plain" class="scene-free"></div>`,
  ].join("\n");

  it("flags display/visibility tweens whose target resolves to a .clip element", async () => {
    const js = [
      `tl.set("#s1", { visibility: "hidden" }, 1);`, // line 9
      `tl.to(".scene", { opacity: 0, display: "none", duration: 0.2 }, 1.8);`, // 10: class selector, two clips
      `const second = document.querySelector("#s2");`,
      `gsap.set(second, { "visibility": "visible" });`, // 12: variable from a lookup, quoted key
      `tl.fromTo(["#plain", "#s2"], { x: 0 }, { x: 10, display: "block" }, 1);`, // 13: array target, toVars
      `tl.to("div.clip#s1", { css: { display: "none" } }, 1);`, // 14: compound selector, css wrapper
    ].join("\n");
    const f = await lintFiles({ "index.html": page(body, js) });
    const hits = only(f, "gsap_animates_clip_element");
    expect(hits.map((x) => x.line)).toEqual([9, 10, 12, 13, 14]);
    expect(hits.every((x) => x.severity === "error" && x.file === "index.html")).toBe(true);
    expect(hits[0]!.message).toContain('animates visibility on the clip <div id="s1">');
    expect(hits[1]!.message).toMatch(/display on the clip <div id="s1"> \(and 1 more \.clip element\)/);
    expect(hits[0]!.hint).toMatch(/child wrapper/);
  });

  it("does not flag autoAlpha, other properties, or display/visibility on non-clip elements", async () => {
    const js = [
      `tl.to("#s1", { autoAlpha: 0, duration: 0.3 }, 0.7);`,
      `tl.set("#s2", { opacity: 0, x: 10 }, 1);`,
      `tl.set("#inner", { visibility: "hidden" }, 0.9);`, // a wrapper inside the clip is fine
      `tl.to(".wrap, #plain", { display: "none" }, 1);`,
      `tl.set(".scene-free", { visibility: "hidden" }, 1);`,
      `tl.set("#missing", { display: "none" }, 1);`,
      `const order = Array.from(".scene", { display: 1 });`,
      `const m = new Map(); m.set("display", { visibility: 1 });`,
      `// tl.set("#s1", { display: "none" });`,
    ].join("\n");
    const f = await lintFiles({ "index.html": page(body, js) });
    expect(only(f, "gsap_animates_clip_element")).toEqual([]);
  });

  it("resolves selectors in a sub-composition against that file's own elements", async () => {
    const sub = [
      `<template id="card-template">`,
      `<div data-composition-id="card" data-width="100" data-height="50">`,
      `<div id="face" class="clip" data-start="0" data-duration="1"></div>`,
      `<script>`,
      `const tl = gsap.timeline({ paused: true });`,
      `tl.set("#face", { display: "none" }, 0.5);`,
      `tl.set("#s1", { display: "none" }, 0.5);`,
      `window.__timelines = window.__timelines || {}; window.__timelines["card"] = tl;`,
      `</script></div></template>`,
    ].join("\n");
    const host = `<div id="s1" class="wrap" data-composition-id="card" data-composition-src="compositions/card.html" data-start="0" data-duration="1"></div>`;
    const f = await lintFiles({ "index.html": page(host), "compositions/card.html": sub });
    expect(only(f, "gsap_animates_clip_element").map((x) => [x.file, x.line])).toEqual([["compositions/card.html", 6]]);
  });
});

describe("timed_element_missing_clip_class", () => {
  it("warns on a timed scene or image without class clip", async () => {
    const body = [
      `<div id="title" class="big" data-start="0" data-duration="1"></div>`,
      `<img id="pic" src="a.png" data-start="1" data-duration="1">`,
    ].join("\n");
    const f = await lintFiles({ "index.html": page(body), "a.png": "" });
    const hits = only(f, "timed_element_missing_clip_class");
    expect(hits.map((x) => [x.line, x.severity, x.element])).toEqual([
      [3, "warning", '<div id="title">'],
      [4, "warning", '<img id="pic">'],
    ]);
    expect(hits[0]!.hint).toContain('class="clip big"');
    expect(hits[1]!.hint).toContain('class="clip"');
  });

  it("skips the root, composition hosts, inline compositions, media, clips and untimed elements", async () => {
    const body = [
      `<div id="ok" class="scene clip" data-start="0" data-duration="1"></div>`,
      `<div id="untimed" class="scene"></div>`,
      `<video id="v" src="a.mp4" muted playsinline data-start="0" data-duration="1"></video>`,
      `<audio id="a" src="a.wav" data-start="0" data-duration="1"></audio>`,
      `<div id="host" data-composition-id="card" data-composition-src="card.html" data-start="0" data-duration="1"></div>`,
      `<div id="inline" data-composition-id="inl" data-start="1" data-duration="1"><div class="x"></div></div>`,
    ].join("\n");
    const card = `<template id="card-template"><div data-composition-id="card" data-start="0" data-width="10" data-height="10" data-no-timeline></div></template>`;
    const f = await lintFiles({ "index.html": page(body, "", ` data-start="0"`), "card.html": card, "a.mp4": "", "a.wav": "" });
    expect(only(f, "timed_element_missing_clip_class")).toEqual([]);
  });
});

describe("imperative_media_control", () => {
  const body = [
    `<video id="vid" class="clip" src="a.mp4" muted playsinline data-start="0" data-duration="1"></video>`,
    `<audio id="snd" class="clip" src="a.wav" data-start="0" data-duration="1"></audio>`,
    `<div id="box"></div>`,
  ].join("\n");
  const files = (js: string) => ({ "index.html": page(body, js), "a.mp4": "", "a.wav": "" });

  it("flags play(), pause() and currentTime writes on <video>/<audio> elements", async () => {
    const js = [
      `const v = document.getElementById("vid");`, // line 9
      `v.play();`, // 10
      `document.querySelector("#snd").pause();`, // 11
      `v.currentTime = 1.5;`, // 12
      `document.querySelectorAll("video, audio").forEach((m) => m.pause());`, // 13
      `for (const a of document.querySelectorAll("audio")) a.currentTime += 1;`, // 14
      `const all = document.querySelectorAll("video"); all[0]?.play();`, // 15
    ].join("\n");
    const f = await lintFiles(files(js));
    const hits = only(f, "imperative_media_control");
    expect(hits.map((x) => x.line)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(hits.every((x) => x.severity === "error")).toBe(true);
    expect(hits[0]!.message).toContain('<video id="vid"> with .play()');
    expect(hits[1]!.message).toContain('<audio id="snd"> with .pause()');
    expect(hits[2]!.message).toContain("a .currentTime assignment");
    expect(hits[0]!.hint).toMatch(/data-media-start/);
  });

  it("does not flag timelines, the player, animations or non-media elements", async () => {
    const js = [
      `tl.pause(); tl.play(); tl.pause(0).play();`,
      `const intro = gsap.timeline({ paused: true }); intro.play(); intro.pause();`,
      `gsap.globalTimeline.pause(); window.__player.play();`,
      `const box = document.getElementById("box"); box.pause && box.pause();`,
      `const anim = box.animate([{ opacity: 0 }, { opacity: 1 }], 1000); anim.pause(); anim.currentTime = 500;`,
      `let clip = document.getElementById("vid"); clip = gsap.timeline(); clip.pause();`,
      `const player = document.getElementById("vid"); [tl].forEach((player) => player.pause());`, // shadowed by a parameter
      `document.querySelectorAll("video").forEach((x) => x.muted); Object.values(window.__timelines).forEach((x) => x.pause());`,
      `const state = { currentTime: 0 }; state.currentTime = 2;`,
      `if (v.currentTime === 0) tl.play();`,
      `// document.getElementById("vid").play();`,
    ].join("\n");
    const f = await lintFiles(files(js));
    expect(only(f, "imperative_media_control")).toEqual([]);
  });
});

describe("subcomposition_root_styled_by_class", () => {
  const sub = (root: string, css: string) =>
    [
      `<template id="card-template">`,
      `${root}`,
      `<style>`,
      css,
      `</style>`,
      `<div class="title">t</div>`,
      `</div></template>`,
    ].join("\n");
  const host = `<div id="h" class="clip" data-composition-id="card" data-composition-src="compositions/card.html" data-start="0" data-duration="1"></div>`;

  it("warns when a sub-composition's CSS targets its root by class", async () => {
    const css = [
      `.card { width: 100px; }`, // line 4
      `.title { color: red; }`,
      `@media (min-width: 10px) { body .card.dark::before { content: ""; } }`, // 6
      `.card .title,`, // 7
      `div.card { height: 50px; }`, // 8
    ].join("\n");
    const f = await lintFiles({
      "index.html": page(host),
      "compositions/card.html": sub(`<div class="card dark" data-composition-id="card" data-width="100" data-height="50" data-no-timeline>`, css),
    });
    const hits = only(f, "subcomposition_root_styled_by_class");
    expect(hits.map((x) => [x.file, x.line])).toEqual([
      ["compositions/card.html", 4],
      ["compositions/card.html", 6],
      ["compositions/card.html", 7],
      ["compositions/card.html", 8],
    ]);
    expect(hits[0]!.severity).toBe("warning");
    expect(hits[0]!.message).toContain('[data-composition-id="card"] .card');
    expect(hits[0]!.hint).toContain("#root");
  });

  it("does not flag #id, child classes, hand-scoped selectors or the top-level root", async () => {
    const css = [
      `#root { width: 100px; }`,
      `#root.card { height: 50px; }`,
      `.title, .card-title, .cardx { color: red; }`,
      `[data-composition-id="card"].card { color: blue; }`,
      `@keyframes card { from { opacity: 0; } }`,
      `/* .card { width: 1px; } */`,
    ].join("\n");
    const f = await lintFiles({
      "index.html": page(host).replace("<body>", "<head><style>.stage { background: #000; }</style></head><body>").replace(`id="stage"`, `id="stage" class="stage"`),
      "compositions/card.html": sub(`<div id="root" class="card" data-composition-id="card" data-width="100" data-height="50" data-no-timeline>`, css),
    });
    expect(only(f, "subcomposition_root_styled_by_class")).toEqual([]);
  });

  it("reads selectors as CSS does: escaped class names, commas inside :is(), rules in @starting-style", async () => {
    const css = [
      `.card\\/50 { width: 1px; }`, // line 4: the class is "card/50"
      `:is(.x, .y) .title, /* the root */ .card { color: red; }`, // 5
      `@starting-style { .card { opacity: 0; } }`, // 6
    ].join("\n");
    const f = await lintFiles({
      "index.html": page(host),
      "compositions/card.html": sub(`<div class="card" data-composition-id="card" data-width="100" data-height="50" data-no-timeline>`, css),
    });
    expect(only(f, "subcomposition_root_styled_by_class").map((x) => x.line)).toEqual([5, 6]);
  });
});

describe("gsap_repeat_ceil_overshoot", () => {
  it("warns when a repeat count is computed with Math.ceil", async () => {
    const js = [
      `tl.to("#stage", { x: 5, duration: 0.5, repeat: Math.ceil(2 / 0.5) - 1 }, 0);`, // 7
      `const reps = Math.ceil(2 / 0.3) - 1;`,
      `tl.to("#stage", {`,
      `  y: 5, duration: 0.3, repeat: reps, yoyo: true }, 0);`, // 10
      `tl.to("#stage", { rotation: 5, repeat: Math.max(0, Math.ceil(2 / 0.7) - 1) }, 0);`, // 11
    ].join("\n");
    const f = await lintFiles({ "index.html": page("", js) });
    const hits = only(f, "gsap_repeat_ceil_overshoot");
    expect(hits.map((x) => [x.line, x.severity])).toEqual([
      [7, "warning"],
      [10, "warning"],
      [11, "warning"],
    ]);
    expect(hits[1]!.message).toContain("uses reps, which is computed with Math.ceil");
    expect(hits[0]!.hint).toContain("Math.floor");
  });

  it("does not flag floor-based repeats or unrelated Math.ceil", async () => {
    const js = [
      `tl.to("#stage", { x: 5, repeat: Math.max(0, Math.floor(2 / 0.5) - 1) }, 0);`,
      `const cols = Math.ceil(7 / 2);`,
      `tl.to("#stage", { y: 5, repeat: 3, repeatDelay: Math.ceil(0.2) }, 0);`,
      `const bar = "-".repeat(Math.ceil(cols));`,
      `// tl.to("#stage", { repeat: Math.ceil(2) });`,
    ].join("\n");
    const f = await lintFiles({ "index.html": page("", js) });
    expect(only(f, "gsap_repeat_ceil_overshoot")).toEqual([]);
  });
});

describe("new rules stay quiet on the shipped examples and templates", () => {
  const dirs = [
    ...readdirSync(path.join(root, "examples")).map((d) => path.join(root, "examples", d)),
    ...readdirSync(path.join(root, "templates")).map((d) => path.join(root, "templates", d)),
  ].filter((d) => existsSync(path.join(d, "index.html")));
  const codes = [
    "gsap_animates_clip_element",
    "timed_element_missing_clip_class",
    "imperative_media_control",
    "subcomposition_root_styled_by_class",
    "gsap_repeat_ceil_overshoot",
    "missing_gsap_script",
    "nested_structure_needs_subcomposition",
  ];
  for (const d of dirs)
    it(path.relative(root, d), async () => {
      const r = await lintProject(d);
      expect(r.findings.filter((f) => codes.includes(f.code))).toEqual([]);
    });
});

describe("missing_gsap_script", () => {
  const noGsap = (js: string, head = ""): string =>
    [
      `<!doctype html><html><head>${head}</head><body>`,
      `<div id="stage" data-composition-id="m" data-width="320" data-height="180" data-duration="2"></div>`,
      `<script>`,
      `const tl = gsap.timeline({ paused: true });`,
      js,
      `window.__timelines = window.__timelines || {}; window.__timelines["m"] = tl;`,
      `</script></body></html>`,
    ].join("\n");
  const lint = async (files: Record<string, string>): Promise<LintFinding[]> => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hf-lint-gsap-"));
    try {
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        writeFileSync(path.join(dir, rel), text);
      }
      return (await lintProject(dir)).findings;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("is an error at the first GSAP call when nothing loads GSAP (the page would render a still)", async () => {
    const f = await lint({ "index.html": noGsap(`tl.to("#stage", { x: 10, duration: 1 });`) });
    expect(only(f, "missing_gsap_script")).toEqual([
      expect.objectContaining({ severity: "error", file: "index.html", line: 4, element: "<script>" }),
    ]);
    expect(only(f, "missing_gsap_script")[0]!.message).toMatch(/gsap\.timeline\(\).*never loads GSAP/);
  });

  it("finds a call in a sub-composition or a local script file too", async () => {
    const sub = `<template id="c-template"><div data-composition-id="c" data-width="10" data-height="10"><script>
gsap.set(".x", { x: 1 });
</script></div></template>`;
    const page = `<!doctype html><html><body><div data-composition-id="m" data-width="10" data-height="10" data-duration="1" data-no-timeline>
<div id="h" data-composition-id="c" data-composition-src="c.html" data-start="0" data-duration="1"></div></div></body></html>`;
    const f = await lint({ "index.html": page, "c.html": sub });
    expect(only(f, "missing_gsap_script").map((x) => [x.file, x.line])).toEqual([["c.html", 2]]);
    const g = await lint({ "index.html": noGsap("", `<script src="js/main.js"></script>`).replace(/<script>[\s\S]*<\/script>/, ""), "js/main.js": "gsap.to('.a', { x: 1 });" });
    expect(only(g, "missing_gsap_script").map((x) => x.element)).toEqual(['<script src="js/main.js">']);
  });

  it("is quiet when GSAP is loaded: a gsap script (local, remote, or by a sub-composition), a bundle, a module import", async () => {
    const stub = "/* stand-in */";
    expect(only(await lint({ "index.html": noGsap("", `<script src="gsap.min.js"></script>`), "gsap.min.js": stub }), "missing_gsap_script")).toEqual([]);
    expect(only(await lint({ "index.html": noGsap("", `<script src="https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"></script>`) }), "missing_gsap_script")).toEqual([]);
    // a local bundle that contains the library
    expect(
      only(await lint({ "index.html": noGsap("", `<script src="vendor.js"></script>`), "vendor.js": "/*! GreenSock GSAP 3 */ var gsap = {};" }), "missing_gsap_script"),
    ).toEqual([]);
    expect(only(await lint({ "index.html": noGsap("").replace("<script>", `<script type="module">import { gsap } from "./gsap-core.js";`) }), "missing_gsap_script")).toEqual([]);
    // the page shares GSAP with its sub-compositions, whichever file loads it
    const sub = `<template id="c-template"><div data-composition-id="c" data-width="10" data-height="10"><script src="../gsap.min.js"></script></div></template>`;
    const page = noGsap("").replace(
      `data-duration="2"></div>`,
      `data-duration="2"><div id="h" data-composition-id="c" data-composition-src="parts/c.html" data-start="0" data-duration="1"></div></div>`,
    );
    expect(only(await lint({ "index.html": page, "parts/c.html": sub, "gsap.min.js": stub }), "missing_gsap_script")).toEqual([]);
  });
});

describe("nested_structure_needs_subcomposition", () => {
  it("warns on a timeline element of the root that holds nested layout (as the official lint)", async () => {
    const body = [
      `<div id="scene" class="clip" data-start="0" data-duration="1"><div id="panel"><b>hi</b></div></div>`, // line 3
      `<div class="wrap">`,
      `  <section id="deep" class="clip" data-start="1" data-duration="1"><span><p>text</p></span></section>`, // 5: through an untimed wrapper and a span
      `</div>`,
    ].join("\n");
    const f = await lintFiles({ "index.html": page(body) });
    expect(only(f, "nested_structure_needs_subcomposition").map((x) => [x.line, x.element, x.severity])).toEqual([
      [3, '<div id="scene">', "warning"],
      [5, '<section id="deep">', "warning"],
    ]);
    expect(only(f, "nested_structure_needs_subcomposition")[0]!.message).toContain('nested <div id="panel">');
  });

  it("is quiet on inline text, opaque elements, media, hosts, untimed wrappers and sub-composition files", async () => {
    const body = [
      `<div id="a" class="clip" data-start="0" data-duration="1"><span>one <b>two</b></span><br><script>void 0</script></div>`,
      `<svg id="c" class="clip" data-start="0" data-duration="1"><g><rect/></g></svg>`,
      `<div class="wrap"><div class="inner"><img id="i" src="x.png"></div></div>`,
      `<div id="h" data-composition-id="c" data-composition-src="c.html" data-start="0" data-duration="1"></div>`,
    ].join("\n");
    const sub = `<template id="c-template"><div data-composition-id="c" data-width="10" data-height="10"><div id="s" class="clip" data-start="0" data-duration="1"><div>nested</div></div></div></template>`;
    const f = await lintFiles({ "index.html": page(body), "c.html": sub, "x.png": "" });
    expect(only(f, "nested_structure_needs_subcomposition")).toEqual([]);
  });
});
