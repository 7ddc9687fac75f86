/**
 * What a render has started, and the one place that stops it: the abort hook (kills the encoder and closes the
 * capture pages, so a waiting capture fails at once), the error a failure is reported as, and the teardown run on
 * success, error and abort alike: no orphan Chrome or FFmpeg, no temp folder, no partial output.
 */
import { CompositionError, RenderCancelledError, type HyperframesError } from "../../errors.js";
import type { CaptureSession } from "../capture.js";
import type { Encoder } from "../encode.js";
import type { LaunchedBrowser } from "../launch.js";
import { discardOutput } from "../output-files.js";
import { renderFailure } from "../render-checks.js";
import type { RenderOptions } from "../render-types.js";
import type { RenderServer } from "../server.js";
import { makeTempDir, removeTempDir } from "../temp-files.js";
import { refusalOf, type RenderContext } from "./context.js";
import type { RenderPlan } from "./plan.js";

export class RenderResources {
  server?: RenderServer;
  /** the first browser: the caller's when `sharedBrowser` is given (then it is not closed here) */
  launched?: LaunchedBrowser;
  encoder?: Encoder;
  /** capture pages that may be open */
  readonly sessions: CaptureSession[] = [];
  /** the capture workers' own browsers */
  readonly extraBrowsers: LaunchedBrowser[] = [];
  /** the temp folder: decoded video frames, the audio mix, the encoder's files */
  readonly work = makeTempDir("render");
  /** the output was moved into place (nothing to discard) */
  committed = false;

  private readonly onAbort = () => {
    this.encoder?.kill();
    for (const s of this.sessions) void s.close();
  };

  constructor(
    private readonly opts: RenderOptions,
    private readonly plan: RenderPlan,
  ) {
    opts.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Stop everything started, in order: encoder, pages, browsers, server; then the temp folder and partial output. */
  async release(): Promise<void> {
    this.opts.signal?.removeEventListener("abort", this.onAbort);
    this.encoder?.kill();
    for (const s of this.sessions) await s.close().catch(() => undefined);
    await Promise.all(this.extraBrowsers.map((b) => b.close()));
    if (this.launched && !this.opts.sharedBrowser) await this.launched.close();
    await this.server?.close();
    removeTempDir(this.work);
    if (!this.committed) discardOutput(this.plan.prepared, this.plan.output);
  }
}

/** The error a failed render throws: cancelled when aborted, else what the page was refused if anything, else the failure typed. */
export function renderError(ctx: RenderContext, e: unknown): HyperframesError {
  if (ctx.opts.signal?.aborted && !(e instanceof RenderCancelledError)) return new RenderCancelledError();
  // a refused request is the likely cause of a later failure (a timeout waiting for a blocked image, …): report it
  const refused = e instanceof CompositionError && (e.code === "file_outside_project" || e.code === "network_request_blocked");
  const refusal = e instanceof RenderCancelledError || refused ? undefined : refusalOf(ctx, e);
  return refusal ?? renderFailure(e);
}
