/**
 * What every `hyperframes cloud` subcommand shares: the common flags (`--timeout` in seconds), the API client
 * from them, the cost prompt, status lines, downloads (src/cloud/download.ts) and Ctrl-C →
 * `CloudCancelledError` (exit 130).
 */
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { Command } from "commander";
import { CloudCancelledError } from "../../../errors.js";
import { redactSecrets, type Output, numberOption } from "../../output.js";
import { HyperframesCloud, type RenderDetail } from "../../../cloud/client.js";
import { downloadRenderFiles, type RenderFiles } from "../../../cloud/download.js";
import { secondsFlag } from "../../durations.js";
import { STOP_SIGNALS } from "../../signals.js";

export interface CommonOpts {
  apiBase?: string;
  json?: boolean;
  timeout?: string;
}

export function common(cmd: Command): Command {
  return cmd
    .option("--api-base <url>", "API base URL (default: HEYGEN_API_BASE_URL, else https://api.heygen.com)")
    .addOption(numberOption("--timeout <seconds>", "per-request timeout in seconds (decimals allowed)", 30))
    .option("--json", "machine-readable output (JSON lines on stdout)");
}

export function isDebug(cmd: Command): boolean {
  return !!cmd.optsWithGlobals().debug || process.argv.includes("--debug");
}

export function makeClient(o: CommonOpts, cmd: Command): HyperframesCloud {
  const timeoutMs = secondsFlag("--timeout", o.timeout ?? 30, { min: 0.01, max: 600 });
  const debug = isDebug(cmd);
  return new HyperframesCloud({
    baseUrl: o.apiBase,
    timeoutMs,
    log: debug ? (l) => process.stderr.write(redactSecrets(l) + "\n") : undefined,
  });
}

export async function confirm(question: string, signal: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // On a terminal readline takes Ctrl-C itself (raw mode): turn it into the same cancellation.
  const cancelled = new Promise<never>((_, reject) => rl.once("SIGINT", () => reject(new CloudCancelledError("cancelled (Ctrl-C); nothing was submitted"))));
  cancelled.catch(() => {});
  try {
    const a = await Promise.race([rl.question(question, { signal }), cancelled]);
    return /^y(es)?$/i.test(a.trim());
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    throw e;
  } finally {
    rl.close();
  }
}

export function progressPrinter(out: Output) {
  const tty = !out.json && !!process.stderr.isTTY;
  let last = "";
  let open = false;
  return {
    update(r: RenderDetail, elapsedMs: number) {
      const line = `${r.render_id}: ${r.status}${typeof r.progress === "number" ? ` ${Math.round(r.progress * 100)}%` : ""} (${Math.round(elapsedMs / 1000)} s)`;
      out.event({ type: "status", render_id: r.render_id, status: r.status, elapsed_ms: elapsedMs });
      if (out.json) return;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        open = true;
      } else if (r.status !== last) out.info(line);
      last = r.status;
    },
    /** End the redrawn status line (once; safe to call again). */
    done() {
      if (open) process.stderr.write("\n");
      open = false;
    },
  };
}

/** Download a completed render's files (library: downloadRenderFiles), saying what it writes. */
export async function downloadOutputs(
  r: RenderDetail,
  dir: string,
  o: { id: string; output?: string; thumbnail?: boolean; title?: string; format?: unknown; signal?: AbortSignal },
  out: Output,
): Promise<RenderFiles> {
  return downloadRenderFiles(r, dir, { ...o, onEvent: (e) => (e.type === "warning" ? out.warn(e.message) : out.info(`downloading ${shortPath(e.path)}`)) });
}

/** A path relative to the working folder when it is inside it. */
export const shortPath = (p: string) => path.relative(process.cwd(), p) || p;

/**
 * Run a command action with Ctrl-C (or SIGTERM, or SIGHUP: the terminal going away) turned into a
 * `CloudCancelledError` (exit 130): the signal aborts what the action passes to every request, poll and
 * download, and the action stops waiting at once even for a step that takes no signal (packing). A second
 * signal falls through to Node's default (immediate exit).
 */
export function cancellable<A extends unknown[]>(
  hint: string | undefined,
  action: (signal: AbortSignal, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const ac = new AbortController();
    let stop!: (e: unknown) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => {});
    const off = () => {
      for (const s of STOP_SIGNALS) process.removeListener(s, onSig);
    };
    const onSig = (sig: NodeJS.Signals) => {
      off();
      const e = new CloudCancelledError(sig === "SIGINT" ? "cancelled (Ctrl-C)" : `cancelled (${sig})`, { hint });
      ac.abort(e);
      stop(e);
    };
    for (const s of STOP_SIGNALS) process.on(s, onSig);
    try {
      await Promise.race([action(ac.signal, ...args), stopped]);
    } catch (e) {
      throw ac.signal.aborted ? ac.signal.reason : e;
    } finally {
      off();
    }
  };
}

export const SUBMITTED_HINT = "anything already submitted keeps running (and is billed): see `hyperframes cloud list`; re-running the same command re-sends the same Idempotency-Key, so it does not submit a second render";

