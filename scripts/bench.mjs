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
 * Flags: --only <name>   --quick (draft only, skip the 60 s runs)   --report <file>
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
const reportFile = args.includes("--report") ? args[args.indexOf("--report") + 1] : path.join(root, "bench-report.json");
const cli = path.join(root, "bin", "hyperframes.js");

if (!existsSync(benchDir)) {
  console.error(`bench: ${benchDir} not found (set HYPERFRAMES_SHARED_DIR)`);
  process.exit(2);
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

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env, stdio: ["ignore", "pipe", "pipe"], ...opts });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    let peak = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, treePssKb(child.pid));
    }, SAMPLE_MS);
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ code, out, err, wall: Number(process.hrtime.bigint() - t0) / 1e9, peakMb: peak / 1024 });
    });
  });
}

async function renderOnce(dir, quality, label, extra = []) {
  const out = path.join(work, `${label}-${quality}.mp4`);
  const r = await run(process.execPath, [cli, "render", dir, "--quality", quality, "--output", out, "--json", ...extra]);
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
    workers: res.workers,
    reusedFrames: res.reusedFrames,
    browser: res.browser,
  };
}

async function psnr(caseDir, file) {
  const r = await run(process.execPath, [path.join(shared, "conformance", "compare.mjs"), caseDir, file]);
  const m = /min_psnr=([\d.]+|inf)/.exec(r.out);
  return { pass: r.code === 0, minPsnr: m ? Number(m[1]) : null };
}

async function peer(dir, quality, label) {
  const tpl = process.env.BENCH_PEER_CMD;
  if (!tpl) return undefined;
  const out = path.join(work, `${label}-${quality}-peer.mp4`);
  const cmd = tpl.replaceAll("{dir}", JSON.stringify(dir)).replaceAll("{out}", JSON.stringify(out)).replaceAll("{quality}", quality);
  const r = await run("bash", ["-c", cmd]);
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

const rows = [];
const cases = readdirSync(benchDir).filter((d) => existsSync(path.join(benchDir, d, "index.html")) && (!only || d === only));
for (const name of cases) {
  const dir = path.join(benchDir, name);
  for (const quality of quick ? ["draft"] : ["draft", "standard"]) {
    const r = await renderOnce(dir, quality, name);
    if (r.ok && existsSync(path.join(dir, "case.json"))) Object.assign(r, await psnr(dir, r.out));
    const p = await peer(dir, quality, name);
    if (p && r.ok) {
      r.peer = p;
      r.speedupVsPeer = Number((p.wallSeconds / r.wallSeconds).toFixed(2));
      if (existsSync(path.join(dir, "case.json"))) r.peer.minPsnr = (await psnr(dir, p.out)).minPsnr;
    }
    rows.push(r);
    print(r);
  }
  if (!quick) {
    const long = await renderOnce(makeLongVariant(dir, 60), "draft", `${name}-60s`);
    rows.push(long);
    print(long);
    const base = rows.find((x) => x.label === name && x.quality === "draft");
    if (base?.ok && long.ok) long.peakVs10s = Number((long.peakTreeMb / base.peakTreeMb).toFixed(2));
  }
}
if (!quick && !only) {
  const st = await renderOnce(makeStatic(60), "draft", "static-60s");
  rows.push(st);
  print(st);
  const busy = rows.find((x) => x.label.endsWith("-60s") && x.ok);
  if (busy && st.ok) st.speedupVsBusy60s = Number((busy.wallSeconds / st.wallSeconds).toFixed(2));
}

function print(r) {
  if (!r.ok) return console.log(`${r.label.padEnd(22)} ${r.quality.padEnd(9)} FAILED`);
  console.log(
    `${r.label.padEnd(22)} ${r.quality.padEnd(9)} ${String(r.frames).padStart(5)} frames  ${r.wallSeconds.toFixed(1).padStart(6)} s  ${r.framesPerSecond
      .toFixed(1)
      .padStart(5)} fps  peak ${String(r.peakTreeMb).padStart(5)} MB  ${r.captureMethod}/${r.workers}w  reused ${r.reusedFrames}${r.minPsnr !== undefined ? `  psnr ${r.minPsnr}` : ""}${
      r.peer ? `  peer ${r.peer.wallSeconds}s (x${r.speedupVsPeer})` : ""
    }`,
  );
}

console.log("");
for (const r of rows) {
  if (r.peakVs10s !== undefined) console.log(`memory: ${r.label} peak ${r.peakTreeMb} MB = ${r.peakVs10s}x the 10 s render's`);
  if (r.speedupVsBusy60s !== undefined) console.log(`static: 60 s mostly-static composition renders ${r.speedupVsBusy60s}x faster than the busy 60 s one (${r.reusedFrames} no-damage frames)`);
}
const browser = rows.find((r) => r.ok)?.browser;
writeFileSync(reportFile, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: (await import("node:os")).cpus().length, browser, runs: rows }, null, 2));
console.log(`\nreport: ${reportFile}`);
rmSync(work, { recursive: true, force: true });
rmSync(binDir, { recursive: true, force: true });
process.exit(rows.every((r) => r.ok) ? 0 : 1);
