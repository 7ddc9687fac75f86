/**
 * `hyperframes render` as a user runs it (node bin/hyperframes.js): invalid flags fail fast with a
 * one-line error naming the flag (exit 1, no stack trace), --strict-variables names the unknown variable,
 * --json prints progress events and a result, and Ctrl-C mid-render exits 130 leaving no output, no
 * partial file and no Chrome/FFmpeg processes.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, REPO, cell, cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { cli as runCli } from "./helpers/cli.js";
import { isBrowserProcess, isFfmpegProcess, listChildProcesses, listProcesses, waitFor, type ProcInfo } from "./helpers/processes.js";
import { probeFile } from "./helpers/media.js";

afterAll(() => cleanupProjects());

const VARS = [{ id: "title", type: "string", label: "Title", default: "Hi" }];

const cli = (args: string[], timeout = 60_000) => runCli(args, { timeout, env: { NO_COLOR: "1" } });

let project: string;
beforeAll(() => {
  if (!existsSync(path.join(REPO, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does)");
  project = makeProject(
    {
      "index.html": page({
        htmlAttrs: `data-composition-variables='${JSON.stringify(VARS)}'`,
        rootAttrs: "data-no-timeline",
        gsap: false,
        body: cell("sq", 0, 0, "rgb(255,255,255)"),
      }),
    },
    { gsap: false },
  );
});

describe("invalid flags: exit 1, one error line naming the flag, no stack trace", () => {
  const cases: [string, string[], RegExp][] = [
    ["--fps 0", ["--fps", "0"], /--fps/],
    ["--fps 2.5", ["--fps", "2.5"], /--fps/],
    ["--format avi", ["--format", "avi"], /--format/],
    ["--quality ultra", ["--quality", "ultra"], /--quality/],
    ["bad --variables JSON", ["--variables", "{bad"], /--variables/],
    ["--workers 0", ["--workers", "0"], /--workers/],
  ];
  for (const [name, flags, names] of cases) {
    it(name, () => {
      const out = path.join(tempDir("hf-cli-out-"), "x.mp4");
      const r = cli(["render", project, "-o", out, ...flags]);
      expect(r.code, r.stderr).toBe(1);
      const errorLines = r.stderr.split("\n").filter((l) => /^error:/.test(l));
      expect(errorLines, r.stderr).toHaveLength(1);
      expect(errorLines[0]).toMatch(names);
      expect(r.stderr, "no stack trace").not.toMatch(/^\s+at\s/m);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("a root size or length out of range is refused, saying the limit, before anything renders (no silent default)", () => {
    for (const [attrs, limit] of [
      ['data-width="100000" data-height="180" data-duration="0.1"', /data-width="100000".*between 1 and 16384/],
      ['data-width="160" data-height="90" data-duration="-2"', /data-duration="-2".*non-negative number of seconds/],
    ] as const) {
      const dir = makeProject({ "index.html": `<!doctype html><html><body><div id="root" data-composition-id="m" ${attrs} data-no-timeline></div></body></html>` }, { gsap: false });
      const out = path.join(tempDir(), "x.mp4");
      const r = cli(["render", dir, "-o", out]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(limit);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("--strict-variables with an undeclared variable names it", () => {
    const r = cli(["render", project, "-o", path.join(tempDir("hf-cli-out-"), "x.mp4"), "--strict-variables", "--variables", '{"subtitle":"x"}']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error:.*"subtitle"/m);
    expect(r.stderr).not.toMatch(/^\s+at\s/m);
  });

  it("without --strict-variables an undeclared variable is only a warning", () => {
    const out = path.join(tempDir("hf-cli-out-"), "x.mp4");
    const varsFile = path.join(tempDir("hf-cli-vars-"), "vars.json");
    writeFileSync(varsFile, JSON.stringify({ subtitle: "x" }));
    const r = cli(["render", project, "-o", out, "--quality", "draft", "--frames", "0:3", "--variables-file", varsFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/subtitle/);
    expect(probeFile(out).frames).toBe(3);
  });
});

describe("--json", () => {
  it("prints progress events and a final result on stdout", () => {
    const out = path.join(tempDir("hf-cli-out-"), "j.mp4");
    const r = cli(["render", project, "-o", out, "--quality", "draft", "--frames", "0:5", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.some((e) => e.type === "progress" && e.phase === "capture")).toBe(true);
    const result = events[events.length - 1]!;
    expect(result).toMatchObject({ type: "result", frames: 5, fps: 30, width: 320, height: 180, format: "mp4" });
    expect(result.output).toBe(out);
    expect(probeFile(out).frames).toBe(5);
  });
});

describe("--quiet", () => {
  it("prints no progress, only the result line", () => {
    const out = path.join(tempDir("hf-cli-out-"), "q.mp4");
    const loud = cli(["render", project, "-o", out, "--quality", "draft", "--frames", "0:3"]);
    expect(loud.stderr).toMatch(/frames \(/);
    const r = cli(["render", project, "-o", out, "--quality", "draft", "--frames", "0:3", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe("");
    expect(r.stdout).toMatch(/^rendered .*q\.mp4.*3 frames/);
  });
});

function alive(pid: number): boolean {
  const p = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" });
  const stat = p.stdout.trim();
  return stat !== "" && !stat.startsWith("Z");
}

describe("Ctrl-C mid-render", () => {
  it("exits 130 and leaves no output, no .hf-tmp- file and no Chrome/FFmpeg processes", async () => {
    const long = makeProject({
      "index.html": page({
        duration: 30,
        body: `<div id="box" style="position:absolute;left:0;top:0;width:40px;height:40px;background:#fff"></div>`,
        script: `
          const tl = gsap.timeline({ paused: true });
          tl.to("#box", { x: 280, rotation: 720, duration: 30, ease: "none" }, 0);
          window.__timelines = window.__timelines || {};
          window.__timelines["main"] = tl;`,
      }),
    });
    const outDir = tempDir("hf-cli-out-");
    const out = path.join(outDir, "interrupted.mp4");
    const child = spawn(process.execPath, [CLI, "render", long, "-o", out, "--quality", "draft", "--json", "--workers", "2"], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const capturing = new Promise<void>((resolve) => {
      child.stdout!.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (/"type":"progress"[^\n]*"phase":"capture"/.test(stdout)) resolve();
      });
    });
    await Promise.race([capturing, exited.then(() => Promise.reject(new Error(`the render ended before capturing: ${stderr}`)))]);

    // everything the CLI started: Chrome (and its helpers) and FFmpeg
    const started: ProcInfo[] = listChildProcesses(child.pid!);
    expect(started.some(isBrowserProcess), `Chrome is running under the CLI: ${started.map((p) => p.comm).join(", ")}`).toBe(true);
    expect(started.some(isFfmpegProcess), "FFmpeg is running under the CLI").toBe(true);

    const t0 = Date.now();
    child.kill("SIGINT");
    const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000))]);
    if (code === "timeout") child.kill("SIGKILL");
    expect(code, `exit code after Ctrl-C; stderr:\n${stderr}`).toBe(130);
    expect(Date.now() - t0, "stops promptly").toBeLessThan(10_000);

    expect(existsSync(out), "no output file").toBe(false);
    expect(readdirSync(outDir).filter((f) => f.includes(".hf-tmp-")), "no partial file").toEqual([]);
    const left = await waitFor(() => {
      const still = started.filter((p) => alive(p.pid) && listProcesses().some((q) => q.pid === p.pid && q.comm === p.comm));
      return still.length === 0 ? [] : null;
    }, 5000);
    if (!left) {
      const still = started.filter((p) => alive(p.pid));
      expect(still.map((p) => `${p.pid} ${p.comm}`), "processes the CLI started are still running").toEqual([]);
    }
    expect(stderr, "says it is stopping").toMatch(/cancel|stopping/i);
  });
});
