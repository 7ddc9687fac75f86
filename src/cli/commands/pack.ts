/**
 * `hyperframes pack [dir]`: zip exactly what the composition needs to render standalone (see
 * src/cloud/packager.ts for what goes in and what never does). Same input → same bytes.
 */
import path from "node:path";
import { Command } from "commander";
import { createOutput } from "../output.js";
import { fmtBytes } from "../../cloud/upload.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command("pack")
    .description("zip a project for cloud rendering: the entry HTML plus every file it references, nothing else")
    .argument("[dir]", "project folder", ".")
    .option("-o, --output <file>", "zip to write (default: ./<project-name>.zip)")
    .option("--composition <file>", "entry HTML file inside the project", "index.html")
    .option("--include <glob>", "also pack files matching this glob (repeatable; node_modules/, renders/, dotfiles and secrets are still skipped)", collect)
    .option("--include-secrets <glob>", "pack these files even though they look like secrets (.env*, *.pem, *.key, id_*, .npmrc, credentials…); repeatable", collect)
    .option("--exclude <glob>", "leave out files matching this glob (repeatable)", collect)
    .option("--verbose", "print every packed file and its size")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Never packed: secrets (.env*, *.pem, *.key, id_*, .npmrc, .netrc, credentials files, *.p12 ...) unless
--include-secrets names them; dotfiles and dot-folders (.git/ ...), OS junk (.DS_Store, Thumbs.db), and by
--include globs node_modules/ and renders/. Secrets an --include glob matched are listed in a warning.
Paths with .. and symlinks leading outside the project are refused; references that resolve outside the
project (../x.png) cannot be packed and are each named in a warning. Lint errors block packing; remote URLs
(CDN scripts, fonts) are warned about: they must be reachable at render time.
Files are streamed into the zip one at a time, so a large project does not need memory of its size.

Examples:
  $ hyperframes pack my-video                       writes ./my-video.zip
  $ hyperframes pack my-video -o out/project.zip --include "data/*.json" --verbose`,
    )
    .action(async (dir: string, opts: { output?: string; composition: string; include?: string[]; includeSecrets?: string[]; exclude?: string[]; verbose?: boolean; json?: boolean }) => {
      const out = createOutput(!!opts.json);
      const file = path.resolve(opts.output ?? `${path.basename(path.resolve(dir))}.zip`);
      const { packProjectToFile } = await import("../../cloud/packager.js");
      const res = await packProjectToFile(dir, file, { entry: opts.composition, include: opts.include, includeSecrets: opts.includeSecrets, exclude: opts.exclude });
      for (const w of res.warnings) out.warn(w);
      if (opts.verbose && !opts.json) for (const f of res.files) out.info(`  ${f.path}  ${fmtBytes(f.size)}${f.reason === "entry" ? "  (entry)" : ""}`);
      out.result(
        { type: "pack", output: file, bytes: res.bytes, sha256: res.sha256, entry: res.entry, files: res.files, warnings: res.warnings },
        `packed ${res.files.length} file${res.files.length === 1 ? "" : "s"} into ${file} (${fmtBytes(res.bytes)})`,
      );
    });
}
