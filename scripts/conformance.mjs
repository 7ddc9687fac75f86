#!/usr/bin/env node
/**
 * `npm run conformance`: render every case of the conformance corpora with this repo's CLI and score it with the
 * shared corpus' compare.mjs. Prints compare's table per corpus and exits 0 when everything passes.
 *
 *   node scripts/conformance.mjs [--corpus shared|real-world|all] [--only c01,c05] [--quality high|standard|draft]
 *                                [--work <dir>] [--format mp4|webm|mov] [--timeout <s>]
 *
 * Corpora (default --corpus all: shared first, then real-world):
 *   shared      the spec corpus at ../shared/conformance (next to the repo) or $HYPERFRAMES_SHARED_DIR/conformance
 *   real-world  conformance/real-world/cases in this repo: real compositions from the official HyperFrames repository
 *               (see conformance/real-world/README.md), scored with the shared corpus' compare.mjs
 * --only takes case names or prefixes; a corpus with no matching case is skipped. With --work, each corpus keeps its
 * outputs in <work>/<corpus>.
 * compare.mjs needs `ffmpeg`/`ffprobe` on PATH: we put a temp dir with symlinks to the binaries this
 * toolkit resolves (env, PATH or the npm-installed ones) in front of PATH for the child.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE =
  "usage: node scripts/conformance.mjs [--corpus shared|real-world|all] [--only c01,c05] [--quality high|standard|draft] [--format mp4|webm|mov] [--work <dir>] [--timeout <s>]";
const CORPORA = ["shared", "real-world"];

function parseArgs(argv) {
  const o = { quality: "high", format: "mp4", corpus: "all" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") {
        console.error(`conformance: ${flag} needs a value\n${USAGE}`);
        process.exit(2);
      }
      return v;
    };
    if (flag === "--only") o.only = value();
    else if (flag === "--corpus") o.corpus = value();
    else if (flag === "--quality") o.quality = value();
    else if (flag === "--format") o.format = value();
    else if (flag === "--work") o.work = value();
    else if (flag === "--timeout") o.timeout = value();
    else if (flag === "-h" || flag === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`conformance: unknown argument ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (!["draft", "standard", "high"].includes(o.quality)) {
    console.error(`conformance: --quality must be draft, standard or high, got "${o.quality}"`);
    process.exit(2);
  }
  if (![...CORPORA, "all"].includes(o.corpus)) {
    console.error(`conformance: --corpus must be shared, real-world or all, got "${o.corpus}"`);
    process.exit(2);
  }
  if (!["mp4", "webm", "mov"].includes(o.format)) {
    console.error(`conformance: --format must be mp4, webm or mov, got "${o.format}"`);
    process.exit(2);
  }
  return o;
}

/** The shared conformance folder, or undefined. */
function findConformanceDir() {
  const candidates = [];
  if (process.env.HYPERFRAMES_SHARED_DIR) candidates.push(path.join(process.env.HYPERFRAMES_SHARED_DIR, "conformance"));
  candidates.push(path.resolve(repo, "..", "shared", "conformance"));
  return candidates.find((d) => existsSync(path.join(d, "compare.mjs")) && existsSync(path.join(d, "cases")));
}

/** Case dirs (with case.json) of a cases folder that match --only (names or prefixes, like compare.mjs). */
function matchingCases(casesDir, only) {
  if (!existsSync(casesDir)) return [];
  const filters = only ? only.split(",").filter(Boolean) : null;
  return readdirSync(casesDir)
    .filter((d) => existsSync(path.join(casesDir, d, "case.json")))
    .filter((d) => !filters || filters.some((f) => d === f || d.startsWith(f)));
}

/** Run compare.mjs --all on one cases dir; resolves to its exit code. */
function runCompare(compare, casesDir, template, o, work, env) {
  const args = [compare, "--all", casesDir, template, "--out-ext", o.format];
  if (o.only) args.push("--only", o.only);
  if (work) args.push("--work", work);
  if (o.timeout) args.push("--timeout", o.timeout);
  const child = spawn(process.execPath, args, { stdio: "inherit", env });
  const forward = (sig) => child.kill(sig);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) =>
    child.on("close", (c, s) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(c ?? (s ? 130 : 1));
    }),
  );
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const conf = findConformanceDir();
  if (!conf) {
    // the corpus (the official renderer's reference frames) lives next to the toolkit's own repository, not in
    // the npm package: without it there is nothing to compare against, which is not a failure
    console.error(
      "conformance: skipped — the shared conformance corpus was not found (looked in ../shared/conformance and $HYPERFRAMES_SHARED_DIR/conformance). " +
        "It is not part of the npm package; set HYPERFRAMES_SHARED_DIR to a folder holding conformance/ to run it.",
    );
    process.exit(0);
  }
  const cli = path.join(repo, "bin", "hyperframes.js");
  if (!existsSync(path.join(repo, "dist", "render", "ffmpeg.js"))) {
    console.error("conformance: dist/ is missing — run `npm run build` first");
    process.exit(2);
  }
  const corpora = { shared: path.join(conf, "cases"), "real-world": path.join(repo, "conformance", "real-world", "cases") };
  const selected = (o.corpus === "all" ? CORPORA : [o.corpus]).filter((name) => {
    if (matchingCases(corpora[name], o.only).length) return true;
    if (o.corpus !== "all" || !o.only) console.error(`conformance: no ${name} cases${o.only ? ` match --only ${o.only}` : ` in ${corpora[name]}`}`);
    return false;
  });
  if (!selected.length) {
    if (o.corpus === "all") console.error(`conformance: no case matches --only ${o.only}`);
    process.exit(2);
  }

  const { resolveFfmpeg, resolveFfprobe } = await import(pathToFileURL(path.join(repo, "dist", "render", "ffmpeg.js")).href);
  const binDir = mkdtempSync(path.join(tmpdir(), "hf-conformance-bin-"));
  symlinkSync(resolveFfmpeg().path, path.join(binDir, "ffmpeg"));
  symlinkSync(resolveFfprobe().path, path.join(binDir, "ffprobe"));
  const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}` };

  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  const template = `${q(process.execPath)} ${q(cli)} render {dir} --output {out} --quality ${o.quality} --fps {fps} --variables-file {variables_file}`;
  const codes = {};
  try {
    for (const name of selected) {
      if (selected.length > 1) console.log(`\n##### corpus: ${name} (${corpora[name]})`);
      const work = o.work ? (selected.length > 1 ? path.join(path.resolve(o.work), name) : path.resolve(o.work)) : undefined;
      codes[name] = await runCompare(path.join(conf, "compare.mjs"), corpora[name], template, o, work, env);
      if (codes[name] === 130) break;
    }
  } finally {
    rmSync(binDir, { recursive: true, force: true });
  }
  if (selected.length > 1) {
    console.log(`\n##### ${selected.map((n) => `${n}: ${n in codes ? (codes[n] === 0 ? "all passed" : codes[n] === 1 ? "failures" : `exit ${codes[n]}`) : "not run"}`).join(", ")}`);
  }
  const all = Object.values(codes);
  process.exit(all.some((c) => c === 130) ? 130 : all.some((c) => c >= 2) ? 2 : all.some((c) => c !== 0) || all.length < selected.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`conformance: ${e?.message ?? e}`);
  process.exit(2);
});
