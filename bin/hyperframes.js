#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli/main.js (built by `npm install` via the prepare script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write("hyperframes: the CLI is not built yet. Run `npm run build` in the hyperframes-toolkit folder.\n");
  process.exit(2);
}
await import(main);
