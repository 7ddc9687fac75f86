#!/usr/bin/env node
/**
 * `npm run conformance`: render every case of the shared conformance corpus with this repo's CLI and score
 * it with the corpus' own compare.mjs. Prints compare's table and exits with its code (0 = all pass).
 *
 *   node scripts/conformance.mjs [--only c01,c05] [--quality high|standard|draft] [--work <dir>] [--format mp4|webm|mov]
 *
 * The corpus is found at ../shared/conformance (next to the repo) or $HYPERFRAMES_SHARED_DIR/conformance.
 * compare.mjs needs `ffmpeg`/`ffprobe` on PATH: we put a temp dir with symlinks to the binaries this
 * toolkit resolves (env, PATH or the npm-installed ones) in front of PATH for the child.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = "usage: node scripts/conformance.mjs [--only c01,c05] [--quality high|standard|draft] [--format mp4|webm|mov] [--work <dir>] [--timeout <s>]";

function parseArgs(argv) {
  const o = { quality: "high", format: "mp4" };
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
  const { resolveFfmpeg, resolveFfprobe } = await import(pathToFileURL(path.join(repo, "dist", "render", "ffmpeg.js")).href);
  const binDir = mkdtempSync(path.join(tmpdir(), "hf-conformance-bin-"));
  symlinkSync(resolveFfmpeg().path, path.join(binDir, "ffmpeg"));
  symlinkSync(resolveFfprobe().path, path.join(binDir, "ffprobe"));

  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  const template = `${q(process.execPath)} ${q(cli)} render {dir} --output {out} --quality ${o.quality} --variables-file {variables_file}`;
  const args = [path.join(conf, "compare.mjs"), "--all", path.join(conf, "cases"), template, "--out-ext", o.format];
  if (o.only) args.push("--only", o.only);
  if (o.work) args.push("--work", path.resolve(o.work));
  if (o.timeout) args.push("--timeout", o.timeout);

  const child = spawn(process.execPath, args, {
    stdio: "inherit",
    env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}` },
  });
  const forward = (sig) => child.kill(sig);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise((resolve) => child.on("close", (c, s) => resolve(c ?? (s ? 130 : 1))));
  rmSync(binDir, { recursive: true, force: true });
  process.exit(code);
}

main().catch((e) => {
  console.error(`conformance: ${e?.message ?? e}`);
  process.exit(2);
});
