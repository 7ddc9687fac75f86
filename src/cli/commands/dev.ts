/** `hyperframes dev [dir]`: live preview with a player, hot reload and a variables panel. */
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { STOP_SIGNALS } from "../signals.js";
import { createOutput, numberOption } from "../output.js";
// the preview (and Vite) load only when `dev` runs: every other command starts faster
import { DEFAULT_HOST, DEFAULT_PORT } from "../../preview/defaults.js";

export function register(program: Command): void {
  program
    .command("dev")
    .alias("preview")
    .description("live preview in the browser: player, clip lanes, variables panel; reloads on every save")
    .argument("[dir]", "project folder", ".")
    .addOption(numberOption("-p, --port <n>", "port to listen on (the next free one is used if it is taken)", DEFAULT_PORT))
    .option("--host <host>", "interface to bind; use 0.0.0.0 to allow other machines", DEFAULT_HOST)
    .option("--open", "open the preview in your browser")
    .option("--json", "print machine-readable events (listening, reload) on stdout")
    .option("--allow-network", "let the preview's Render button render compositions that reach the network (blocked by default, as in `render`)")
    .addHelpText(
      "after",
      `
Keys in the player: Space play/pause · ←/→ one frame (Shift: one second) · Home/End · L loop

Examples:
  $ hyperframes dev                     preview ./index.html on http://localhost:${DEFAULT_PORT}
  $ hyperframes dev my-video --open     and open it in the browser
  $ hyperframes dev --port 4000 --host 0.0.0.0`,
    )
    .action(async (dir: string, opts: { port: string; host: string; open?: boolean; json?: boolean; allowNetwork?: boolean }) => {
      const out = createOutput(!!opts.json);
      const port = Number(opts.port);
      if (!/^\d+$/.test(String(opts.port)) || port > 65535)
        throw new UsageError("preview_bad_port", `--port ${opts.port} is not a valid port`, { hint: "use a number between 1 and 65535" });
      const { startPreview } = await import("../../preview/index.js");
      const server = await startPreview({
        project: dir,
        port,
        host: opts.host,
        open: !!opts.open,
        allowNetwork: !!opts.allowNetwork,
        onReload: (files) => {
          out.event({ type: "reload", files });
          out.info(`  reload ${files.slice(0, 3).join(", ")}${files.length > 3 ? ` (+${files.length - 3})` : ""}`);
        },
      });
      // the stop handlers are in place before the listening line: a caller may signal as soon as it reads it
      const stopped = new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          if (stopping) {
            process.exit(130);
          }
          stopping = true;
          out.info(`\n  stopping (${signal})…`);
          server
            .close()
            .catch((e: unknown) => out.warn(`while closing: ${(e as Error).message}`))
            .finally(() => {
              // with --json, the stop is the run's final result
              out.result({ type: "stopped", signal }, "");
              for (const sig of STOP_SIGNALS) process.off(sig, stop);
              // anything a composition or a render left behind must not keep the process alive
              setTimeout(() => process.exit(0), 1500).unref();
              resolve();
            });
        };
        // Ctrl-C, kill, or the terminal going away (SIGHUP: an SSH disconnect) stop it the same way
        for (const sig of STOP_SIGNALS) process.on(sig, stop);
      });
      if (server.requestedPort !== 0 && server.port !== server.requestedPort) out.warn(`port ${server.requestedPort} is in use; using ${server.port} instead`);
      out.event({ type: "listening", url: server.url, port: server.port, host: server.host, project: server.project, compositions: server.compositions.map((c) => c.file) });
      if (!out.json) {
        process.stdout.write(`\n  HyperFrames preview  ${server.url}\n`);
        process.stdout.write(`  project  ${server.project}  (${server.compositions.map((c) => c.file).join(", ")})\n`);
        if (server.host !== DEFAULT_HOST && server.host !== "localhost") process.stdout.write(`  listening on ${server.host}:${server.port}\n`);
        process.stdout.write(`  press Ctrl-C to stop\n\n`);
      }
      await stopped;
    });
}
