#!/usr/bin/env node
/**
 * Re-makes fonts/mapped/: the latin woff2 faces of the families the official HyperFrames renderer bundles
 * (and maps system families onto), taken from the @fontsource npm packages at the exact versions the
 * official renderer 0.8.170 was built with, so our glyphs are byte-for-byte the official's.
 *
 *   node scripts/vendor-fonts.mjs          # download (npm pack), extract, write fonts/mapped/, check hashes
 *
 * Not run by install or tests: the files are committed (about 0.8 MB, SIL Open Font License). The table of
 * families and weights is src/compose/fonts/catalog.ts; this script reads it from dist/ (run `npm run build`).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { BUNDLED_FAMILIES, bundledFaceFile } = await import(pathToFileURL(path.join(repo, "dist/compose/fonts/catalog.js")).href);
const out = path.join(repo, "fonts", "mapped");
const work = mkdtempSync(path.join(tmpdir(), "hf-fonts-"));
const sums = [];
try {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const fam of BUNDLED_FAMILIES) {
    const spec = `@fontsource/${fam.slug}@${fam.version}`;
    const tgz = execFileSync("npm", ["pack", spec, "--silent", "--pack-destination", work], { encoding: "utf8" }).trim().split("\n").pop();
    const dir = path.join(work, fam.slug);
    mkdirSync(dir);
    execFileSync("tar", ["-xzf", path.join(work, tgz), "-C", dir]);
    const pkg = path.join(dir, "package");
    const license = readdirSync(pkg).find((f) => /^LICEN[SC]E/i.test(f));
    if (license) copyFileSync(path.join(pkg, license), path.join(out, `${fam.slug}.LICENSE`));
    for (const weight of fam.weights) {
      const file = bundledFaceFile(fam.slug, weight);
      const dest = path.join(out, file);
      copyFileSync(path.join(pkg, "files", `${fam.slug}-latin-${weight}-normal.woff2`), dest);
      sums.push(`${createHash("sha256").update(readFileSync(dest)).digest("hex")}  ${file}  ${spec}`);
    }
    console.log(`${spec}: ${fam.weights.join(", ")}`);
  }
  writeFileSync(path.join(out, "SHA256SUMS"), sums.join("\n") + "\n");
} finally {
  rmSync(work, { recursive: true, force: true });
}
