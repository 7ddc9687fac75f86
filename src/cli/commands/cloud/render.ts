/** `hyperframes cloud render [dir]`: pack, estimate the cost, upload, submit (--wait: poll and download; --batch: one per row). */
import path from "node:path";
import os from "node:os";
import { openAsBlob } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { Command, Option } from "commander";
import { CloudError, UsageError } from "../../../errors.js";
import { resolveOptions, toCloudBody } from "../../../render/options.js";
import { addRenderFlags, readRenderFlags } from "../../render-flags.js";
import { mapOfficialValues } from "../../official-flags.js";
import { createOutput, numberOption } from "../../output.js";
import { checkIdempotencyKey, renderIdempotencyKey, type CreateRenderRequest } from "../../../upload/client.js";
import { DEFAULT_INLINE_MAX, MB, createRenderFromZip, fmtBytes, uploadProject } from "../../../upload/upload.js";
import { estimateCost, formatCost } from "../../../upload/pricing.js";
// the packager (zip, linter) and the batch runner (CSV) load when the command runs: other commands start without them
import { slug } from "../../../upload/fsutil.js";
import { common, makeClient, validateRequest, confirm, progressPrinter, downloadOutputs, cancellable, SUBMITTED_HINT, type CommonOpts } from "./shared.js";

export function registerRender(cloud: Command): void {
  const render = common(cloud.command("render").description("pack the project, upload it and render it in the cloud").argument("[dir]", "project folder", "."));
  addRenderFlags(render, "cloud");
  render
    .option("--wait", "poll until the render finishes, then download the video into <dir>/renders/")
    .option("--thumbnail", "with --wait / batch: also download the thumbnail")
    .option("-o, --output <file>", "with --wait: where to write the video")
    .option("-y, --yes", "submit without asking to confirm the cost estimate")
    .addOption(numberOption("--inline-max <mb>", "largest zip sent inline as base64, in MB (bigger zips are uploaded as assets)", DEFAULT_INLINE_MAX / MB))
    .option("--batch <file>", "one render per row of a .json or .csv file (row = variables); waits and downloads all")
    .addOption(numberOption("--max-in-flight <n>", "batch: most renders queued/rendering at once", 10))
    .addOption(numberOption("--poll-interval <ms>", "first poll interval in ms (backs off from there)", 2000))
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
    .action(cancellable(SUBMITTED_HINT, async (signal: AbortSignal, dir: string, raw: Record<string, unknown> & CommonOpts, cmd: Command) => {
      const out = createOutput(!!raw.json);
      const client = makeClient(raw, cmd);
      if (!client.http.hasKey)
        throw new CloudError("missing_api_key", "no HeyGen API key: HEYGEN_API_KEY is not set", { hint: "export HEYGEN_API_KEY=<your key>" });
      for (const n of mapOfficialValues(raw)) process.stderr.write(`note: ${n}\n`);
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
      if (raw.idempotencyKey !== undefined) {
        if (raw.batch) throw new UsageError("invalid_option", "--idempotency-key is for single renders; a batch keeps one key per row in its state file");
        try {
          checkIdempotencyKey(String(raw.idempotencyKey));
        } catch (e) {
          throw new UsageError("invalid_option", (e as Error).message, { hint: (e as CloudError).hint });
        }
      }

      let rows: Record<string, unknown>[] | undefined;
      const [{ packProjectToFile }, { readRows, coerceRow, runCloudBatch }] = await Promise.all([import("../../../upload/packager.js"), import("../../../upload/batch.js")]);
      if (raw.batch) rows = await readRows(String(raw.batch));

      // 1. pack (lint errors block), streamed into a temp file that is removed afterwards
      const tmpDir = await mkdtemp(path.join(os.tmpdir(), "hf-cloud-"));
      try {
        const pack = await packProjectToFile(projectDir, path.join(tmpDir, `${slug(path.basename(projectDir))}.zip`), { entry: String(body.composition ?? "index.html"), signal });
        signal.throwIfAborted();
        for (const w of pack.warnings) out.warn(w);
        out.info(`packed ${pack.files.length} files (${fmtBytes(pack.bytes)})`);
        if (body.fps === undefined && pack.model.fps) body.fps = pack.model.fps;
        // a file-backed Blob: uploads stream it from disk
        const zip = await openAsBlob(pack.path, { type: "application/zip" });

        // 2. cost estimate + confirmation
        const n = rows?.length ?? 1;
        const est = estimateCost(pack.model.duration * n, Number(body.fps ?? 30), (body.resolution as "1080p" | "4k") ?? "1080p");
        const estText = `estimated cost: ${formatCost(est)}${n > 1 ? ` for ${n} renders` : ""}`;
        out.event({ type: "estimate", cost_usd: Number(est.cost.toFixed(4)), minutes: est.minutes, rate_per_minute: est.ratePerMinute, renders: n });
        if (!out.json) process.stderr.write(estText + "\n");
        if (!raw.yes) {
          if (process.stdin.isTTY && process.stderr.isTTY) {
            if (!(await confirm("submit? [y/N] ", signal))) throw new UsageError("not_confirmed", "not submitted (cost not confirmed)", { hint: "pass --yes to skip the question" });
          } else
            throw new UsageError("confirmation_required", `not submitting without confirmation (${estText}); no terminal to ask on`, {
              hint: "pass --yes to submit from scripts",
            });
        }

        const uploadOpts = {
          inlineMaxBytes: Math.round(inlineMb * MB),
          filename: `${slug(path.basename(projectDir))}.zip`,
          signal,
          sha256: pack.sha256,
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
            project: async () => (await uploadProject(client, zip, { ...uploadOpts, inlineMaxBytes: 0 })).project,
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
            { type: "cloud-batch", ok: res.failed === 0, completed: res.completed, failed: res.failed, submitted: res.submittedThisRun, state: statePath, rows: res.state.rows },
            `batch: ${res.completed} completed, ${res.failed} failed (state: ${statePath})`,
          );
          if (res.failed > 0) process.exitCode = 1;
          return;
        }
        // 3b. single render; the key is derived from the zip and the settings unless given
        const idempotencyKey = raw.idempotencyKey !== undefined ? String(raw.idempotencyKey) : renderIdempotencyKey(pack.sha256, body);
        const { created, upload: up } = await createRenderFromZip(client, zip, body as Omit<CreateRenderRequest, "project">, { ...uploadOpts, idempotencyKey });
        out.event({ type: "submitted", render_id: created.render_id, status: created.status, upload: up.method, idempotency_key: created.idempotency_key });
        out.info(`submitted ${created.render_id} (${up.method} upload, ${fmtBytes(up.bytes)})`);
        if (!raw.wait) {
          out.result(
            {
              type: "cloud-render",
              render_id: created.render_id,
              status: created.status,
              callback_id: created.callback_id,
              idempotency_key: created.idempotency_key,
              upload: up.method,
              estimate_usd: Number(est.cost.toFixed(4)),
            },
            `${created.render_id} ${created.status} — check with: hyperframes cloud status ${created.render_id}`,
          );
          return;
        }
        const prog = progressPrinter(out);
        const done = await client.waitForRender(created.render_id, { signal, intervalMs: pollMs, onStatus: (r, ms) => prog.update(r, ms) });
        prog.done();
        if (done.status === "failed")
          throw new CloudError("render_failed", `cloud render ${created.render_id} failed: ${done.failure_message ?? "no reason given"}`, {
            hint: "render it locally with `hyperframes render` to see the error",
          });
        const files = await downloadOutputs(
          done,
          projectDir,
          { id: created.render_id, output: raw.output as string | undefined, thumbnail: !!raw.thumbnail, title: String(body.title), format: body.format ?? "mp4", signal },
          out,
        );
        out.result(
          {
            type: "cloud-render",
            render_id: created.render_id,
            status: done.status,
            duration: done.duration,
            ...files,
            idempotency_key: created.idempotency_key,
            upload: up.method,
            estimate_usd: Number(est.cost.toFixed(4)),
          },
          `${files.video} (${fmtBytes(files.bytes)})`,
        );
      } finally {
        await rm(tmpDir, { recursive: true, force: true });
      }
    }));
}
