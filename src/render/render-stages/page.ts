/**
 * Stage 2 of render(): the page. The render server (the project's files and the runtime, the variables
 * injected), the browser (the caller's shared one or a new launch), the capture method and why, and the first
 * capture page loaded: its report gives the duration when the composition does not declare one, so the frame
 * range and the total are known after this stage. openSession() opens every later capture page the same way.
 */
import type { Browser } from "puppeteer-core";
import { frameCount as framesFor } from "../../compose/timing.js";
import { CompositionError } from "../../errors.js";
import { CaptureSession, type CaptureMethod, type ImageFormat, type PageReport } from "../capture.js";
import { launchBrowser, type LaunchedBrowser, type LaunchOptions } from "../launch.js";
import { parseFrameRange, type FrameRange } from "../options.js";
import { startRenderServer, type RenderServer } from "../server.js";
import { checkRefusals, throwIfAborted, type RenderContext } from "./context.js";

/** What every capture page of the render is made with. */
export interface SessionSpec {
  server: RenderServer;
  method: CaptureMethod;
  /** gif: JPEG captures (its two passes read them back as one Matroska stream); transparent: PNG with alpha */
  imageFormat: ImageFormat;
  /** begin-frame control is asked of every browser launched for this render */
  wantBeginFrame: boolean;
}

export interface PageSetup extends SessionSpec {
  launched: LaunchedBrowser;
  /** why this capture method (the result says it) */
  captureReason: string;
  /** the first capture page, loaded (it becomes worker 0) */
  first: CaptureSession;
  /** what the first page reported: duration, media, warnings, errors */
  report: PageReport;
  /** composition length (s) */
  duration: number;
  range: FrameRange;
  /** frames to render */
  frameCount: number;
}

/** The launch options of every browser this render starts. */
export function launchOptions(ctx: RenderContext, beginFrame: boolean): LaunchOptions {
  const { opts, plan } = ctx;
  return { browserPath: opts.browser, beginFrame, width: plan.width, height: plan.height, debug: opts.debug, blockNetwork: plan.blockNetwork };
}

/** A new capture page in `browser`, listed among the live ones (closed on abort and in teardown), opened. */
export async function openSession(ctx: RenderContext, spec: SessionSpec, browser: Browser): Promise<CaptureSession> {
  const { opts, plan } = ctx;
  const s = new CaptureSession({
    browser,
    url: spec.server.entryUrl,
    width: plan.width,
    height: plan.height,
    fps: plan.fps,
    method: spec.method,
    format: spec.imageFormat,
    jpegQuality: plan.preset.jpegQuality,
    transparent: plan.transparent,
    readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
    onConsole: opts.onLog,
    allowedOrigin: plan.blockNetwork ? spec.server.url : undefined,
    onBlocked: (url, type) => spec.server.refuse({ kind: "network", url, via: type }),
    onFontService: spec.server.noteFontService,
  });
  ctx.live.sessions.push(s);
  await s.open();
  return s;
}

/** beginframe when wanted and the browser has it, else screenshot; and why, in words. */
function chooseCapture(ctx: RenderContext, launched: LaunchedBrowser, wantBeginFrame: boolean): { method: CaptureMethod; captureReason: string } {
  const { opts, plan } = ctx;
  const method: CaptureMethod = launched.beginFrame && wantBeginFrame ? "beginframe" : "screenshot";
  const caps = launched.capabilities;
  const captureReason =
    method === "beginframe"
      ? `the browser supports it (${caps.beginFrameReason})`
      : plan.transparent
        ? `transparent output (${plan.format}) is captured by screenshot`
        : opts.capture === "screenshot"
          ? "--capture screenshot"
          : `the browser lacks begin-frame capture (${caps.beginFrameReason})`;
  if (opts.capture === "beginframe" && method !== "beginframe") ctx.reporter.warn(`--capture beginframe is not possible here (${captureReason}); capturing by screenshot`);
  return { method, captureReason };
}

/** The composition's length (declared, else as the page reported it) and the frames to render within it. */
function measure(ctx: RenderContext, report: PageReport): { duration: number; range: FrameRange; frameCount: number } {
  const { opts, plan, reporter } = ctx;
  const duration = plan.model.duration > 0 ? plan.model.duration : report.duration;
  if (!(duration > 0))
    throw new CompositionError("zero_duration", `the composition's duration is 0`, {
      file: plan.composition,
      hint: 'add data-duration="<seconds>" to the root element',
    });
  const range = parseFrameRange(opts.frames, framesFor(duration, plan.fps), plan.selection);
  const frameCount = range.end - range.start;
  reporter.total = frameCount;
  reporter.noteLength(frameCount, plan);
  return { duration, range, frameCount };
}

export async function setUpPage(ctx: RenderContext): Promise<PageSetup> {
  const { opts, plan, reporter, live } = ctx;
  throwIfAborted(ctx);
  reporter.progress({ stage: "load", stageProgress: 0, frame: 0, fps: 0, etaSeconds: 0, message: "starting the browser" });
  const server = (live.server = await startRenderServer({
    projectDir: plan.project,
    entry: plan.composition,
    inject: { mode: "render", fps: plan.fps, variables: plan.variables, transparent: plan.transparent },
    onWarning: reporter.warn,
    blockNetwork: plan.blockNetwork,
  }));
  const wantBeginFrame = opts.capture !== "screenshot" && !plan.transparent;
  const launched = (live.launched = opts.sharedBrowser ?? (await launchBrowser(launchOptions(ctx, wantBeginFrame))));
  throwIfAborted(ctx);
  const { method, captureReason } = chooseCapture(ctx, launched, wantBeginFrame);
  reporter.progress({ stage: "load", stageProgress: 0.3, frame: 0, fps: 0, etaSeconds: 0, message: "loading the composition" });
  const imageFormat: ImageFormat = plan.format === "gif" ? "jpeg" : plan.transparent || plan.preset.png ? "png" : "jpeg";
  const spec: SessionSpec = { server, method, imageFormat, wantBeginFrame };

  // The first page tells us the duration (when not static), media and clips.
  const first = await openSession(ctx, spec, launched.browser);
  const report = await first.load();
  throwIfAborted(ctx);
  checkRefusals(ctx);
  for (const w of report.warnings) reporter.warn(w);
  if (report.errors.length) reporter.warn(`page errors during load: ${report.errors.slice(0, 3).join(" | ")}`);
  const { duration, range, frameCount } = measure(ctx, report);
  reporter.progress({ stage: "load", stageProgress: 0.6, frame: 0, fps: 0, etaSeconds: 0, message: "composition ready" });
  return { ...spec, launched, captureReason, first, report, duration, range, frameCount };
}
