/**
 * The player UI's browser script. From a build it is dist/preview/client.js (made by scripts/build.mjs);
 * when running from the TypeScript sources (tests, `tsx`), it is bundled in memory with esbuild and
 * rebuilt when a client source file changes.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EnvironmentError } from "../errors.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function newestMtime(dir: string): number {
  let max = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    max = Math.max(max, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return max;
}

let cache: { key: number; code: string } | undefined;

async function bundleSource(entry: string): Promise<string> {
  const key = newestMtime(path.dirname(entry));
  if (cache && cache.key === key) return cache.code;
  const { build } = await import("esbuild");
  const r = await build({ entryPoints: [entry], bundle: true, format: "iife", target: "es2020", write: false, legalComments: "none", logLevel: "silent" });
  const code = r.outputFiles[0]!.text;
  cache = { key, code };
  return code;
}

export async function getClientScript(): Promise<string> {
  const srcEntry = path.join(here, "client", "main.ts");
  // running from src/preview/*.ts: bundle the sources so edits show without a build
  if (existsSync(srcEntry)) return bundleSource(srcEntry);
  const built = path.join(here, "client.js");
  if (existsSync(built)) return readFileSync(built, "utf8");
  const fromDist = path.resolve(here, "..", "..", "src", "preview", "client", "main.ts");
  if (existsSync(fromDist)) return bundleSource(fromDist);
  throw new EnvironmentError("preview_client_missing", `the preview UI script ${built} is missing`, { hint: "run `npm run build`" });
}
