/**
 * Kill it any way (issue 13 §4): the CLI killed mid-render with `kill -9` leaves no Chrome or FFmpeg running
 * (they exit by themselves: the browser's DevTools pipe and the encoder's stdin close with the process, and
 * FFmpeg helpers run tethered to a pipe), and the next render sweeps the partial output and temp folders it
 * left, never a live process's; SIGHUP (an SSH disconnect) and SIGTERM stop a render like Ctrl-C (exit 130,
 * nothing left); one naming scheme for partial outputs serves render, snapshot and the preview's watcher.
 * Real CLI (bin/hyperframes.js → dist/), real Chrome and FFmpeg, each child with its own TMPDIR.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, REPO, cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { isBrowserProcess, isFfmpegProcess, listChildProcesses, listProcesses, waitFor, type ProcInfo } from "./helpers/processes.js";
import { PARTIAL_OUTPUT_GLOBS, isPartialOutputName, ownerPid, partialOutputPath, sweepStaleTemps } from "../src/render/temp-files.js";
import { tempOutputPath } from "../src/render/output-files.js";
import { isIgnored } from "../src/preview/plugin.js";

afterAll(() => cleanupProjects());

beforeAll(() => {
  if (!existsSync(path.join(REPO, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does)");
});

/** 60 s of a moving box at 320x180: long enough to be killed mid-capture. */
const longProject = () =>
  makeProject({
    "index.html": page({
      duration: 60,
      body: `<div id="box" style="position:absolute;left:0;top:0;width:40px;height:40px;background:#fff"></div>`,
      script: `
        const tl = gsap.timeline({ paused: true });
        tl.to("#box", { x: 280, rotation: 720, duration: 60, ease: "none" }, 0);
        window.__timelines = window.__timelines || {};
        window.__timelines["main"] = tl;`,
    }),
  });

interface Run {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** The CLI rendering `project` to `out`, with its own TMPDIR; resolves once frames are being captured. */
async function renderUntilCapturing(project: string, out: string, tmp: string, extra: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, [CLI, "render", project, "-o", out, "--quality", "draft", "--json", ...extra], {
    cwd: REPO,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const capturing = new Promise<void>((resolve) =>
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (/"type":"progress"[^\n]*"phase":"capture"/.test(stdout)) resolve();
    }),
  );
  await Promise.race([capturing, exited.then(() => Promise.reject(new Error(`the render ended before capturing: ${stderr}`)))]);
  return { child, exited, stderr: () => stderr };
}

/** Processes whose command line names one of `marks` (the run's TMPDIR, its output folder). Zombies have no args. */
const mentioning = (marks: string[]): ProcInfo[] => listProcesses().filter((p) => marks.some((m) => p.args.includes(m)));

/** Wait up to `ms` for no process to mention `marks`; returns how long it took (or undefined: some are left). */
async function goneWithin(marks: string[], ms: number): Promise<number | undefined> {
  const t0 = Date.now();
  const ok = await waitFor(() => mentioning(marks).length === 0, ms, 100);
  return ok ? Date.now() - t0 : undefined;
}

/** A pid that no process has (a child that has already exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "0"]);
  return r.pid;
}

describe("kill -9 mid-render", () => {
  it("Chrome and FFmpeg exit by themselves, and the next render sweeps the partial output and temp folders (never a live process's)", async () => {
    const project = longProject();
    const tmp = tempDir("hf-kill-tmp-");
    const outDir = path.join(tempDir("hf-kill-out-"), "out");
    const run = await renderUntilCapturing(project, path.join(outDir, "killed.mp4"), tmp, ["--workers", "2"]);
    const pid = run.child.pid!;

    const started = listChildProcesses(pid);
    expect(started.some(isBrowserProcess), `Chrome runs under the CLI: ${started.map((p) => p.comm).join(", ")}`).toBe(true);
    expect(started.some(isFfmpegProcess), "FFmpeg runs under the CLI").toBe(true);
    // every process the render started names its temp folder (browser profiles) or the output folder (FFmpeg)
    for (const p of started.filter((q) => isBrowserProcess(q) || isFfmpegProcess(q)))
      expect(p.args.includes(tmp) || p.args.includes(outDir), `${p.comm} names the run's temp or output folder: ${p.args.slice(0, 200)}`).toBe(true);
    // what a kill leaves: the partial output and the temp folders, each with the owner's pid in its name
    const partial = readdirSync(outDir);
    expect(partial.length).toBe(1);
    expect(partial[0]).toMatch(new RegExp(`^\\.killed\\.mp4\\.hf-tmp-${pid}-`));
    const temps = readdirSync(tmp);
    expect(temps.some((t) => t.startsWith(`hyperframes-render-${pid}-`)), temps.join(", ")).toBe(true);
    expect(temps.some((t) => t.startsWith(`hyperframes-profile-${pid}-`)), temps.join(", ")).toBe(true);

    run.child.kill("SIGKILL");
    await run.exited;
    const took = await goneWithin([tmp, outDir], 5000);
    const left = mentioning([tmp, outDir]).map((p) => `${p.pid} ${p.comm}`);
    console.log(`kill -9: ${started.length} processes under the CLI; ${left.length} left after ${took ?? 5000} ms`);
    expect(left, "Chrome/FFmpeg processes still running 5 s after kill -9").toEqual([]);

    // litter the sweep must leave alone: a live process's (this test's pid), and names not of the scheme
    const dead = deadPid();
    const live = [path.join(outDir, `.keep.mp4.hf-tmp-${process.pid}-abc`), path.join(tmp, `hyperframes-render-${process.pid}-AbCdEf`)];
    const foreign = [path.join(outDir, ".keep.mp4.hf-tmp-notapid"), path.join(outDir, `notes-${dead}.txt`), path.join(tmp, "hyperframes-render-QwErTy"), path.join(tmp, `other-${dead}-AbCdEf`)];
    writeFileSync(live[0]!, "");
    mkdirSync(live[1]!);
    for (const f of foreign) writeFileSync(f, "");
    mkdirSync(path.join(tmp, `hyperframes-frames-${dead}-ZxCvBn`));

    const next = spawnSync(process.execPath, [CLI, "render", project, "-o", path.join(outDir, "next.mp4"), "--quality", "draft", "--frames", "0:3"], {
      cwd: REPO,
      env: { ...process.env, TMPDIR: tmp },
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(next.status, next.stderr).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual([...[live[0]!, ...foreign.filter((f) => f.startsWith(outDir))].map((f) => path.basename(f)), "next.mp4"].sort());
    expect(readdirSync(tmp).sort(), "the killed run's temp folders are gone; a live process's and foreign names stay").toEqual(
      [live[1]!, ...foreign.filter((f) => f.startsWith(tmp))].map((f) => path.basename(f)).sort(),
    );
  });

  it("an FFmpeg helper (frame extraction, audio mix, gif pass, verification) dies with the process that started it", async () => {
    const dir = tempDir("hf-kill-ffmpeg-");
    // runFfmpeg as render uses it, from the built package, on an input that would run for a minute
    const script = `
      import { runFfmpeg } from ${JSON.stringify(path.join(REPO, "dist", "render", "ffmpeg.js"))};
      runFfmpeg(["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=32x32:rate=10", "-t", "60", "-f", "nut", ${JSON.stringify(path.join(dir, "out.nut"))}], undefined, (t) => new Error(t));
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" });
    const running = await waitFor(() => mentioning([dir]).some(isFfmpegProcess), 15_000, 100);
    expect(running, "FFmpeg started").toBe(true);
    child.kill("SIGKILL");
    const took = await goneWithin([dir], 5000);
    console.log(`kill -9 of the FFmpeg helper's parent: gone after ${took ?? "more than 5000"} ms`);
    expect(mentioning([dir]).map((p) => `${p.pid} ${p.comm}`), "FFmpeg still running 5 s after its parent was killed").toEqual([]);
  });
});

describe("SIGHUP and SIGTERM mid-render", () => {
  for (const signal of ["SIGHUP", "SIGTERM"] as const)
    it(`${signal} exits 130 like Ctrl-C, leaving no output, partial file, temp folder or process`, async () => {
      const tmp = tempDir("hf-kill-tmp-");
      const outDir = tempDir("hf-kill-out-");
      const out = path.join(outDir, "stopped.mp4");
      const run = await renderUntilCapturing(longProject(), out, tmp, ["--workers", "1"]);
      const started = listChildProcesses(run.child.pid!);
      expect(started.some(isBrowserProcess) && started.some(isFfmpegProcess), started.map((p) => p.comm).join(", ")).toBe(true);
      const t0 = Date.now();
      run.child.kill(signal);
      const code = await Promise.race([run.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000))]);
      if (code === "timeout") run.child.kill("SIGKILL");
      expect(code, `exit code after ${signal}; stderr:\n${run.stderr()}`).toBe(130);
      expect(Date.now() - t0, "stops promptly").toBeLessThan(10_000);
      expect(run.stderr()).toMatch(/cancelled/i);
      expect(readdirSync(outDir), "no output, no partial file").toEqual([]);
      expect(readdirSync(tmp), "no temp folder").toEqual([]);
      expect(await goneWithin([tmp, outDir], 5000), "no Chrome/FFmpeg left").not.toBeUndefined();
    });
});

describe("one naming scheme for partial outputs", () => {
  it("render's and snapshot's partial names carry the owner pid, are hidden, have no media extension, and the preview's watcher ignores them", () => {
    const project = tempDir("hf-kill-names-");
    for (const target of [path.join(project, "renders", "clip.mp4"), path.join(project, "clip.webm"), path.join(project, "stills", "frame-0001.png"), path.join(project, "frames")]) {
      const tmp = tempOutputPath(target);
      expect(tmp).toBe(tmp.replace(/\.(mp4|webm|mov|gif|png)$/, ""));
      const name = path.basename(tmp);
      expect(name.startsWith(`.${path.basename(target)}.hf-tmp-${process.pid}-`), name).toBe(true);
      expect(isPartialOutputName(name)).toBe(true);
      expect(ownerPid(name)).toBe(process.pid);
      expect(path.basename(partialOutputPath(target)).startsWith(`.${path.basename(target)}.hf-tmp-`)).toBe(true);
      const rel = path.relative(project, tmp).split(path.sep).join("/");
      expect(isIgnored(rel), `the preview reloads for ${rel}`).toBe(true);
      expect(isIgnored(`${rel}/0001.png`), "a file inside a partial png-sequence folder").toBe(true);
      expect(picomatch([...PARTIAL_OUTPUT_GLOBS])(rel), `the watcher's globs miss ${rel}`).toBe(true);
    }
    for (const kept of ["clip.mp4", "renders-not/clip.mp4", ".hidden.mp4", "notes.hf-tmp-1-a"]) expect(isIgnored(kept), kept).toBe(false);
  });

  it("the sweep removes only names of the scheme whose owner is gone", () => {
    const dir = tempDir("hf-kill-sweep-");
    const dead = deadPid();
    const stale = [`.a.mp4.hf-tmp-${dead}-k1`, `.b.mp4.hf-tmp-${dead}-1700000000000.mp4`, `.c.hf-tmp-${dead}-x.old`];
    const kept = [`.a.mp4.hf-tmp-${process.pid}-k1`, `a.mp4.hf-tmp-${dead}-k1`, `.a.mp4.hf-tmp-x${dead}`, "clip.mp4"];
    for (const f of [...stale, ...kept]) writeFileSync(path.join(dir, f), "");
    const removed = sweepStaleTemps([dir]).filter((p) => p.startsWith(dir));
    expect(removed.map((p) => path.basename(p)).sort()).toEqual([...stale].sort());
    expect(readdirSync(dir).sort()).toEqual([...kept].sort());
  });
});
