/**
 * `hyperframes cloud render [dir]`: flags → `cloudRender()` / `cloudRenderBatch()` (src/cloud/cloud-render.ts),
 * which pack, estimate the cost, upload, submit (--wait: poll and download; --batch: one per row). This file
 * reads the flags, asks the cost question (or wants --yes) and prints the library's events.
 */
import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { CloudError, UsageError } from "../../../errors.js";
import { resolveOptions, toCloudBody } from "../../../render/options.js";
import { addRenderFlags, readRenderFlags } from "../../render-flags.js";
import { mapOfficialValues } from "../../official-flags.js";
import { createOutput, numberOption, type Output } from "../../output.js";
import { secondsFlag } from "../../durations.js";
import { checkIdempotencyKey } from "../../../cloud/client.js";
import { DEFAULT_INLINE_MAX, MB, fmtBytes } from "../../../cloud/upload.js";
// the packager (zip, linter) and the row reader (CSV) load when the command runs (cloud-render.js): other commands start without them
import type { CloudRenderEstimate, CloudRenderEvent, CloudRenderSettings } from "../../../cloud/cloud-render.js";
import { common, makeClient, confirm, progressPrinter, cancellable, shortPath, SUBMITTED_HINT, type CommonOpts } from "./shared.js";

export function registerRender(cloud: Command): void {
  const render = common(cloud.command("render").description("pack the project, upload it and render it in the cloud").argument("[dir]", "project folder", "."));
  addRenderFlags(render, "cloud");
  render
    .option("--wait", "poll until the render finishes, then download the video into <dir>/renders/")
    .option("--thumbnail", "with --wait: also download the thumbnail")
    .option("-o, --output <file>", "with --wait: where to write the video")
    .option("-y, --yes", "submit without asking to confirm the cost estimate")
    .addOption(numberOption("--inline-max <mb>", "largest zip sent inline as base64, in MB (bigger zips are uploaded as assets)", DEFAULT_INLINE_MAX / MB))
    .option("--batch <file>", "one render per row of a .json or .csv file (row = variables); waits and downloads all")
    .addOption(numberOption("--max-in-flight <n>", "batch: most renders queued/rendering at once", 10))
    .addOption(numberOption("--poll-interval <seconds>", "first poll interval in seconds, decimals allowed (then ×1.5 each poll, up to 15 s)", 2))
    .option("--idempotency-key <key>", "Idempotency-Key for the create request (default: derived from the zip's sha256 and the settings, so re-running the same command never creates a second render)")
    .addOption(new Option("--state <file>", "batch: state file (default <dir>/renders/cloud-batch-state.json)"))
    .addHelpText(
      "after",
      `
Cost: the estimate (per output minute: 1080p/30fps $0.10, 1080p/60fps $0.20, 4K/30fps $0.15, 4K/60fps $0.30;
duration from the composition) is printed before submitting. On a terminal you are asked to confirm (y/N).
Without a terminal (scripts, CI) the command REFUSES to submit unless --yes is given, so a script never
spends money by accident.

Re-runs: the create request carries an Idempotency-Key derived from the zip and the settings; the API
answers a repeat of it (for 24 hours) with the render it already made. So after a failure that leaves it
unclear whether the render was created, running the same command again is safe. To render the very same
project and settings again on purpose, pass another --idempotency-key.

Batch: --batch renders one video per row (columns/keys = variable overrides), at most --max-in-flight at
once, and records progress in a state file after every change. Run the same command again after a crash
or Ctrl-C: finished and already-submitted rows are not submitted again.

Examples:
  $ hyperframes cloud render my-video --wait
  $ hyperframes cloud render my-video --resolution 4k --fps 60 --yes --json
  $ hyperframes cloud render my-video --batch rows.csv --max-in-flight 5 --yes`,
    )
    .action(cancellable(SUBMITTED_HINT, renderAction));
}

/** The action: read and check the flags, then one render (--wait: to the video) or a batch, and its result. */
async function renderAction(signal: AbortSignal, dir: string, raw: Record<string, unknown> & CommonOpts, cmd: Command): Promise<void> {
  const out = createOutput(!!raw.json);
  const client = makeClient(raw, cmd);
  for (const n of mapOfficialValues(raw)) process.stderr.write(`note: ${n}\n`);
  const { settings, inlineMb, pollIntervalMs } = await readCloudFlags(raw);
  const { cloudRender, cloudRenderBatch } = await import("../../../cloud/cloud-render.js");
  const prog = progressPrinter(out);
  const common = {
    project: dir,
    settings,
    client,
    inlineMaxBytes: Math.round(inlineMb * MB),
    pollIntervalMs,
    signal,
    confirm: raw.yes ? undefined : (est: CloudRenderEstimate) => confirmCost(est, signal),
    onEvent: (e: CloudRenderEvent) => report(e, out, prog),
  };
  if (raw.batch) {
    const res = await cloudRenderBatch({ ...common, rows: String(raw.batch), statePath: raw.state === undefined ? undefined : String(raw.state), maxInFlight: Number(raw.maxInFlight) });
    out.result(
      { type: "cloud-batch", ok: res.failed === 0, completed: res.completed, failed: res.failed, submitted: res.submitted, state: res.statePath, rows: res.state.rows },
      `batch: ${res.completed} completed, ${res.failed} failed (state: ${res.statePath})`,
    );
    if (res.failed > 0) process.exitCode = 1;
    return;
  }
  const r = await cloudRender({
    ...common,
    wait: !!raw.wait,
    output: raw.output as string | undefined,
    thumbnail: !!raw.thumbnail,
    idempotencyKey: raw.idempotencyKey !== undefined ? String(raw.idempotencyKey) : undefined,
  }).finally(() => prog.done());
  const estimate_usd = Number(r.estimate.cost.toFixed(4));
  if (!raw.wait) {
    out.result(
      { type: "cloud-render", render_id: r.render_id, status: r.status, callback_id: r.callback_id, idempotency_key: r.idempotency_key, upload: r.upload, estimate_usd },
      `${r.render_id} ${r.status} — check with: hyperframes cloud status ${r.render_id}`,
    );
    return;
  }
  out.result(
    { type: "cloud-render", render_id: r.render_id, status: r.status, duration: r.duration, video: r.video, bytes: r.bytes, thumbnail: r.thumbnail, idempotency_key: r.idempotency_key, upload: r.upload, estimate_usd },
    `${r.video} (${fmtBytes(r.bytes ?? 0)})`,
  );
}

/** The render settings (--variables-file read here), --inline-max, --poll-interval and --idempotency-key, checked. */
async function readCloudFlags(raw: Record<string, unknown>): Promise<{ settings: CloudRenderSettings; inlineMb: number; pollIntervalMs: number }> {
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
  const settings = toCloudBody(resolveOptions<Record<string, unknown>>("cloud", flags)) as CloudRenderSettings;
  const inlineMb = Number(raw.inlineMax);
  if (!Number.isFinite(inlineMb) || inlineMb < 0) throw new UsageError("invalid_option", `--inline-max must be a number of MB, got "${String(raw.inlineMax)}"`);
  const pollIntervalMs = secondsFlag("--poll-interval", raw.pollInterval, { min: 0.01, max: 600 });
  if (raw.idempotencyKey !== undefined) {
    if (raw.batch) throw new UsageError("invalid_option", "--idempotency-key is for single renders; a batch keeps one key per row in its state file");
    try {
      checkIdempotencyKey(String(raw.idempotencyKey));
    } catch (e) {
      throw new UsageError("invalid_option", (e as Error).message, { hint: (e as CloudError).hint });
    }
  }
  return { settings, inlineMb, pollIntervalMs };
}

/** The cost question: asked on a terminal; without one, refused (scripts pass --yes). */
async function confirmCost(est: CloudRenderEstimate, signal: AbortSignal): Promise<boolean> {
  const text = `estimated cost: ${est.text}`;
  if (!(process.stdin.isTTY && process.stderr.isTTY))
    throw new UsageError("confirmation_required", `not submitting without confirmation (${text}); no terminal to ask on`, { hint: "pass --yes to submit from scripts" });
  if (!(await confirm("submit? [y/N] ", signal))) throw new UsageError("not_confirmed", "not submitted (cost not confirmed)", { hint: "pass --yes to skip the question" });
  return true;
}

/** The library's events as the command prints them: JSON lines with --json, else lines on stderr. */
function report(e: CloudRenderEvent, out: Output, prog: ReturnType<typeof progressPrinter>): void {
  switch (e.type) {
    case "packed":
      for (const w of e.warnings) out.warn(w);
      return out.info(`packed ${e.files} files (${fmtBytes(e.bytes)})`);
    case "estimate":
      out.event({ type: "estimate", cost_usd: Number(e.cost.toFixed(4)), minutes: e.minutes, rate_per_minute: e.ratePerMinute, renders: e.renders });
      if (!out.json) process.stderr.write(`estimated cost: ${e.text}\n`);
      return;
    case "step":
      return out.info(e.message);
    case "submitted":
      out.event({ type: "submitted", render_id: e.render_id, status: e.status, upload: e.upload, idempotency_key: e.idempotency_key });
      return out.info(`submitted ${e.render_id} (${e.upload} upload, ${fmtBytes(e.bytes)})`);
    case "status":
      return prog.update(e.render, e.elapsedMs);
    case "downloading":
      prog.done();
      return out.info(`downloading ${shortPath(e.path)}`);
    case "warning":
      return out.warn(e.message);
    case "batch": {
      const b = e.event;
      out.event({ ...b, type: `batch_${b.type}` });
      if (b.type === "submitted") out.info(`row ${b.index + 1}: submitted ${b.render_id}${b.recovered ? " (recovered)" : ""}`);
      else if (b.type === "downloaded") out.info(`row ${b.index + 1}: ${b.path}`);
      else if (b.type === "failed") out.warn(`row ${b.index + 1}: failed: ${b.error}`);
      else if (b.type === "resumed") out.info(`resuming: ${b.done} done, ${b.inFlight} in flight, ${b.pending} to go`);
    }
  }
}
