#!/usr/bin/env node
// Builds the toolkit: browser bundles (in-page runtime, preview client) with esbuild, then the Node code with tsc.
import { build } from "esbuild";
import { existsSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
mkdirSync(dist, { recursive: true });

const bundles = [
  { entry: "src/compose/runtime/index.ts", out: "dist/runtime/hyperframes-runtime.js" },
  { entry: "src/preview/client/main.ts", out: "dist/preview/client.js" },
];
for (const b of bundles) {
  if (!existsSync(path.join(root, b.entry))) continue;
  await build({
    entryPoints: [path.join(root, b.entry)],
    outfile: path.join(root, b.out),
    bundle: true,
    format: "iife",
    target: "es2020",
    minify: false,
    legalComments: "none",
    logLevel: "warning",
  });
}

const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const r = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.json")], { stdio: "inherit" });
if (r.status !== 0) {
  console.error("build: TypeScript compilation failed");
  process.exit(r.status ?? 1);
}
