/**
 * `hyperframes snapshot [dir]`: PNG stills of chosen moments, made by the render pipeline (same page, fonts and
 * seek as `render`), without rendering the video. `--json` lists the files.
 */
import path from "node:path";
import type { Command } from "commander";
import { addRenderFlags, readRenderFlags } from "../render-flags.js";
import { createOutput, numberOption } from "../output.js";
import { abortOnSignals } from "../signals.js";
import { snapshot } from "../../render/snapshot.js";
import { UsageError } from "../../errors.js";
import { lintGate } from "../lint-gate.js";

interface SnapshotFlags {
  at?: string;
  frames?: string;
  count?: string;
  output?: string;
  transparent?: boolean;
  timeout: string | number;
  json?: boolean;
  force?: boolean;
  [k: string]: unknown;
}

/** "0.5, 2,4.25" → [0.5, 2, 4.25]; a word that is not a number is an error naming the flag. */
function numberList(raw: string, flag: string, example: string): number[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const n = Number(s.replace(/s$/, ""));
      if (!Number.isFinite(n)) throw new UsageError("invalid_option", `${flag} takes comma-separated numbers, got "${s}"`, { hint: `e.g. ${flag} ${example}` });
      return n;
    });
}

export function register(program: Command): void {
  const cmd = program
    .command("snapshot")
    .description("write PNG stills of chosen moments (same page, fonts and seek as render), without rendering the video")
    .argument("[dir]", "project folder", ".")
    .option("--at <seconds>", "comma-separated moments in seconds, e.g. 0.5,2,4.25 (each still is the frame on screen at that moment, as in the video)")
    .option("--frames <list>", "comma-separated frame numbers (0-based), e.g. 10,20")
    .addOption(numberOption("--count <n>", "without --at/--frames: this many stills, evenly spaced from the first frame to the last", 5))
    .option("-o, --output <dir>", "folder for the PNGs (default: <dir>/renders/snapshots)")
    .option("--transparent", "keep a transparent page background (RGBA PNGs), as webm/mov/png-sequence renders do")
    .addOption(numberOption("--timeout <seconds>", "how long the page may take to become ready", 60))
    .option("--json", "machine-readable result on stdout (the files written)")
    .option("--force", "take the stills even when lint reports errors (by default a composition lint rejects is refused)");
  addRenderFlags(cmd, "local", ["quality", "format", "crf", "workers", "frames"]);
  cmd.addHelpText(
    "after",
    `
Stills are named at-<seconds>s.png (--at) or frame-<NNNN>.png (--frames, --count) and replace stills of the
same name. The official CLI's "--frames <n>" (a count) is --count here.

Examples:
  $ hyperframes snapshot                                   5 stills of ./index.html into ./renders/snapshots/
  $ hyperframes snapshot my-video --at 0.5,2,4.25          three moments
  $ hyperframes snapshot my-video --frames 10,20 -o stills --json
  $ hyperframes snapshot my-video --at 1 --variables '{"title":"Hi"}'`,
  );
  cmd.action(async (dir: string, o: SnapshotFlags, command: Command) => {
    const debug = !!command.optsWithGlobals().debug;
    const json = !!o.json;
    const out = createOutput(json);
    const timeout = Number(o.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError("invalid_option", `--timeout must be a positive number of seconds, got "${o.timeout}"`);
    const count = Number(o.count);
    const flags = readRenderFlags(o, "local");
    const warn = (m: string) => (json ? out.event({ type: "warning", message: m }) : out.warn(m));
    await lintGate(dir, String(o.composition ?? "index.html"), o.force ? "off" : "errors", warn);
    const sig = abortOnSignals(() => out.info("stopping…"));
    try {
      const r = await snapshot({
        ...(flags as object),
        project: dir,
        at: o.at !== undefined ? numberList(o.at, "--at", "0.5,2,4.25") : undefined,
        frames: o.frames !== undefined ? numberList(o.frames, "--frames", "10,20") : undefined,
        count,
        outputDir: o.output,
        transparent: !!o.transparent,
        readyTimeoutMs: timeout * 1000,
        signal: sig.signal,
        debug,
        onWarning: warn,
        onLog: debug ? (l) => out.info(`[page] ${l}`) : undefined,
      });
      const rel = (p: string) => path.relative(process.cwd(), p) || p;
      out.result(
        { type: "snapshot", ok: true, ...r },
        [
          ...r.files.map((f) => `${rel(f.path)}  (t=${f.time.toFixed(3)} s, frame ${f.frame})`),
          `${r.files.length} still${r.files.length === 1 ? "" : "s"} of ${r.width}x${r.height} in ${(r.elapsedMs / 1000).toFixed(1)} s`,
        ].join("\n"),
      );
    } finally {
      sig.dispose();
    }
  });
}
