/**
 * The in-page runtime as a string. Built by scripts/build.mjs into dist/runtime/hyperframes-runtime.js;
 * when running from source without a build (tests), it is bundled on the fly with esbuild.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";

const here = path.dirname(fileURLToPath(import.meta.url));
let cached: { source: string; hash: string } | undefined;

function packageRoot(): string {
  let dir = here;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

export function getRuntimeScript(): string {
  return loadRuntime().source;
}

/** Short content hash, for cache-busting URLs. */
export function getRuntimeHash(): string {
  return loadRuntime().hash;
}

function loadRuntime(): { source: string; hash: string } {
  if (cached) return cached;
  const root = packageRoot();
  const built = path.join(root, "dist", "runtime", "hyperframes-runtime.js");
  const srcDir = path.join(root, "src", "compose", "runtime");
  let source: string;
  const srcNewer =
    existsSync(srcDir) && existsSync(built) && statSync(path.join(srcDir, "index.ts")).mtimeMs > statSync(built).mtimeMs;
  if (existsSync(built) && !srcNewer) source = readFileSync(built, "utf8");
  else {
    // esbuild is a dependency (used by the build); bundle synchronously from source
    const require = createRequireSafe();
    const esbuild = require("esbuild") as typeof import("esbuild");
    const r = esbuild.buildSync({ entryPoints: [path.join(srcDir, "index.ts")], bundle: true, format: "iife", target: "es2020", write: false, logLevel: "silent" });
    source = r.outputFiles[0]!.text;
  }
  cached = { source, hash: createHash("sha256").update(source).digest("hex").slice(0, 12) };
  return cached;
}

import { createRequire } from "node:module";
function createRequireSafe() {
  return createRequire(import.meta.url);
}
