/**
 * `hyperframes init` sets a project up for an AI coding agent: AGENTS.md, CLAUDE.md and
 * .cursor/rules/hyperframes.mdc. Each template is then taken through its own AGENTS.md loop with the real CLI
 * (the lint and snapshot commands are read from the file and run as written; the render command with
 * `--frames 0:2` to keep it short): lint clean, stills written, a draft render. Plus: the lint code list is the
 * lint module's, the fonts are the catalog's, and --no-agent-files writes none.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli } from "./helpers/cli.js";
import { probeFile } from "./helpers/media.js";
import { LINT_CODES } from "../src/compose/lint.js";
import { LINT_FIXES } from "../src/compose/lint-fixes.js";
import { BUNDLED_FAMILIES } from "../src/compose/fonts/catalog.js";
import { AGENT_FILES, snapshotMoments } from "../src/init/agent-files.js";
import { initProject } from "../src/init/templates.js";

const TEMPLATES = ["blank", "title-card", "data-chart"] as const;
let tmp: string;

/** Run a command line as AGENTS.md writes it (`hyperframes …`), with this checkout's CLI, in `cwd`. */
function run(line: string, cwd: string) {
  const args = line.trim().split(/\s+/);
  expect(args[0]).toBe("hyperframes");
  return cli(args.slice(1), { cwd, timeout: 180_000 });
}

/** The commands of the "## The loop" code block. */
function loopCommands(agents: string): string[] {
  const block = /## The loop[^\n]*\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(agents)?.[1] ?? "";
  return block
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean);
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "hf-agents-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("AGENTS.md content", () => {
  it("lists every lint code with a fix (the lint module's own list), and the catalog's bundled fonts", () => {
    expect(Object.keys(LINT_FIXES).sort()).toEqual(Object.keys(LINT_CODES).sort());
    const dir = path.join(tmp, "content");
    initProject(dir, { template: "blank" });
    const agents = readFileSync(path.join(dir, "AGENTS.md"), "utf8");
    for (const code of Object.keys(LINT_CODES)) expect(agents, code).toContain(`| \`${code}\` |`);
    for (const f of BUNDLED_FAMILIES) expect(agents, f.name).toContain(f.name);
    expect(agents).toMatch(/Arial.* → Inter/);
    expect(agents).toContain('window.__timelines["main"] = tl');
    expect(agents).toMatch(/gsap\.timeline\(\{ paused: true \}\)/);
    expect(agents).toMatch(/data-composition-src/);
    expect(agents).toMatch(/getVariables\(\)/);
    expect(agents).toMatch(/Math\.random\(\)/);
    expect(agents.split("\n").length).toBeLessThan(160);
  });

  it("snapshot moments fall inside the composition", () => {
    expect(snapshotMoments(4)).toEqual([0.5, 2, 3.5]);
    expect(snapshotMoments(1)).toEqual([0.3, 0.5, 0.8]);
    for (const d of [0.2, 1, 5, 61]) for (const t of snapshotMoments(d)) expect(t).toBeLessThan(d);
  });

  it("--no-agent-files writes none; an existing CLAUDE.md is kept", () => {
    const none = path.join(tmp, "none");
    const r = cli(["init", none, "--no-agent-files", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of AGENT_FILES) expect(existsSync(path.join(none, f)), f).toBe(false);
    expect(r.json!.files).not.toContain("AGENTS.md");

    const mine = path.join(tmp, "mine");
    initProject(mine, { template: "blank", agentFiles: false });
    writeFileSync(path.join(mine, "CLAUDE.md"), "my own notes\n");
    const res = initProject(mine, { template: "blank", force: true });
    expect(readFileSync(path.join(mine, "CLAUDE.md"), "utf8")).toBe("my own notes\n");
    expect(res.files).toContain("AGENTS.md");
    expect(res.files).not.toContain("CLAUDE.md");
  });
});

describe("each template, following its own AGENTS.md", () => {
  for (const t of TEMPLATES) {
    it(`${t}: agent files exist and name the loop; lint is clean, the stills are written, a draft render works`, () => {
      const dir = path.join(tmp, `agent-${t}`);
      const init = run(`hyperframes init ${dir} --template ${t} --json`, tmp);
      expect(init.code, init.stderr).toBe(0);
      for (const f of AGENT_FILES) expect(init.json!.files, f).toContain(f);
      const agents = readFileSync(path.join(dir, "AGENTS.md"), "utf8");
      const loop = loopCommands(agents);
      expect(loop).toHaveLength(3);
      expect(loop[0]).toBe("hyperframes lint . --json");
      expect(loop[1]).toMatch(/^hyperframes snapshot \. --at [\d.,]+ --json$/);
      expect(loop[2]).toBe("hyperframes render . --quality draft --json");
      // the pointer files name the same commands
      for (const f of ["CLAUDE.md", ".cursor/rules/hyperframes.mdc"]) {
        const text = readFileSync(path.join(dir, f), "utf8");
        expect(text, f).toContain("AGENTS.md");
        for (const c of loop) expect(text, `${f}: ${c}`).toContain(c);
      }
      expect(readFileSync(path.join(dir, ".cursor/rules/hyperframes.mdc"), "utf8")).toMatch(/^---\ndescription: .+\nalwaysApply: true\n---\n/);

      const lint = run(loop[0]!, dir);
      expect(lint.code, lint.stdout).toBe(0);
      expect(lint.json).toMatchObject({ type: "lint", ok: true, errorCount: 0, warningCount: 0 });

      const snap = run(loop[1]!, dir);
      expect(snap.code, snap.stderr).toBe(0);
      expect(snap.json!.ok).toBe(true);
      const at = loop[1]!.split("--at ")[1]!.split(" ")[0]!.split(",");
      expect(snap.json!.files.map((f: { name: string }) => f.name)).toEqual(at.map((s) => `at-${s}s.png`));
      for (const f of snap.json!.files) {
        expect(f.path.startsWith(path.join(dir, "renders", "snapshots"))).toBe(true);
        const p = probeFile(f.path).video;
        expect([p.codec_name, p.width, p.height]).toEqual(["png", snap.json!.width, snap.json!.height]);
      }

      // the render step as written, on its first two frames only (1080p is slow on this machine)
      const render = run(`${loop[2]} --frames 0:2`, dir);
      expect(render.code, render.stderr).toBe(0);
      expect(render.json).toMatchObject({ type: "result", ok: true, frames: 2, format: "mp4" });
      expect(path.basename(render.json!.output)).toMatch(new RegExp(`^agent-${t}_\\d{8}_\\d{6}\\.mp4$`));
    });
  }
});
