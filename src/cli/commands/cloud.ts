/**
 * `hyperframes cloud ...`: render on HeyGen's cloud (HyperFrames API).
 *   render [dir]     pack, estimate the cost, upload, submit (--wait: poll and download; --batch: one per row)
 *   status <id>      one render
 *   list [--all]     renders (first page, or all pages)
 *   delete <id>      remove a render
 *   download <id>    fetch a finished render's video (and --thumbnail)
 *   listen           receive webhooks, verify them, download finished videos
 * The API key comes from HEYGEN_API_KEY only (never a flag: flags show up in `ps`), and is never printed.
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP during any of them aborts what is in flight and exits 130 (`CloudCancelledError`).
 * Downloaded files are named from local values only (sanitised ids, the mp4/webm/mov allowlist).
 */
import type { Command } from "commander";
import { registerRender } from "./cloud/render.js";
import { registerManage } from "./cloud/manage.js";
import { registerListen } from "./cloud/listen.js";

export { listenStopHooks } from "./cloud/listen.js";

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
  registerRender(cloud);
  registerManage(cloud);
  registerListen(cloud);
}
