/** Lint: every broken project under test/fixtures/bad produces exactly the codes its expected.json lists. */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatFinding, lintProject, LINT_CODES, stripJsComments } from "../src/compose/lint.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
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
  it("the good fixture is clean", async () => {
    expect((await lintProject(good)).findings).toEqual([]);
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
        `<!doctype html><html><body><div data-composition-id="m" data-width="10" data-height="10" data-duration="1"></div>\n<script>\n${js}\nwindow.__timelines = window.__timelines || {}; window.__timelines["m"] = tl;\n</script></body></html>`,
      );
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
  it("does not flag deterministic code or comments", async () => {
    expect(await lintScript("const tl = 1; const d = new Date(2024, 0, 1); const f = new DateFormatter(); // Math.random()\n/* Date.now() */ const r = mulberry32(7)();")).toEqual([]);
    expect(await lintScript("const tl = gsap.timeline({ repeat: 3 });")).toEqual([]);
  });
});
