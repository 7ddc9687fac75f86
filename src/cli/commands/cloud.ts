/**
 * `hyperframes cloud ...`: render on HeyGen's cloud (HyperFrames API).
 *   render [dir]     pack, estimate the cost, upload, submit (--wait: poll and download; --batch: one per row)
 *   status <id>      one render
 *   list [--all]     renders (first page, or all pages)
 *   delete <id>      remove a render
 *   download <id>    fetch a finished render's video (and --thumbnail)
 *   listen           receive webhooks, verify them, download finished videos
 * The API key comes from HEYGEN_API_KEY only (never a flag: flags show up in `ps`), and is never printed.
 */
import path from "node:path";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { Command, Option } from "commander";
import { CloudError, UsageError } from "../../errors.js";
import { resolveOptions, toCloudBody } from "../../render/options.js";
import { addRenderFlags, readRenderFlags } from "../render-flags.js";
import { createOutput, redactSecrets, type Output } from "../output.js";
import { HyperframesCloud, type CreateRenderRequest, type RenderDetail } from "../../upload/client.js";
import { DEFAULT_INLINE_MAX, MB, createRenderFromZip, fmtBytes, uploadProject } from "../../upload/upload.js";
import { downloadFile } from "../../upload/download.js";
import { estimateCost, formatCost } from "../../upload/pricing.js";
// the packager (zip, linter), the batch runner (CSV) and the webhook listener load in the commands that use them
import { slug } from "../../upload/fsutil.js";

interface CommonOpts {
  apiBase?: string;
  json?: boolean;
  timeout?: string;
}

function common(cmd: Command): Command {
  return cmd
    .option("--api-base <url>", "API base URL (default: HEYGEN_API_BASE_URL, else https://api.heygen.com)")
    .option("--timeout <ms>", "per-request timeout in milliseconds", "30000")
    .option("--json", "machine-readable output (JSON lines on stdout)");
}

function isDebug(cmd: Command): boolean {
  return !!cmd.optsWithGlobals().debug || process.argv.includes("--debug");
}

function makeClient(o: CommonOpts, cmd: Command): HyperframesCloud {
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
function validateRequest(body: Record<string, unknown>): void {
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

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const a = await rl.question(question);
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}

function progressPrinter(out: Output) {
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

async function downloadOutputs(r: RenderDetail, dir: string, o: { output?: string; thumbnail?: boolean; title?: string; signal?: AbortSignal }, out: Output) {
  if (!r.video_url) throw new CloudError("no_video_url", `render ${r.render_id} is completed but has no video_url`, { hint: "retry `hyperframes cloud download` later" });
  const ext = r.format ?? /\.(mp4|webm|mov)(\?|$)/.exec(r.video_url)?.[1] ?? "mp4";
  const base = `${slug(o.title ?? r.title ?? "render")}-${slug(r.render_id)}`;
  const video = path.resolve(o.output ?? path.join(dir, "renders", `${base}.${ext}`));
  out.info(`downloading ${path.relative(process.cwd(), video) || video}`);
  const v = await downloadFile(r.video_url, video, { signal: o.signal });
  let thumbnail: string | undefined;
  if (o.thumbnail) {
    if (!r.thumbnail_url) out.warn(`render ${r.render_id} has no thumbnail_url`);
    else thumbnail = (await downloadFile(r.thumbnail_url, video.replace(/\.[^.]+$/, "") + ".jpg", { signal: o.signal })).path;
  }
  return { video: v.path, bytes: v.bytes, thumbnail };
}

function withSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSig = () => ac.abort(new CloudError("cancelled", "cancelled (Ctrl-C)", { hint: "submitted renders keep running; see `hyperframes cloud list`" }));
  process.once("SIGINT", onSig);
  return { signal: ac.signal, dispose: () => process.removeListener("SIGINT", onSig) };
}

export function register(program: Command): void {
  const cloud = program
    .command("cloud")
    .description("render on HeyGen's cloud (needs HEYGEN_API_KEY); see `hyperframes cloud render --help`")
    // report flag errors (e.g. a bad --resolution choice) through main()'s error path instead of exiting
    .exitOverride()
    .addHelpText(
      "after",
      `
Environment:
  HEYGEN_API_KEY        your HeyGen API key (required; never printed)
  HEYGEN_API_BASE_URL   API base URL (default https://api.heygen.com)
  HEYGEN_WEBHOOK_SECRET secret for \`cloud listen\` (instead of --secret)`,
    );

  // ------------------------------------------------------------------ render
  const render = common(cloud.command("render").description("pack the project, upload it and render it in the cloud").argument("[dir]", "project folder", "."));
  addRenderFlags(render, "cloud");
  render
    .option("--wait", "poll until the render finishes, then download the video into <dir>/renders/")
    .option("--thumbnail", "with --wait / batch: also download the thumbnail")
    .option("-o, --output <file>", "with --wait: where to write the video")
    .option("-y, --yes", "submit without asking to confirm the cost estimate")
    .option("--inline-max <mb>", "largest zip sent inline as base64, in MB (bigger zips are uploaded as assets)", String(DEFAULT_INLINE_MAX / MB))
    .option("--batch <file>", "one render per row of a .json or .csv file (row = variables); waits and downloads all")
    .option("--max-in-flight <n>", "batch: most renders queued/rendering at once", "10")
    .option("--poll-interval <ms>", "first poll interval in ms (backs off from there)", "2000")
    .addOption(new Option("--state <file>", "batch: state file (default <dir>/renders/cloud-batch-state.json)"))
    .addHelpText(
      "after",
      `
Cost: the estimate (per output minute: 1080p/30fps $0.10, 1080p/60fps $0.20, 4K/30fps $0.15, 4K/60fps $0.30;
duration from the composition) is printed before submitting. On a terminal you are asked to confirm (y/N).
Without a terminal (scripts, CI) the command REFUSES to submit unless --yes is given, so a script never
spends money by accident.

Batch: --batch renders one video per row (columns/keys = variable overrides), at most --max-in-flight at
once, and records progress in a state file after every change. Run the same command again after a crash
or Ctrl-C: finished and already-submitted rows are not submitted again.

Examples:
  $ hyperframes cloud render my-video --wait
  $ hyperframes cloud render my-video --resolution 4k --fps 60 --yes --json
  $ hyperframes cloud render my-video --batch rows.csv --max-in-flight 5 --yes`,
    )
    .action(async (dir: string, raw: Record<string, unknown> & CommonOpts, cmd: Command) => {
      const out = createOutput(!!raw.json);
      const client = makeClient(raw, cmd);
      if (!client.http.hasKey)
        throw new CloudError("missing_api_key", "no HeyGen API key: HEYGEN_API_KEY is not set", { hint: "export HEYGEN_API_KEY=<your key>" });
      const flags = readRenderFlags(raw, "cloud");
      if (flags.variablesFile !== undefined) {
        if (flags.variables !== undefined) throw new UsageError("invalid_option", "use --variables or --variables-file, not both");
        const f = String(flags.variablesFile);
        try {
          flags.variables = JSON.parse(await readFile(f, "utf8"));
        } catch (e) {
          throw new UsageError("invalid_option", `--variables-file ${f} could not be read as JSON: ${(e as Error).message}`, { file: f });
        }
      }
      const resolved = resolveOptions<Record<string, unknown>>("cloud", flags);
      const projectDir = path.resolve(dir);
      if (resolved.title === undefined) resolved.title = path.basename(projectDir);
      const body = toCloudBody(resolved);
      validateRequest(body);
      const inlineMb = Number(raw.inlineMax);
      if (!Number.isFinite(inlineMb) || inlineMb < 0) throw new UsageError("invalid_option", `--inline-max must be a number of MB, got "${String(raw.inlineMax)}"`);
      const pollMs = Number(raw.pollInterval);
      if (!Number.isFinite(pollMs) || pollMs < 10) throw new UsageError("invalid_option", `--poll-interval must be at least 10 ms`);

      const [{ packProject }, { readRows, coerceRow, runCloudBatch }] = await Promise.all([import("../../upload/packager.js"), import("../../upload/batch.js")]);
      let rows: Record<string, unknown>[] | undefined;
      if (raw.batch) rows = await readRows(String(raw.batch));

      // 1. pack (lint errors block)
      const pack = await packProject(projectDir, { entry: String(body.composition ?? "index.html") });
      for (const w of pack.warnings) out.warn(w);
      out.info(`packed ${pack.files.length} files (${fmtBytes(pack.bytes)})`);
      if (body.fps === undefined && pack.model.fps) body.fps = pack.model.fps;

      // 2. cost estimate + confirmation
      const n = rows?.length ?? 1;
      const est = estimateCost(pack.model.duration * n, Number(body.fps ?? 30), (body.resolution as "1080p" | "4k") ?? "1080p");
      const estText = `estimated cost: ${formatCost(est)}${n > 1 ? ` for ${n} renders` : ""}`;
      out.event({ type: "estimate", cost_usd: Number(est.cost.toFixed(4)), minutes: est.minutes, rate_per_minute: est.ratePerMinute, renders: n });
      if (!out.json) process.stderr.write(estText + "\n");
      if (!raw.yes) {
        if (process.stdin.isTTY && process.stderr.isTTY) {
          if (!(await confirm("submit? [y/N] "))) throw new UsageError("not_confirmed", "not submitted (cost not confirmed)", { hint: "pass --yes to skip the question" });
        } else
          throw new UsageError("confirmation_required", `not submitting without confirmation (${estText}); no terminal to ask on`, {
            hint: "pass --yes to submit from scripts",
          });
      }

      const { signal, dispose } = withSignal();
      try {
        const uploadOpts = {
          inlineMaxBytes: Math.round(inlineMb * MB),
          filename: `${slug(path.basename(projectDir))}.zip`,
          signal,
          onStep: (s: string) => out.info(s),
        };
        // 3a. batch
        if (rows) {
          const statePath = path.resolve(String(raw.state ?? path.join(projectDir, "renders", "cloud-batch-state.json")));
          const decls = pack.model.variables;
          const res = await runCloudBatch({
            client,
            rows: rows.map((r) => coerceRow(r, decls)),
            base: body as Omit<CreateRenderRequest, "project">,
            // a batch reuses one uploaded asset for every row (never inline: it would be re-sent per row)
            project: async () => (await uploadProject(client, pack.zip, { ...uploadOpts, inlineMaxBytes: 0 })).project,
            zipSha256: pack.sha256,
            statePath,
            outDir: path.join(projectDir, "renders"),
            maxInFlight: Number(raw.maxInFlight),
            pollIntervalMs: pollMs,
            signal,
            onEvent: (e) => {
              out.event({ ...e, type: `batch_${e.type}` });
              if (e.type === "submitted") out.info(`row ${e.index + 1}: submitted ${e.render_id}${e.recovered ? " (recovered)" : ""}`);
              else if (e.type === "downloaded") out.info(`row ${e.index + 1}: ${e.path}`);
              else if (e.type === "failed") out.warn(`row ${e.index + 1}: failed: ${e.error}`);
              else if (e.type === "resumed") out.info(`resuming: ${e.done} done, ${e.inFlight} in flight, ${e.pending} to go`);
            },
          });
          out.result(
            { type: "cloud-batch", completed: res.completed, failed: res.failed, submitted: res.submittedThisRun, state: statePath, rows: res.state.rows },
            `batch: ${res.completed} completed, ${res.failed} failed (state: ${statePath})`,
          );
          if (res.failed > 0) process.exitCode = 1;
          return;
        }
        // 3b. single render
        const { created, upload: up } = await createRenderFromZip(client, pack.zip, body as Omit<CreateRenderRequest, "project">, uploadOpts);
        out.event({ type: "submitted", render_id: created.render_id, status: created.status, upload: up.method });
        out.info(`submitted ${created.render_id} (${up.method} upload, ${fmtBytes(up.bytes)})`);
        if (!raw.wait) {
          out.result(
            { type: "cloud-render", render_id: created.render_id, status: created.status, callback_id: created.callback_id, upload: up.method, estimate_usd: Number(est.cost.toFixed(4)) },
            `${created.render_id} ${created.status} — check with: hyperframes cloud status ${created.render_id}`,
          );
          return;
        }
        const prog = progressPrinter(out);
        const done = await client.waitForRender(created.render_id, { signal, intervalMs: pollMs, onStatus: (r, ms) => prog.update(r, ms) });
        prog.done();
        if (done.status === "failed")
          throw new CloudError("render_failed", `cloud render ${done.render_id} failed: ${done.failure_message ?? "no reason given"}`, {
            hint: "render it locally with `hyperframes render` to see the error",
          });
        const files = await downloadOutputs(done, projectDir, { output: raw.output as string | undefined, thumbnail: !!raw.thumbnail, title: String(body.title), signal }, out);
        out.result(
          { type: "cloud-render", render_id: done.render_id, status: done.status, duration: done.duration, ...files, upload: up.method, estimate_usd: Number(est.cost.toFixed(4)) },
          `${files.video} (${fmtBytes(files.bytes)})`,
        );
      } finally {
        dispose();
      }
    });

  // ------------------------------------------------------------------ status / list / delete / download
  common(cloud.command("status").description("show one cloud render").argument("<id>", "render id")).action(async (id: string, o: CommonOpts, cmd: Command) => {
    const out = createOutput(!!o.json);
    const r = await makeClient(o, cmd).getRender(id);
    out.result(
      { type: "render", ...r },
      [`${r.render_id}: ${r.status}`, r.title ? `title: ${r.title}` : "", r.duration ? `duration: ${r.duration} s` : "", r.video_url ? `video: ${r.video_url}` : "", r.failure_message ? `failure: ${r.failure_message}` : ""]
        .filter(Boolean)
        .join("\n"),
    );
  });

  common(cloud.command("list").description("list cloud renders (first page; --all for every page)"))
    .option("--all", "follow next_token through every page")
    .option("--limit <n>", "page size (1-100)", "20")
    .action(async (o: CommonOpts & { all?: boolean; limit: string }, cmd: Command) => {
      const out = createOutput(!!o.json);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError("invalid_option", `--limit must be an integer from 1 to 100, got "${o.limit}"`);
      const c = makeClient(o, cmd);
      let renders: RenderDetail[];
      let has_more = false;
      let next_token: string | null = null;
      if (o.all) renders = await c.listAllRenders({ limit });
      else ({ data: renders, has_more, next_token } = await c.listRenders({ limit }));
      out.result(
        { type: "renders", renders, has_more, next_token },
        renders.length === 0
          ? "no renders"
          : renders.map((r) => `${r.render_id}  ${r.status.padEnd(9)}  ${r.title ?? ""}`).join("\n") + (has_more ? "\n(more: use --all)" : ""),
      );
    });

  common(cloud.command("delete").description("delete a cloud render").argument("<id>", "render id")).action(async (id: string, o: CommonOpts, cmd: Command) => {
    const out = createOutput(!!o.json);
    await makeClient(o, cmd).deleteRender(id);
    out.result({ type: "deleted", render_id: id }, `deleted ${id}`);
  });

  common(cloud.command("download").description("download a finished cloud render").argument("<id>", "render id"))
    .option("--dir <dir>", "project folder: the video goes to <dir>/renders/", ".")
    .option("-o, --output <file>", "where to write the video")
    .option("--thumbnail", "also download the thumbnail")
    .action(async (id: string, o: CommonOpts & { dir: string; output?: string; thumbnail?: boolean }, cmd: Command) => {
      const out = createOutput(!!o.json);
      const r = await makeClient(o, cmd).getRender(id);
      if (r.status !== "completed")
        throw new CloudError("render_not_completed", `cloud render ${id} is ${r.status}${r.failure_message ? `: ${r.failure_message}` : ""}`, {
          hint: r.status === "failed" ? "re-submit it" : `wait, or use \`hyperframes cloud status ${id}\``,
        });
      const files = await downloadOutputs(r, path.resolve(o.dir), { output: o.output, thumbnail: o.thumbnail }, out);
      out.result({ type: "downloaded", render_id: id, ...files }, `${files.video} (${fmtBytes(files.bytes)})`);
    });

  // ------------------------------------------------------------------ listen
  common(cloud.command("listen").description("receive render webhooks: verify, de-duplicate, download finished videos"))
    .option("--port <n>", "port to listen on", "8787")
    .option("--host <addr>", "address to bind", "127.0.0.1")
    .option("--secret <secret>", "webhook signing secret (prefer HEYGEN_WEBHOOK_SECRET: flags are visible in ps)")
    .option("--dir <dir>", "videos go to <dir>/renders/", ".")
    .option("--no-download", "only log events")
    .action(async (o: CommonOpts & { port: string; host: string; secret?: string; dir: string; download: boolean }, cmd: Command) => {
      const out = createOutput(!!o.json);
      const secret = o.secret ?? process.env.HEYGEN_WEBHOOK_SECRET;
      if (!secret) throw new UsageError("missing_secret", "no webhook secret", { hint: "set HEYGEN_WEBHOOK_SECRET (or pass --secret)" });
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("invalid_option", `--port must be 0-65535, got "${o.port}"`);
      const client = process.env.HEYGEN_API_KEY ? makeClient(o, cmd) : undefined;
      const { startWebhookListener } = await import("../../upload/listen.js");
      const listener = await startWebhookListener({
        secret,
        port,
        host: o.host,
        outDir: path.join(path.resolve(o.dir), "renders"),
        download: o.download,
        client,
        onEvent: (e) => {
          out.event(e);
          if (out.json) return;
          if (e.type === "listening") out.info(`listening on ${e.url} (Ctrl-C to stop)`);
          else if (e.type === "webhook") out.info(`${e.event_type} ${e.render_id ?? ""}`);
          else if (e.type === "duplicate") out.info(`duplicate delivery ${e.event_id} ignored`);
          else if (e.type === "rejected") out.warn(`rejected delivery: ${e.reason} (${e.message})`);
          else if (e.type === "downloaded") out.info(`downloaded ${e.path}`);
          else if (e.type === "download_failed") out.warn(`download of ${e.render_id} failed: ${e.message}`);
          else if (e.type === "render_failed") out.warn(`render ${e.render_id ?? ""} failed: ${e.message}`);
        },
      });
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.removeListener("SIGINT", stop);
          process.removeListener("SIGTERM", stop);
          listenStopHooks.delete(stop);
          resolve();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        listenStopHooks.add(stop);
      });
      await listener.close();
    });
}

/** Test hook: stop running `cloud listen` commands. */
export const listenStopHooks = new Set<() => void>();
