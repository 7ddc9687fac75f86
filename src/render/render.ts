/**
 * `render()`: the local render pipeline.
 *   model → file server (+runtime) → browser → probe page (media, duration) → extract video frames,
 *   mix audio → N capture pages (strided frames, reorder buffer) → FFmpeg stdin → verify → rename.
 * Everything started is stopped on success, error or abort (no orphan Chrome/FFmpeg, no partial file).
 */
import path from "node:path";
import { loadComposition } from "../compose/model.js";
import { readVariableOverrides, mergeVariables } from "../compose/variables.js";
import type { CompositionModel } from "../compose/types.js";
import { frameCount } from "../compose/timing.js";
import { RenderCancelledError, UsageError, CompositionError, OutputVerificationError } from "../errors.js";
import { resolveOptions, parseFrameRange, formatForExtension, FORMAT_TRAITS, type Format, type Quality } from "./options.js";
import { startRenderServer, type RenderServer } from "./server.js";
import { launchBrowser, type LaunchedBrowser } from "./launch.js";
import { CaptureSession, type CaptureMethod, type PageReport } from "./capture.js";
import { startEncoder, QUALITY_PRESETS, type Encoder } from "./encode.js";
import { mixAudio } from "./audio.js";
import { prepareMedia, applyMedia } from "./media-prep.js";
import { verifyOutput, type VerifyReport } from "./verify.js";
import { runFramePipeline } from "./frame-pipeline.js";
import { refusalError, renderFailure } from "./render-checks.js";
import type { RenderOptions, RenderProgress, RenderResult } from "./render-types.js";
import { outputStem, timestamp } from "./output-name.js";
import { commitOutput, discardOutput, outputSize, prepareOutput } from "./output-files.js";
import { makeTempDir, removeTempDir, sweepStaleTemps } from "./temp-files.js";
import { chooseWorkers, longRender } from "./workload.js";
import { assertProjectFolder } from "../compose/project-dir.js";

export { chooseWorkers } from "./workload.js";

/** The contract's frame count rule (compose/timing.ts), under the name the public API has exported. */
export const frameCountFor = frameCount;

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new RenderCancelledError();
}

export type { RenderStage, RenderProgress, RenderOptions, RenderResult } from "./render-types.js";
export { refusalError } from "./render-checks.js";

export async function render(opts: RenderOptions): Promise<RenderResult> {
  const t0 = Date.now();
  const signal = opts.signal;
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    opts.onWarning?.(m);
  };
  // no report before the number of frames is known (total 0 would be no progress at all)
  let knownTotal = 0;
  const progress = (p: Omit<RenderProgress, "elapsedMs" | "phase" | "total" | "encoded"> & { encoded?: number }) => {
    if (!knownTotal) return;
    const phase: RenderProgress["phase"] = p.stage === "capture" || p.stage === "encode" || p.stage === "verify" || p.stage === "done" ? p.stage : "prepare";
    opts.onProgress?.({ phase, ...p, total: knownTotal, encoded: p.encoded ?? 0, elapsedMs: Date.now() - t0 });
  };

  /** a long render says its frame count and a rough estimate first (once, as soon as the length is known) */
  let noted = false;
  const noteLength = (frames: number) => {
    const long = !noted && longRender(frames, fps, model.width, model.height, resolved.quality, resolved.workers);
    noted = true;
    if (long) opts.onLongRender?.(long);
  };

  // no explicit format: an output name's extension picks it (-o clip.webm)
  const outputExt = opts.output ? path.extname(opts.output).slice(1).toLowerCase() : "";
  const impliedFormat = opts.format ?? formatForExtension(outputExt);
  const resolved = resolveOptions<{
    fps?: number;
    quality: Quality;
    format: Format;
    crf?: number;
    workers?: number;
    composition: string;
    strictVariables: boolean;
  }>("local", { ...opts, format: impliedFormat } as unknown as Record<string, unknown>);
  const project = assertProjectFolder(opts.project, "--composition");

  const model: CompositionModel = await loadComposition(project, { entry: resolved.composition, entryFlag: "--composition" });
  // validate --frames before any browser starts (the exact bounds are checked once the length is known)
  const fps = resolved.fps ?? model.fps ?? 30;
  const selection = opts.range !== undefined ? { seconds: opts.range, fps } : undefined;
  if (model.duration > 0) {
    const r = parseFrameRange(opts.frames, frameCountFor(model.duration, fps), selection);
    knownTotal = r.end - r.start;
  } else if (opts.frames || selection) parseFrameRange(opts.frames, Number.MAX_SAFE_INTEGER, selection);
  if (!Number.isInteger(fps) || fps < 1 || fps > 240) throw new UsageError("invalid_option", `--fps must be an integer from 1 to 240, got ${fps}`);
  const overrides = readVariableOverrides({
    variables: typeof opts.variables === "string" || typeof opts.variables === "object" ? opts.variables : undefined,
    variablesFile: opts.variablesFile,
  });
  const merged = mergeVariables(model.variables, overrides, { strict: resolved.strictVariables });
  for (const w of merged.warnings) warn(w);

  const format = resolved.format;
  const quality = resolved.quality;
  const preset = QUALITY_PRESETS[quality];
  const { transparent, audio: withAudio, extension } = FORMAT_TRAITS[format];
  const { width, height } = model;
  if (resolved.crf !== undefined && (format === "gif" || !extension)) warn(`--crf does not apply to a ${format}; it is ignored`);
  if (format === "gif" && fps > 50) warn(`a gif at ${fps} fps plays slower in browsers (frame delays are in 1/100 s, and under 2/100 s they are slowed down): use --fps 25 or less`);

  const output = path.resolve(opts.output ?? path.join(project, "renders", `${outputStem(model.id, project)}_${timestamp()}${extension ? `.${extension}` : ""}`));
  // what killed renders left (temp folders, partial outputs beside this one), then the output checks
  sweepStaleTemps([path.dirname(output)]);
  const prepared = prepareOutput(output, format, opts.output);
  const tmpOut = prepared.tmp;
  if (knownTotal) noteLength(knownTotal);
  const work = makeTempDir("render");
  let committed = false;

  let server: RenderServer | undefined;
  let launched: LaunchedBrowser | undefined;
  let encoder: Encoder | undefined;
  const sessions: CaptureSession[] = [];
  const extraBrowsers: LaunchedBrowser[] = [];
  const onAbort = () => {
    encoder?.kill();
    for (const s of sessions) void s.close();
  };
  signal?.addEventListener("abort", onAbort, { once: true });

  const blockNetwork = !opts.allowNetwork;
  if (!blockNetwork) warn("--allow-network: the composition may reach the network while rendering; what it loads can change the video from one render to the next, and it can send data out");
  /** fail with what the render refused (files outside the project, network requests), if anything */
  const checkRefusals = (cause?: unknown) => {
    const e = server && refusalError(server.refusals, resolved.composition, cause);
    if (e) throw e;
  };

  try {
    throwIfAborted(signal);
    progress({ stage: "load", stageProgress: 0, frame: 0, fps: 0, etaSeconds: 0, message: "starting the browser" });
    server = await startRenderServer({
      projectDir: project,
      entry: resolved.composition,
      inject: { mode: "render", fps, variables: merged.values, transparent, draftLayers: quality === "draft" },
      onWarning: warn,
      blockNetwork,
    });
    const wantBeginFrame = opts.capture !== "screenshot" && !transparent;
    launched =
      opts.sharedBrowser ??
      (await launchBrowser({ browserPath: opts.browser, beginFrame: wantBeginFrame, width, height, debug: opts.debug, blockNetwork }));
    throwIfAborted(signal);
    const method: CaptureMethod = launched.beginFrame && wantBeginFrame ? "beginframe" : "screenshot";
    const caps = launched.capabilities;
    const captureReason =
      method === "beginframe"
        ? `the browser supports it (${caps.beginFrameReason})`
        : transparent
          ? `transparent output (${format}) is captured by screenshot`
          : opts.capture === "screenshot"
            ? "--capture screenshot"
            : `the browser lacks begin-frame capture (${caps.beginFrameReason})`;
    if (opts.capture === "beginframe" && method !== "beginframe") warn(`--capture beginframe is not possible here (${captureReason}); capturing by screenshot`);
    progress({ stage: "load", stageProgress: 0.3, frame: 0, fps: 0, etaSeconds: 0, message: "loading the composition" });
    // gif: JPEG captures (its two passes read them back as one Matroska stream); png-sequence: PNG with alpha
    const imageFormat = format === "gif" ? "jpeg" : transparent || preset.png ? "png" : "jpeg";
    const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;

    const makeSession = (browser = launched!.browser) =>
      new CaptureSession({
        browser,
        url: server!.entryUrl,
        width,
        height,
        fps,
        method,
        format: imageFormat,
        jpegQuality: preset.jpegQuality,
        transparent,
        readyTimeoutMs,
        onConsole: opts.onLog,
        allowedOrigin: blockNetwork ? server!.url : undefined,
        onBlocked: (url, type) => server!.refuse({ kind: "network", url, via: type }),
      });

    // The first page tells us the duration (when not static), media and clips.
    const first = makeSession();
    sessions.push(first);
    await first.open();
    const report: PageReport = await first.load();
    throwIfAborted(signal);
    checkRefusals();
    for (const w of report.warnings) warn(w);
    if (report.errors.length) warn(`page errors during load: ${report.errors.slice(0, 3).join(" | ")}`);
    const duration = model.duration > 0 ? model.duration : report.duration;
    if (!(duration > 0))
      throw new CompositionError("zero_duration", `the composition's duration is 0`, {
        file: resolved.composition,
        hint: 'add data-duration="<seconds>" to the root element',
      });
    const totalFrames = frameCountFor(duration, fps);
    const range = parseFrameRange(opts.frames, totalFrames, selection);
    const frameCount = range.end - range.start;
    knownTotal = frameCount;
    noteLength(frameCount);
    progress({ stage: "load", stageProgress: 0.6, frame: 0, fps: 0, etaSeconds: 0, message: "composition ready" });
    const rangeStart = range.start / fps;

    // ---- media: video frames + audio mix
    const videoCount = Math.max(1, report.media.filter((m) => m.timed && !m.hidden && m.tag === "video").length);
    let decoded = 0;
    const media = await prepareMedia({
      report,
      server,
      project,
      duration,
      fps,
      work,
      audio: withAudio,
      videoFrameCache: opts.videoFrameCache,
      signal,
      warn,
      onDecode: (file) => progress({ stage: "decode", stageProgress: decoded++ / videoCount, frame: 0, fps: 0, etaSeconds: 0, message: `decoding ${path.basename(file)}` }),
    });
    const { tracks } = media;
    if (!withAudio && report.media.some((m) => m.timed && !m.hidden && m.hasAudio && m.volume > 0))
      warn(`the composition has audio; a ${format} has none, so it is left out`);
    throwIfAborted(signal);
    let audioFile: string | undefined;
    if (tracks.length > 0) {
      const inRange = tracks.filter((t) => (t.end ?? Infinity) > rangeStart && t.start < rangeStart + frameCount / fps);
      if (inRange.length > 0) {
        audioFile = path.join(work, "audio.wav");
        progress({ stage: "audio", stageProgress: 0, frame: 0, fps: 0, etaSeconds: 0, message: `mixing ${inRange.length} audio track${inRange.length === 1 ? "" : "s"}` });
        await mixAudio(inRange, audioFile, rangeStart, frameCount / fps, signal);
      }
    }
    throwIfAborted(signal);
    await applyMedia(first, media);

    // ---- capture pages
    const workers = Math.max(1, Math.min(chooseWorkers(frameCount, width * height, resolved.workers), frameCount));
    // one browser process per worker spreads compositing/encoding over cores (a shared browser serialises it)
    const perWorkerBrowser = !opts.sharedBrowser && process.env.HYPERFRAMES_SHARED_BROWSER !== "1";
    let workersReady = 0;
    const workerProgress = () =>
      progress({
        stage: "load",
        stageProgress: 0.6 + (0.4 * workersReady) / Math.max(1, workers - 1),
        frame: 0,
        fps: 0,
        etaSeconds: 0,
        message: `starting capture workers (${workersReady + 1}/${workers} ready)`,
      });
    /** A ready capture page: in its own new browser (ownBrowser) or in the first one. */
    const startSession = async (ownBrowser: boolean): Promise<CaptureSession> => {
      let browser = launched!.browser;
      if (ownBrowser) {
        const b = await launchBrowser({ browserPath: opts.browser, beginFrame: wantBeginFrame, width, height, debug: opts.debug, blockNetwork });
        extraBrowsers.push(b);
        browser = b.browser;
      }
      const s = makeSession(browser);
      sessions.push(s);
      await s.open();
      await s.load();
      await applyMedia(s, media);
      return s;
    };
    if (workers > 1) workerProgress();
    const extra = await Promise.all(
      Array.from({ length: workers - 1 }, () =>
        startSession(perWorkerBrowser).then((s) => {
          workersReady++;
          workerProgress();
          return s;
        }),
      ),
    );
    const pool = [first, ...extra];
    throwIfAborted(signal);

    encoder = startEncoder({
      output: tmpOut,
      format,
      quality,
      crf: resolved.crf,
      fps,
      width,
      height,
      inputFormat: imageFormat,
      audio: audioFile,
      frames: frameCount,
      transparent,
      debug: opts.debug,
      firstFrame: range.start,
      workDir: work,
    });

    const { reused, captureSeconds } = await runFramePipeline({
      pool,
      frameCount,
      firstFrame: range.start,
      encoder,
      signal,
      warn,
      replaceSession: async (old) => {
        await old.close().catch(() => undefined);
        return startSession(true);
      },
      progress,
    });
    checkRefusals();
    for (const s of pool) await s.close();
    sessions.length = 0;
    // the encoder's tail: frames still inside FFmpeg (decoder, filters, the encoder's look-ahead)
    const encodeProgress = () => {
      const done = Math.min(encoder!.encoded, frameCount);
      const r = encoder!.encodeRate();
      progress({
        stage: "encode",
        stageProgress: done / frameCount,
        frame: frameCount,
        encoded: done,
        fps: r,
        etaSeconds: r > 0 ? (frameCount - done) / r : 0,
        message: "finishing the encode",
      });
    };
    encodeProgress();
    const encodeTicker = setInterval(encodeProgress, 250);
    try {
      await encoder.finish();
    } finally {
      clearInterval(encodeTicker);
    }
    throwIfAborted(signal);

    let verify: VerifyReport | undefined;
    if (opts.verify !== false) {
      progress({ stage: "verify", stageProgress: 0, frame: frameCount, encoded: frameCount, fps: frameCount / captureSeconds, etaSeconds: 0, message: "checking the output" });
      try {
        verify = await verifyOutput(tmpOut, { frames: frameCount, fps, width, height, audio: !!audioFile, skipBlackCheck: transparent, format, firstFrame: range.start });
      } catch (e) {
        // an all-black render after a page error: the error is the likely cause, so say it in the message
        if (e instanceof OutputVerificationError && e.code === "output_all_black" && report.errors.length)
          throw new OutputVerificationError("output_all_black", `every sampled frame of the render is black; the page threw during load: ${report.errors[0]}`, {
            file: e.file,
            hint: "fix that script error (run with --debug to see the browser console); pass --no-verify if black is intended",
            cause: e,
          });
        throw e;
      }
    }
    commitOutput(tmpOut, output);
    committed = true;
    const result: RenderResult = {
      output,
      frames: frameCount,
      durationSeconds: frameCount / fps,
      fps,
      width,
      height,
      format,
      quality,
      elapsedMs: Date.now() - t0,
      captureFps: frameCount / Math.max(captureSeconds, 1e-3),
      workers,
      captureMethod: method,
      captureReason,
      browser: launched.resolved.description,
      browserVersion: caps.version,
      browserProcess: launched.singleProcess ? "single" : "multi",
      browserProcessReason: launched.singleProcess ? caps.singleProcessReason : !caps.beginFrame || !caps.singleProcess ? caps.singleProcessReason : "HYPERFRAMES_MULTI_PROCESS=1",
      hasAudio: !!audioFile,
      reusedFrames: reused,
      sizeBytes: outputSize(output),
      warnings,
      verify,
      variables: merged.values,
    };
    progress({ stage: "done", stageProgress: 1, frame: frameCount, encoded: frameCount, fps: result.captureFps, etaSeconds: 0 });
    return result;
  } catch (e) {
    if (signal?.aborted && !(e instanceof RenderCancelledError)) throw new RenderCancelledError();
    // a refused request is the likely cause of a later failure (a timeout waiting for a blocked image, …): report it
    if (!(e instanceof RenderCancelledError) && !(e instanceof CompositionError && (e.code === "file_outside_project" || e.code === "network_request_blocked"))) checkRefusals(e);
    throw renderFailure(e);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    encoder?.kill();
    for (const s of sessions) await s.close().catch(() => undefined);
    await Promise.all(extraBrowsers.map((b) => b.close()));
    if (launched && !opts.sharedBrowser) await launched.close();
    await server?.close();
    removeTempDir(work);
    if (!committed) discardOutput(prepared, output);
  }
}
