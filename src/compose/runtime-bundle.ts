/**
 * The in-page runtime as a string. Built by scripts/build.mjs into dist/runtime/hyperframes-runtime.js;
 * when running from source without a build (tests), it is bundled on the fly with esbuild.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { findPackageRoot } from "../package-root.js";

let cached: string | undefined;

export function getRuntimeScript(): string {
  if (cached) return cached;
  const root = findPackageRoot();
  const built = path.join(root, "dist", "runtime", "hyperframes-runtime.js");
  const srcDir = path.join(root, "src", "compose", "runtime");
  let source: string;
  // any runtime module edited since the build (not only index.ts) means the built bundle is stale
  // (line-map.ts is the one module outside runtime/ that the runtime bundles)
  const srcFiles = existsSync(srcDir) ? [...readdirSync(srcDir).map((f) => path.join(srcDir, f)), path.join(root, "src", "compose", "line-map.ts")].filter((f) => existsSync(f)) : [];
  const srcNewer = srcFiles.length > 0 && existsSync(built) && Math.max(...srcFiles.map((f) => statSync(f).mtimeMs)) > statSync(built).mtimeMs;
  if (existsSync(built) && !srcNewer) source = readFileSync(built, "utf8");
  else {
    // esbuild is a dependency (used by the build); bundle synchronously from source
    const require = createRequire(import.meta.url);
    const esbuild = require("esbuild") as typeof import("esbuild");
    const r = esbuild.buildSync({ entryPoints: [path.join(srcDir, "index.ts")], bundle: true, format: "iife", target: "es2020", write: false, logLevel: "silent" });
    source = r.outputFiles[0]!.text;
  }
  cached = source;
  return cached;
}
