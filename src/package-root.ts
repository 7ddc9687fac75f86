/** Where the toolkit's own files (templates/, fonts/, dist/) live, from src/ or dist/ alike. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EnvironmentError } from "./errors.js";

/** The folder holding the toolkit's package.json, found by walking up from this module (works from src/ and dist/). */
export function findPackageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  let first: string | undefined;
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (existsSync(pj)) {
      first ??= dir;
      try {
        const name = (JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name;
        if (name === "hyperframes-toolkit") return dir;
      } catch {
        /* not ours; keep walking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (first) return first;
  throw new EnvironmentError("package_root_not_found", `cannot find the hyperframes-toolkit package folder above ${from}`, {
    hint: "reinstall hyperframes-toolkit (its package.json and templates/ folder must be present)",
  });
}
