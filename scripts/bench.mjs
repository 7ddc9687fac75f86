#!/usr/bin/env node
/**
 * `npm run bench`: renders every composition in ../shared/bench/ at draft and standard quality and prints,
 * per run: frames, wall seconds, frames/s, peak memory of the whole process tree (Node + Chrome + FFmpeg,
 * summed PSS sampled every 250 ms; BENCH_SAMPLE_MS to change), capture method, browser, and PSNR against the reference frames.
 * Also measures: peak memory of a 60 s busy render vs the 10 s one (flat with duration), and a mostly
 * static 60 s composition vs the busy one (no-damage frames are cheap).
 * Writes bench-report.json. Optional: BENCH_PEER_CMD='hyperframes render {dir} --output {out} --quality {quality}'
 * runs another renderer on the same composition and prints the speed ratio.
 *
 * Encoder fidelity (standard quality): PSNR of the standard render against a lossless (PNG) capture of the
 * same frames by the same pages in the same order (the renderer's strided worker assignment: a layer's
 * raster depends a little on the frames drawn before it). With BENCH_PEER_LOSSLESS_CMD='hyperframes render
 * {dir} --format png-sequence -o {out}' the peer's standard render is scored against its own lossless frames.
 *
 * CPU: each row also gives the CPU time per frame of the browser (every Chrome process), FFmpeg (encoder,
 * probes, verification) and Node, from /proc/<pid>/stat of the process tree sampled with the memory, and the
 * cores' utilisation: busy CPU time / (wall time × cores).
 *
 * Flags: --only <name>   --quick (draft only, skip the 60 s runs)   --repeat <n> (median of n alternating
 * runs of ours and the peer; machines of this kind vary ±10% run to run)   --no-long (skip the 60 s runs)
 * --browser <path> (repeatable: a row per browser, e.g. another Chromium build; `default` is the toolkit's own
 * choice, which is also what runs without --browser)
 * --report <file>
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const shared = process.env.HYPERFRAMES_SHARED_DIR || path.resolve(root, "..", "shared");
const benchDir = path.join(shared, "bench");
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const quick = args.includes("--quick");
const noLong = quick || args.includes("--no-long");
const repeat = Math.max(1, Number(args.includes("--repeat") ? args[args.indexOf("--repeat") + 1] : 1) || 1);
const reportFile = args.includes("--report") ? args[args.indexOf("--report") + 1] : path.join(root, "bench-report.json");
/** --browser <path>, repeatable; undefined (no --browser, or --browser default) = the toolkit's own choice */
const browsers = args.flatMap((a, i) => (a === "--browser" && args[i + 1] ? [args[i + 1] === "default" ? undefined : path.resolve(args[i + 1])] : []));
if (!browsers.length) browsers.push(undefined);
const cores = (await import("node:os")).availableParallelism();
const CLK_TCK = 100;
const cli = path.join(root, "bin", "hyperframes.js");

if (!existsSync(benchDir)) {
  // the bench compositions live next to the toolkit's own repository, not in the npm package: skip, don't fail
  console.error(
    `bench: skipped — ${benchDir} was not found. It is not part of the npm package; set HYPERFRAMES_SHARED_DIR to a folder holding bench/ to run it.`,
  );
  process.exit(0);
}

// ffmpeg/ffprobe on PATH for compare.mjs
const { resolveFfmpeg, resolveFfprobe } = await import(path.join(root, "dist", "render", "ffmpeg.js"));
const binDir = mkdtempSync(path.join(tmpdir(), "hf-bench-bin-"));
symlinkSync(resolveFfmpeg().path, path.join(binDir, "ffmpeg"));
symlinkSync(resolveFfprobe().path, path.join(binDir, "ffprobe"));
const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}` };
const work = mkdtempSync(path.join(tmpdir(), "hf-bench-"));

/** Direct children of a process (via /proc/<pid>/task/<tid>/children: no scan of all processes). */
function childrenOf(pid) {
  const out = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const txt = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (txt) out.push(...txt.split(/\s+/).map(Number));
    }
  } catch {}
  return out;
}

/** Sum of PSS (kB) over a process and all its descendants. */
function treePssKb(pid) {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      if (m) total += Number(m[1]);
    } catch {}
    stack.push(...childrenOf(p));
  }
  return total;
}

// Sampling smaps_rollup costs CPU that the render then lacks; 250 ms keeps the peak while staying out of the way.
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 250);

/** What a process counts as in the CPU split: node, ffmpeg (ffmpeg/ffprobe) or browser (everything else: Chrome's processes). */
function cpuClass(pid) {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    if (comm === "node" || comm.startsWith("node")) return "node";
    if (/^ff(mpeg|probe)/.test(comm)) return "ffmpeg";
    return "browser";
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Every process of the tree under `pid` (itself included). */
function treePids(pid) {
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...childrenOf(p));
  }
  return out;
}

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env, stdio: ["ignore", "pipe", "pipe"], ...opts });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    let peak = 0;
    // the latest CPU time seen per process (a process's time only grows), and its class
    const cpu = new Map();
    const timer = setInterval(() => {
      peak = Math.max(peak, treePssKb(child.pid));
      for (const p of treePids(child.pid)) {
        const t = cpuSeconds(p);
        if (t === undefined) continue;
        // classified at every sample: a child is "node" between fork and exec
        const c = cpuClass(p);
        if (c) cpu.set(p, { c, t: Math.max(cpu.get(p)?.t ?? 0, t) });
      }
    }, SAMPLE_MS);
    child.on("close", (code) => {
      clearInterval(timer);
      const cpuByClass = { browser: 0, ffmpeg: 0, node: 0 };
      for (const { c, t } of cpu.values()) cpuByClass[c] += t;
      resolve({ code, out, err, wall: Number(process.hrtime.bigint() - t0) / 1e9, peakMb: peak / 1024, cpu: cpuByClass });
    });
  });
}

/** A short name for a --browser path in the rows: its folder and file name. */
const browserLabel = (b) => (b ? `${path.basename(path.dirname(b))}/${path.basename(b)}` : undefined);

async function renderOnce(dir, quality, label, extra = [], browser) {
  const out = path.join(work, `${label.replace(/[^\w.-]+/g, "_")}-${quality}.mp4`);
  const r = await run(process.execPath, [cli, "render", dir, "--quality", quality, "--output", out, "--json", ...(browser ? ["--browser", browser] : []), ...extra]);
  const resultLine = r.out.trim().split("\n").reverse().find((l) => l.includes('"type":"result"'));
  if (r.code !== 0 || !resultLine) {
    console.error(`bench: ${label} ${quality} failed (exit ${r.code})\n${r.err.slice(-2000)}`);
    return { label, quality, ok: false };
  }
  const res = JSON.parse(resultLine);
  return {
    label,
    quality,
    ok: true,
    out,
    frames: res.frames,
    wallSeconds: Number(r.wall.toFixed(2)),
    framesPerSecond: Number((res.frames / r.wall).toFixed(2)),
    captureFps: Number(res.captureFps.toFixed(2)),
    peakTreeMb: Math.round(r.peakMb),
    captureMethod: res.captureMethod,
    captureReason: res.captureReason,
    browserProcess: res.browserProcess,
    workers: res.workers,
    reusedFrames: res.reusedFrames,
    browser: res.browser,
    browserVersion: res.browserVersion,
    browserPath: browser,
    // CPU milliseconds per frame by process kind, and the cores' utilisation over the whole run
    cpuMsPerFrame: Object.fromEntries(Object.entries(r.cpu).map(([k, v]) => [k, Number(((v * 1000) / res.frames).toFixed(1))])),
    utilisation: Number((Object.values(r.cpu).reduce((a, b) => a + b, 0) / (r.wall * cores)).toFixed(3)),
  };
}

async function psnr(caseDir, file) {
  const r = await run(process.execPath, [path.join(shared, "conformance", "compare.mjs"), caseDir, file]);
  const m = /min_psnr=([\d.]+|inf)/.exec(r.out);
  return { pass: r.code === 0, minPsnr: m ? Number(m[1]) : null };
}

/** A BENCH_PEER_* command with its {dir}, {out} and {quality} filled in (paths quoted for bash). */
function fillCommand(tpl, dir, out, quality = "") {
  return tpl.replaceAll("{dir}", JSON.stringify(dir)).replaceAll("{out}", JSON.stringify(out)).replaceAll("{quality}", quality);
}

async function peer(dir, quality, label) {
  const tpl = process.env.BENCH_PEER_CMD;
  if (!tpl) return undefined;
  const out = path.join(work, `${label}-${quality}-peer.mp4`);
  const r = await run("bash", ["-c", fillCommand(tpl, dir, out, quality)]);
  if (r.code !== 0) {
    console.error(`bench: peer command failed (exit ${r.code}): ${r.err.slice(-500)}`);
    return undefined;
  }
  return { wallSeconds: Number(r.wall.toFixed(2)), peakTreeMb: Math.round(r.peakMb), out };
}

/** A 60 s version of a busy composition: its timeline repeated, data-duration raised. */
function makeLongVariant(dir, seconds) {
  const dest = path.join(work, `${path.basename(dir)}-${seconds}s`);
  cpSync(dir, dest, { recursive: true });
  const f = path.join(dest, "index.html");
  let html = readFileSync(f, "utf8");
  const m = /data-duration="([\d.]+)"/.exec(html);
  const base = m ? Number(m[1]) : 10;
  const reps = Math.max(1, Math.round(seconds / base));
  html = html.replace(/(data-composition-id="[^"]+"[^>]*?)data-duration="[\d.]+"/, `$1data-duration="${base * reps}"`);
  html = html.replace(/<\/body>/i, `<script>for (const k in window.__timelines) window.__timelines[k].repeat(${reps - 1});</script></body>`);
  writeFileSync(f, html);
  return dest;
}

/** A mostly static 60 s composition at the same size: a title fades in over 1 s, then nothing moves. */
function makeStatic(seconds) {
  const dest = path.join(work, `static-${seconds}s`);
  mkdirSync(dest, { recursive: true });
  const gsap = path.join(root, "node_modules", "gsap", "dist", "gsap.min.js");
  cpSync(gsap, path.join(dest, "gsap.min.js"));
  writeFileSync(
    path.join(dest, "index.html"),
    `<!doctype html><html><head><meta charset="utf-8"><script src="gsap.min.js"></script>
<style>#bg{background:linear-gradient(135deg,#1d2b64,#f8cdda)} #t{position:absolute;left:160px;top:420px;font:bold 140px Arial,sans-serif;color:#fff;text-shadow:0 8px 30px rgba(0,0,0,.4)}</style></head>
<body><div id="root" data-composition-id="static" data-width="1920" data-height="1080" data-duration="${seconds}" data-fps="30">
<div id="bg" class="clip" data-start="0" data-duration="${seconds}" data-track-index="0"></div><div id="t">Mostly static</div></div>
<script>const tl=gsap.timeline({paused:true});tl.from("#t",{opacity:0,y:40,duration:1});window.__timelines={static:tl};</script></body></html>`,
  );
  return dest;
}

/** The run with the median wall time; its peak memory is the highest seen over the repeats. */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds);
  const m = { ...sorted[Math.floor((sorted.length - 1) / 2)] };
  m.peakTreeMb = Math.max(...runs.map((x) => x.peakTreeMb));
  if (runs.length > 1) m.wallSecondsAll = runs.map((x) => x.wallSeconds);
  return m;
}

/** A temporary case folder: the composition's case.json with the given checkpoint PNGs as its reference. */
function caseWithRef(dir, label, frames) {
  const caseDir = path.join(work, `fidelity-${label}`);
  mkdirSync(path.join(caseDir, "ref"), { recursive: true });
  cpSync(path.join(dir, "case.json"), path.join(caseDir, "case.json"));
  for (const [i, file] of frames) cpSync(file, path.join(caseDir, "ref", `${String(i).padStart(4, "0")}.png`));
  return caseDir;
}

/** Our standard render scored against PNG captures of its checkpoints, drawn by pages in the renderer's order. */
async function ourFidelity(dir, r) {
  const spec = JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8"));
  const { startRenderServer } = await import(path.join(root, "dist", "render", "server.js"));
  const { launchBrowser } = await import(path.join(root, "dist", "render", "launch.js"));
  const { CaptureSession } = await import(path.join(root, "dist", "render", "capture.js"));
  const server = await startRenderServer({ projectDir: dir, entry: "index.html", inject: { mode: "render", fps: spec.fps, variables: {}, transparent: false }, onWarning: () => {} });
  const frames = [];
  try {
    // worker k of N captured frames k, k+N, k+2N, ...: replay each worker's sequence up to its last checkpoint
    for (let k = 0; k < r.workers; k++) {
      const mine = spec.checkpoints.filter((c) => c % r.workers === k);
      if (!mine.length) continue;
      const b = await launchBrowser({ beginFrame: r.captureMethod === "beginframe", width: spec.width, height: spec.height });
      try {
        const s = new CaptureSession({ browser: b.browser, url: server.entryUrl, width: spec.width, height: spec.height, fps: spec.fps, method: r.captureMethod, format: "png", jpegQuality: 100, transparent: false, readyTimeoutMs: 60_000 });
        await s.open();
        await s.load();
        for (let i = k; i <= Math.max(...mine); i += r.workers) {
          const img = await s.capture(i);
          if (mine.includes(i)) {
            const f = path.join(work, `lossless-${i}.png`);
            writeFileSync(f, img.data);
            frames.push([i, f]);
          }
        }
        await s.close();
      } finally {
        await b.close();
      }
    }
  } finally {
    await server.close();
  }
  return (await psnr(caseWithRef(dir, "ours", frames), r.out)).minPsnr;
}

/** The peer's standard render scored against the peer's own lossless frames (BENCH_PEER_LOSSLESS_CMD). */
async function peerFidelity(dir, peerOut) {
  const tpl = process.env.BENCH_PEER_LOSSLESS_CMD;
  if (!tpl) return undefined;
  const spec = JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8"));
  const out = path.join(work, "peer-lossless");
  const res = await run("bash", ["-c", fillCommand(tpl, dir, out)]);
  if (res.code !== 0) {
    console.error(`bench: peer lossless command failed (exit ${res.code}): ${res.err.slice(-500)}`);
    return undefined;
  }
  // frame_000001.png is frame 0 (1-based image sequence), as compare.mjs reads it
  const names = new Set(readdirSync(out));
  const frames = spec.checkpoints
    .map((i) => [i, [`frame_${String(i + 1).padStart(6, "0")}.png`, `${String(i).padStart(4, "0")}.png`].find((n) => names.has(n))])
    .filter(([, n]) => n)
    .map(([i, n]) => [i, path.join(out, n)]);
  return (await psnr(caseWithRef(dir, "peer", frames), peerOut)).minPsnr;
}

const rows = [];
const cases = readdirSync(benchDir).filter((d) => existsSync(path.join(benchDir, d, "index.html")) && (!only || d === only));
for (const name of cases) {
  const dir = path.join(benchDir, name);
  for (const quality of quick ? ["draft"] : ["draft", "standard"]) {
    // one series per browser, alternating with the peer's runs
    const ours = browsers.map(() => []);
    const peers = [];
    for (let i = 0; i < repeat; i++) {
      for (const [k, b] of browsers.entries()) ours[k].push(await renderOnce(dir, quality, b ? `${name} [${browserLabel(b)}]` : browsers.length > 1 ? `${name} [default]` : name, [], b));
      const p = await peer(dir, quality, name);
      if (p) peers.push(p);
    }
    const hasCase = existsSync(path.join(dir, "case.json"));
    const p = peers.length ? medianRun(peers) : undefined;
    if (p && hasCase) p.minPsnr = (await psnr(dir, p.out)).minPsnr;
    if (p && quality === "standard" && hasCase) p.fidelityPsnr = await peerFidelity(dir, p.out);
    for (const series of ours) {
      const r = series.every((x) => x.ok) ? medianRun(series) : series.find((x) => !x.ok);
      if (r.ok && hasCase) Object.assign(r, await psnr(dir, r.out));
      if (p && r.ok) {
        r.peer = p;
        r.speedupVsPeer = Number((p.wallSeconds / r.wallSeconds).toFixed(2));
      }
      if (quality === "standard" && r.ok && hasCase) r.fidelityPsnr = await ourFidelity(dir, r);
      rows.push(r);
      print(r);
    }
  }
  if (!noLong) {
    const long = await renderOnce(makeLongVariant(dir, 60), "draft", `${name}-60s`, [], browsers[0]);
    rows.push(long);
    print(long);
    const base = rows.find((x) => x.label === name && x.quality === "draft");
    if (base?.ok && long.ok) long.peakVs10s = Number((long.peakTreeMb / base.peakTreeMb).toFixed(2));
  }
}
if (!noLong && !only) {
  const st = await renderOnce(makeStatic(60), "draft", "static-60s", [], browsers[0]);
  rows.push(st);
  print(st);
  const busy = rows.find((x) => x.label.endsWith("-60s") && x.ok);
  if (busy && st.ok) st.speedupVsBusy60s = Number((busy.wallSeconds / st.wallSeconds).toFixed(2));
}

function print(r) {
  if (!r.ok) return console.log(`${r.label.padEnd(22)} ${r.quality.padEnd(9)} FAILED`);
  const c = r.cpuMsPerFrame;
  console.log(
    `${r.label.padEnd(22)} ${r.quality.padEnd(9)} ${String(r.frames).padStart(5)} frames  ${r.wallSeconds.toFixed(1).padStart(6)} s  ${r.framesPerSecond
      .toFixed(1)
      .padStart(5)} fps  peak ${String(r.peakTreeMb).padStart(5)} MB  ${r.captureMethod}/${r.workers}w${r.browserProcess === "multi" ? "/multi" : ""}  reused ${r.reusedFrames}${r.minPsnr !== undefined ? `  psnr ${r.minPsnr}` : ""}${
      r.peer ? `  peer ${r.peer.wallSeconds}s (x${r.speedupVsPeer})` : ""
    }${r.fidelityPsnr !== undefined ? `  vs-lossless ${r.fidelityPsnr}${r.peer?.fidelityPsnr !== undefined ? ` (peer ${r.peer.fidelityPsnr})` : ""}` : ""}` +
      `\n${"".padEnd(32)} cpu/frame browser ${c.browser} ms, ffmpeg ${c.ffmpeg} ms, node ${c.node} ms; cores ${Math.round(r.utilisation * 100)}% busy${r.browserVersion ? `  (${r.browserVersion}${r.browserPath ? ` ${r.browserPath}` : ""})` : ""}`,
  );
}

console.log("");
for (const r of rows) {
  if (r.peakVs10s !== undefined) console.log(`memory: ${r.label} peak ${r.peakTreeMb} MB = ${r.peakVs10s}x the 10 s render's`);
  if (r.speedupVsBusy60s !== undefined) console.log(`static: 60 s mostly-static composition renders ${r.speedupVsBusy60s}x faster than the busy 60 s one (${r.reusedFrames} no-damage frames)`);
}
const browser = rows.find((r) => r.ok)?.browser;
writeFileSync(reportFile, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cores, browser, browsers: browsers.filter(Boolean), runs: rows }, null, 2));
console.log(`\nreport: ${reportFile}`);
rmSync(work, { recursive: true, force: true });
rmSync(binDir, { recursive: true, force: true });
process.exit(rows.every((r) => r.ok) ? 0 : 1);
