#!/usr/bin/env node
/**
 * Re-make the reference frames of the real-world conformance corpus (conformance/real-world/cases/*) with the
 * official HyperFrames CLI. Not used by tests or by `npm run conformance`; only needed to regenerate refs.
 *
 *   node scripts/real-world-refs.mjs --official <hyperframes.mjs> --browser <chrome-headless-shell>
 *        [--node <node binary for the official CLI>] [--only a,b] [--keep <dir> [--reuse]] [--mp4] [--workers <n>]
 *
 * Flags and their environment fallbacks:
 *   --official  HF_OFFICIAL_CLI    the official CLI entry (npm `hyperframes@0.8.170`: node_modules/hyperframes/bin/hyperframes.mjs)
 *   --node      HF_OFFICIAL_NODE   node used to run it (default: this node)
 *   --browser   HF_REF_BROWSER     Chrome headless shell given to the official CLI as PRODUCER_HEADLESS_SHELL_PATH and
 *                                  HYPERFRAMES_BROWSER_PATH (the corpus was made with @sparticuz/chromium 153.0.0's binary)
 *   --only      a,b                case names or prefixes
 *   --keep      <dir>              keep every case's full official PNG sequence under <dir>/<case>[_<variant>]/
 *   --mp4                          also render the official MP4 (--quality high), score it against the new references
 *                                  with compare.mjs and print its audio levels (mean dB per case.json audio window and a
 *                                  0.25 s level profile) to check or fill in case.json's `audio` block
 *   --reuse                        with --keep: use a PNG sequence already kept there instead of rendering again
 *                                  (to re-pick checkpoints without a new official render)
 *   --workers   <n>                official render workers (default 1)
 *   --cases     <dir>              corpus cases dir (default conformance/real-world/cases)
 *
 * For every case (and every case.json `variants` entry) the case project (minus ref dirs) is copied to a temp dir and
 * rendered with `render --format png-sequence --fps <fps> [--variables-file]`: lossless PNG, RGBA. For alpha output the
 * official CLI clears the html/body background (transparent default background + `html,body{background:transparent
 * !important}`), while its MP4 shows that background (or white when the page paints none). So each checkpoint frame is
 * composited over case.json `background` (a colour: the html/body background, #ffffff when none; required as soon as a
 * checkpoint has a transparent pixel; a `variants` entry may set its own) and scaled to case.json width x height with ffmpeg's bicubic scaler (the same
 * scaler compare.mjs applies to a render), then written as <ref>/NNNN.png (RGB, 0-based frame index). `--mp4` checks the
 * result: the official MP4 must score high against the new references.
 *
 * ffmpeg/ffprobe: taken from PATH, else from the toolkit's own resolver (dist/render/ffmpeg.js, `npm run build` first).
 * compare.mjs (for --mp4) is the shared corpus' one: ../shared/conformance/compare.mjs or $HYPERFRAMES_SHARED_DIR/conformance.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE =
  "usage: node scripts/real-world-refs.mjs --official <hyperframes.mjs> --browser <headless-shell> [--node <node>] [--only a,b] [--keep <dir>] [--reuse] [--mp4] [--workers <n>] [--cases <dir>]";

function parseArgs(argv) {
  const o = {
    official: process.env.HF_OFFICIAL_CLI,
    node: process.env.HF_OFFICIAL_NODE || process.execPath,
    browser: process.env.HF_REF_BROWSER,
    workers: "1",
    cases: path.join(repo, "conformance", "real-world", "cases"),
    mp4: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === "--official") o.official = value();
    else if (a === "--node") o.node = value();
    else if (a === "--browser") o.browser = value();
    else if (a === "--only") o.only = value().split(",").filter(Boolean);
    else if (a === "--keep") o.keep = path.resolve(value());
    else if (a === "--workers") o.workers = value();
    else if (a === "--cases") o.cases = path.resolve(value());
    else if (a === "--mp4") o.mp4 = true;
    else if (a === "--reuse") o.reuse = true;
    else if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  if (!o.official || !fs.existsSync(o.official)) fail("the official CLI was not found: pass --official or set HF_OFFICIAL_CLI");
  if (!o.browser || !fs.existsSync(o.browser)) fail("no browser: pass --browser or set HF_REF_BROWSER");
  return o;
}

function fail(msg) {
  console.error(`real-world-refs: ${msg}\n${USAGE}`);
  process.exit(2);
}

function onPath(bin) {
  return (process.env.PATH || "").split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, bin)));
}

/** A PATH that has ffmpeg and ffprobe on it (the user's, else the toolkit's resolved binaries). */
async function toolPath() {
  if (onPath("ffmpeg") && onPath("ffprobe")) return { PATH: process.env.PATH, cleanup: () => {} };
  const mod = path.join(repo, "dist", "render", "ffmpeg.js");
  if (!fs.existsSync(mod)) fail("ffmpeg is not on PATH and dist/ is missing (run `npm run build`)");
  const { resolveFfmpeg, resolveFfprobe } = await import(pathToFileURL(mod).href);
  const binDir = fs.mkdtempSync(path.join(os.tmpdir(), "hf-refs-bin-"));
  fs.symlinkSync(resolveFfmpeg().path, path.join(binDir, "ffmpeg"));
  fs.symlinkSync(resolveFfprobe().path, path.join(binDir, "ffprobe"));
  return { PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`, cleanup: () => fs.rmSync(binDir, { recursive: true, force: true }) };
}

function findCompare() {
  const c = [];
  if (process.env.HYPERFRAMES_SHARED_DIR) c.push(path.join(process.env.HYPERFRAMES_SHARED_DIR, "conformance", "compare.mjs"));
  c.push(path.resolve(repo, "..", "shared", "conformance", "compare.mjs"));
  return c.find((f) => fs.existsSync(f));
}

const pad4 = (n) => String(n).padStart(4, "0");

function run(cmd, args, env, opts = {}) {
  return spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 256 << 20, ...opts });
}

/** Copy the case project without its reference dirs. */
function copyProject(caseDir, refDirs, dst) {
  fs.cpSync(caseDir, dst, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(caseDir, src);
      return !refDirs.includes(rel.split(path.sep)[0]);
    },
  });
}

function officialRender(o, env, projectDir, args) {
  const r = run(o.node, [o.official, "render", projectDir, ...args, "--workers", o.workers, "--quiet"], env, { cwd: projectDir });
  const log = `${r.stdout || ""}${r.stderr || ""}`;
  if (r.status !== 0) {
    console.log(log.trim().split("\n").slice(-15).map((l) => "  | " + l).join("\n"));
    throw new Error(`official render failed (exit ${r.status})`);
  }
  return log;
}

/** Smallest alpha value of a PNG (255 = fully opaque). */
function minAlpha(env, png) {
  const r = run("ffmpeg", ["-v", "error", "-i", png, "-vf", "format=rgba,alphaextract,signalstats,metadata=print:key=lavfi.signalstats.YMIN:file=-", "-f", "null", "-"], env);
  const m = /YMIN=(\d+)/.exec(r.stdout || "");
  return m ? Number(m[1]) : 255;
}

function meanVolume(env, file, from, to) {
  const r = run("ffmpeg", ["-hide_banner", "-nostats", "-ss", String(from), "-to", String(to), "-i", file, "-vn", "-af", "volumedetect", "-f", "null", "-"], env);
  const m = /mean_volume:\s*(-inf|-?[\d.]+) dB/.exec(r.stderr);
  return m ? (m[1] === "-inf" ? -Infinity : Number(m[1])) : -Infinity;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const tools = await toolPath();
  const env = {
    ...process.env,
    PATH: tools.PATH,
    PRODUCER_HEADLESS_SHELL_PATH: o.browser,
    HYPERFRAMES_BROWSER_PATH: o.browser,
    DO_NOT_TRACK: "1",
  };
  const compare = findCompare();
  const names = fs
    .readdirSync(o.cases)
    .filter((d) => fs.existsSync(path.join(o.cases, d, "case.json")))
    .filter((d) => !o.only || o.only.some((p) => d === p || d.startsWith(p)))
    .sort();
  if (!names.length) fail(`no cases under ${o.cases}`);
  let failures = 0;
  for (const name of names) {
    const caseDir = path.join(o.cases, name);
    const spec = JSON.parse(fs.readFileSync(path.join(caseDir, "case.json"), "utf8"));
    const variants = [{ ref: "ref", variables: spec.variables || {} }, ...(spec.variants || [])];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `hf-refs-${name}-`));
    try {
      const project = path.join(tmp, "project");
      copyProject(caseDir, variants.map((v) => v.ref), project);
      for (const v of variants) {
        const tag = v.ref === "ref" ? name : `${name}@${v.ref}`;
        const t0 = Date.now();
        const varsFile = path.join(tmp, `${v.ref}.variables.json`);
        fs.writeFileSync(varsFile, JSON.stringify(v.variables || {}));
        const varArgs = Object.keys(v.variables || {}).length ? ["--variables-file", varsFile] : [];
        const frames = o.keep ? path.join(o.keep, tag.replace(/[^A-Za-z0-9_.-]/g, "_")) : path.join(tmp, `frames-${v.ref}`);
        const reuse = o.reuse && o.keep && fs.existsSync(path.join(frames, "frame_000001.png"));
        if (!reuse) {
          fs.rmSync(frames, { recursive: true, force: true });
          officialRender(o, env, project, ["--format", "png-sequence", "--fps", String(spec.fps), "-o", frames, ...varArgs]);
        }
        const count = fs.readdirSync(frames).filter((f) => /^frame_\d+\.png$/.test(f)).length;
        const expected = Math.round(spec.duration * spec.fps);
        if (count !== expected) console.log(`  ${tag}: WARNING official wrote ${count} frames, case.json expects ${expected}`);
        const refDir = path.join(caseDir, v.ref);
        fs.rmSync(refDir, { recursive: true, force: true });
        fs.mkdirSync(refDir, { recursive: true });
        const bg = v.background ?? spec.background;
        for (const i of spec.checkpoints) {
          // png-sequence names are 1-based: frame i (0-based) is frame_<i+1>.png
          const src = path.join(frames, `frame_${String(i + 1).padStart(6, "0")}.png`);
          if (!fs.existsSync(src)) throw new Error(`${tag}: checkpoint ${i} is past the official render (${count} frames)`);
          if (!bg && minAlpha(env, src) < 255) {
            throw new Error(
              `${tag}: official frame ${i} has transparent pixels (png-sequence clears the html/body background); ` +
                `set case.json "background" to what the official MP4 shows there (the html/body background colour, or #ffffff when none)`,
            );
          }
          const r = run("ffmpeg", [
            "-v", "error", "-y", "-i", src, "-filter_complex",
            `[0:v]format=rgba[f];color=c=${bg || "#ffffff"}:s=16x16,format=rgba[c];[c][f]scale2ref=flags=neighbor[b][f2];` +
              `[b][f2]overlay=format=rgb:shortest=1,scale=${spec.width}:${spec.height}:flags=bicubic,format=rgb24`,
            "-frames:v", "1", path.join(refDir, `${pad4(i)}.png`),
          ], env);
          if (r.status !== 0) throw new Error(`${tag}: ffmpeg failed on checkpoint ${i}: ${r.stderr.trim().split("\n").pop()}`);
        }
        console.log(`${tag}: ${spec.checkpoints.length} reference frames from ${count} official frames (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

        if (o.mp4) {
          const mp4 = path.join(o.keep || tmp, `${tag.replace(/[^A-Za-z0-9_.-]/g, "_")}.mp4`);
          officialRender(o, env, project, ["--quality", "high", "--fps", String(spec.fps), "-o", mp4, ...varArgs]);
          if (compare) {
            const r = run(process.execPath, [compare, caseDir, mp4, "--ref", v.ref], env);
            console.log(`  official mp4: ${(r.stdout || "").trim().split("\n").pop()}`);
          }
          const a = spec.audio;
          for (const [from, to] of a?.active || []) console.log(`  audio [${from}, ${to}) mean ${meanVolume(env, mp4, from, to).toFixed(1)} dB`);
          for (const [from, to] of a?.silent || []) console.log(`  audio [${from}, ${to}) mean ${meanVolume(env, mp4, from, to).toFixed(1)} dB (silent window)`);
          const probe = run("ffprobe", ["-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_name,channels", "-of", "csv=p=0", mp4], env);
          if ((probe.stdout || "").trim()) {
            const prof = [];
            for (let t = 0; t < spec.duration - 1e-9; t += 0.25) prof.push(meanVolume(env, mp4, t, Math.min(spec.duration, t + 0.25)));
            console.log(`  audio stream ${probe.stdout.trim()}; level per 0.25 s: ${prof.map((x) => (x === -Infinity ? "-inf" : x.toFixed(0))).join(" ")}`);
          } else console.log("  official mp4 has no audio stream");
        }
      }
    } catch (e) {
      failures++;
      console.log(`${name}: ERROR ${e.message}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  tools.cleanup();
  process.exit(failures ? 1 : 0);
}

main().catch((e) => fail(e?.message ?? String(e)));
