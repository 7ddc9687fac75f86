/** `hyperframes cloud listen`: receive render webhooks, verify and de-duplicate them, download finished videos. */
import path from "node:path";
import { Command } from "commander";
import { UsageError } from "../../../errors.js";
import { createOutput, numberOption } from "../../output.js";
import { common, makeClient, type CommonOpts } from "./shared.js";

/** Test hook: stop running `cloud listen` commands. */
export const listenStopHooks = new Set<() => void>();

export function registerListen(cloud: Command): void {
  // ------------------------------------------------------------------ listen
  common(cloud.command("listen").description("receive render webhooks: verify, de-duplicate, download finished videos"))
    .addOption(numberOption("--port <n>", "port to listen on", 8787))
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
      const { startWebhookListener } = await import("../../../cloud/listen.js");
      // Ctrl-C and SIGHUP (the terminal going away) stop it with exit 130, like every cloud command; SIGTERM
      // and the test hook stop it cleanly (0). Watched before the listener starts: a signal right after the
      // "listening" line must not find Node's default handler.
      let release = () => {};
      const stopped = new Promise<"SIGINT" | "SIGTERM" | "hook">((resolve) => {
        const stop = (why: "SIGINT" | "SIGTERM" | "hook") => () => {
          process.removeListener("SIGINT", onInt);
          process.removeListener("SIGHUP", onInt);
          process.removeListener("SIGTERM", onTerm);
          listenStopHooks.delete(onHook);
          resolve(why);
        };
        const onInt = stop("SIGINT");
        const onTerm = stop("SIGTERM");
        const onHook = stop("hook");
        process.once("SIGINT", onInt);
        process.once("SIGHUP", onInt);
        process.once("SIGTERM", onTerm);
        listenStopHooks.add(onHook);
        release = stop("hook");
      });
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
      }).catch((e: unknown) => {
        release();
        throw e;
      });
      const how = await stopped;
      await listener.close();
      // with --json, the stop is the run's final result (Ctrl-C: exit 130, as every cloud command)
      out.result({ type: "stopped", ok: how !== "SIGINT", signal: how === "hook" ? null : how }, "");
      if (how === "SIGINT") {
        out.info("stopped (Ctrl-C)");
        process.exitCode = 130;
      }
    });
}
