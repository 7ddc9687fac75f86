/**
 * What every `hyperframes cloud` subcommand shares: the common flags, the API client from them, request
 * checks the option table cannot make, the cost prompt, status lines, downloads named from local values only,
 * and Ctrl-C → `CloudCancelledError` (exit 130).
 */
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { Command } from "commander";
import { CloudCancelledError, CloudError, UsageError } from "../../../errors.js";
import { redactSecrets, type Output, numberOption } from "../../output.js";
import { HyperframesCloud, type RenderDetail } from "../../../upload/client.js";
import { downloadFile } from "../../../upload/download.js";
import { fileInside, slug, videoExtension } from "../../../upload/fsutil.js";

export interface CommonOpts {
  apiBase?: string;
  json?: boolean;
  timeout?: string;
}

export function common(cmd: Command): Command {
  return cmd
    .option("--api-base <url>", "API base URL (default: HEYGEN_API_BASE_URL, else https://api.heygen.com)")
    .addOption(numberOption("--timeout <ms>", "per-request timeout in milliseconds", 30000))
    .option("--json", "machine-readable output (JSON lines on stdout)");
}

export function isDebug(cmd: Command): boolean {
  return !!cmd.optsWithGlobals().debug || process.argv.includes("--debug");
}

export function makeClient(o: CommonOpts, cmd: Command): HyperframesCloud {
  const timeoutMs = Number(o.timeout ?? 30000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError("invalid_option", `--timeout must be a positive number of ms, got "${o.timeout}"`);
  const debug = isDebug(cmd);
  return new HyperframesCloud({
    baseUrl: o.apiBase,
    timeoutMs,
    log: debug ? (l) => process.stderr.write(redactSecrets(l) + "\n") : undefined,
  });
}

/** Validate the parts of the request the option table cannot (same limits as the API). */
export function validateRequest(body: Record<string, unknown>): void {
  const v = body.variables;
  if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v)))
    throw new UsageError("invalid_option", "--variables must be a JSON object", { hint: `e.g. --variables '{"title":"Hello"}'` });
  const cb = body.callback_url;
  if (cb !== undefined) {
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(String(cb)).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError("invalid_option", `--callback-url must be an http(s) URL, got "${String(cb)}"`, { hint: "e.g. --callback-url https://example.com/hooks/heygen" });
  }
  const comp = String(body.composition ?? "index.html");
  if (comp.includes("..") || path.isAbsolute(comp)) throw new UsageError("invalid_option", `--composition must be a path inside the project, got "${comp}"`);
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
  return {
    update(r: RenderDetail, elapsedMs: number) {
      const line = `${r.render_id}: ${r.status}${typeof r.progress === "number" ? ` ${Math.round(r.progress * 100)}%` : ""} (${Math.round(elapsedMs / 1000)} s)`;
      out.event({ type: "status", render_id: r.render_id, status: r.status, elapsed_ms: elapsedMs });
      if (out.json) return;
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (r.status !== last) out.info(line);
      last = r.status;
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}

export async function downloadOutputs(
  r: RenderDetail,
  dir: string,
  o: { id: string; output?: string; thumbnail?: boolean; title?: string; format?: unknown; signal?: AbortSignal },
  out: Output,
) {
  if (!r.video_url) throw new CloudError("no_video_url", `render ${o.id} is completed but has no video_url`, { hint: "retry `hyperframes cloud download` later" });
  // Name and extension from local values only: the id we asked for (sanitised), our title, the allowlist.
  const ext = videoExtension(r, o.format);
  const base = `${slug(o.title ?? "render")}-${slug(o.id)}`;
  const video = o.output ? path.resolve(o.output) : fileInside(path.join(dir, "renders"), `${base}.${ext}`);
  out.info(`downloading ${path.relative(process.cwd(), video) || video}`);
  const v = await downloadFile(r.video_url, video, { signal: o.signal });
  let thumbnail: string | undefined;
  if (o.thumbnail) {
    if (!r.thumbnail_url) out.warn(`render ${r.render_id} has no thumbnail_url`);
    else thumbnail = (await downloadFile(r.thumbnail_url, video.replace(/\.[^.]+$/, "") + ".jpg", { signal: o.signal })).path;
  }
  return { video: v.path, bytes: v.bytes, thumbnail };
}

/**
 * Run a command action with Ctrl-C turned into a `CloudCancelledError` (exit 130): SIGINT aborts the
 * signal the action passes to every request, poll and download, and the action stops waiting at once even
 * for a step that takes no signal (packing). A second Ctrl-C falls through to Node's default (immediate exit).
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
    const onSig = () => {
      process.removeListener("SIGINT", onSig);
      const e = new CloudCancelledError("cancelled (Ctrl-C)", { hint });
      ac.abort(e);
      stop(e);
    };
    process.on("SIGINT", onSig);
    try {
      await Promise.race([action(ac.signal, ...args), stopped]);
    } catch (e) {
      throw ac.signal.aborted ? ac.signal.reason : e;
    } finally {
      process.removeListener("SIGINT", onSig);
    }
  };
}

export const SUBMITTED_HINT = "anything already submitted keeps running (and is billed): see `hyperframes cloud list`; re-running the same command re-sends the same Idempotency-Key, so it does not submit a second render";

