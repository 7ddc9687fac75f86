/**
 * The `hyperframes` command line. Each command lives in ./commands/<name>.ts and exports `register(program)`.
 * Errors: a HyperframesError prints one line (file, what, what to do) and exits with its exitCode
 * (1 user error, 2 internal, 130 cancelled); a stack trace only with --debug. With --json every failure is also
 * one `{type:"error", ok:false, error:{code, message, …}}` line on stdout: a flag commander rejects is
 * `invalid_arguments`, an unexpected exception `internal_error` (exit 2).
 */
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isHyperframesError } from "../errors.js";
import { redactSecrets } from "./output.js";
import * as init from "./commands/init.js";
import * as lint from "./commands/lint.js";
import * as info from "./commands/info.js";
import * as doctor from "./commands/doctor.js";
import * as render from "./commands/render.js";
import * as snapshot from "./commands/snapshot.js";
import * as dev from "./commands/dev.js";
import * as pack from "./commands/pack.js";
import * as cloud from "./commands/cloud.js";

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version: string };

export function buildProgram(): Command {
  const program = new Command("hyperframes");
  program
    .version(pkg.version, "-v, --version")
    .description("Author, preview and render HyperFrames compositions (HTML + CSS + GSAP videos).")
    .option("--debug", "show stack traces and internal logs")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  $ hyperframes init my-video --template title-card   create a project
  $ hyperframes dev my-video                          live preview on http://localhost:3002
  $ hyperframes lint my-video                         check the composition
  $ hyperframes render my-video --quality draft       render to my-video/renders/*.mp4
  $ hyperframes render my-video --batch rows.csv      one video per data row
  $ hyperframes cloud render my-video --wait          render on HeyGen's cloud
  $ hyperframes doctor                                which browser and ffmpeg are used`,
    );
  // before registering commands, so every subcommand inherits it (errors reach main(), not process.exit)
  program.exitOverride();
  for (const mod of [init, dev, lint, info, render, snapshot, pack, cloud, doctor]) mod.register(program);
  return program;
}

// `hyperframes … | head` closes stdout early: that is not an error. A terminal that went away (SIGHUP after an
// SSH disconnect) fails writes with EIO: the command is stopping cleanly by then, with nowhere left to print.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    if (e.code === "EIO" || e.code === "ERR_STREAM_DESTROYED") return;
    throw e;
  });
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    // with --json, every failure is also one JSON object on stdout: {type:"error", ok:false, error:{code, message, …}}
    const json = argv.includes("--json");
    const jsonError = (error: Record<string, unknown>) => {
      if (json) process.stdout.write(redactSecrets(JSON.stringify({ type: "error", ok: false, error })) + "\n");
    };
    if (e instanceof CommanderError) {
      // commander already printed the message (or help/version) on stderr
      if (e.exitCode === 0) return 0;
      jsonError({ code: "invalid_arguments", message: e.message.replace(/^error: /, ""), data: { commander: e.code } });
      return 1;
    }
    if (isHyperframesError(e)) {
      jsonError(e.toJSON());
      process.stderr.write(redactSecrets(`error: ${e.format()}`) + "\n");
      if (debug && e.stack) process.stderr.write(redactSecrets(e.stack) + "\n");
      return e.exitCode;
    }
    const err = e as Error;
    const message = err?.message ?? String(e);
    jsonError({ code: "internal_error", message, hint: "run again with --debug for details, and please report it" });
    process.stderr.write(redactSecrets(`internal error: ${message}`) + "\n");
    if (debug && err?.stack) process.stderr.write(redactSecrets(err.stack) + "\n");
    else process.stderr.write("(run again with --debug for details, and please report it)\n");
    return 2;
  }
}

const isEntry = process.argv[1] && fileURLToPath(import.meta.url).replace(/\.ts$/, ".js") === process.argv[1].replace(/\.ts$/, ".js");
if (isEntry || process.argv[1]?.endsWith("bin/hyperframes.js") || /\/hyperframes(-toolkit)?$/.test(process.argv[1] ?? "")) {
  main().then((code) => {
    process.exitCode = code;
  });
}
