#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli/main.js (built by `npm install` via the prepare script).
// `--version` is answered here, without loading the CLI; every command loads its heavy modules (the browser,
// the HTML parser, the preview server) only when it runs.
import { existsSync, readFileSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
  process.exit(0);
}
// Node >= 22.1 keeps compiled code of the CLI's modules on disk between runs (a no-op on Node 20)
module.enableCompileCache?.();
const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write("hyperframes: the CLI is not built yet. Run `npm run build` in the hyperframes-toolkit folder.\n");
  process.exit(2);
}
await import(main);
