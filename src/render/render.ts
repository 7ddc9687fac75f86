/**
 * `render()`: the local render pipeline.
 *   model → file server (+runtime) → browser → probe page (media, duration) → extract video frames,
 *   mix audio → N capture pages (strided frames, reorder buffer) → FFmpeg stdin → verify → rename.
 * Everything started is stopped on success, error or abort (no orphan Chrome/FFmpeg, no partial file).
 */
import { mkdirSync, mkdtempSync, rmSync, renameSync, existsSync, statSync } from "node:fs";
import { availableParallelism, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { loadComposition } from "../compose/model.js";
import { readVariableOverrides, mergeVariables } from "../compose/variables.js";
import type { CompositionModel } from "../compose/types.js";
import { RenderCancelledError, RenderError, UsageError, HyperframesError, CompositionError, OutputVerificationError } from "../errors.js";
import { resolveOptions, parseFrameRange, FORMATS, type Format, type Quality } from "./options.js";
import { startRenderServer, type RenderServer } from "./server.js";
import { launchBrowser, type LaunchedBrowser } from "./launch.js";
import { CaptureSession, type CaptureMethod, type PageReport } from "./capture.js";
import { startEncoder, QUALITY_PRESETS, type Encoder } from "./encode.js";
import { extractVideoFrames, extractKey } from "./video-frames.js";
import type { VideoFrameCache } from "./frame-cache.js";
import { mixAudio, type AudioTrack } from "./audio.js";
import { verifyOutput, type VerifyReport } from "./verify.js";
import { localFileForUrl, describeMedia } from "./media-source.js";
import { realpathSync } from "node:fs";
import { probe } from "./ffmpeg.js";

function isCrash(e: unknown): boolean {
  if (e instanceof HyperframesError) return false;
  return /Target closed|Session closed|crash|disconnected|Protocol error|detached|Connection closed/i.test((e as Error)?.message ?? "");
}

async function mediaLength(file: string): Promise<number> {
  try {
    const info = await probe(file);
    return Number(info.format.duration ?? 0) || 0;
  } catch {
    return 0;
  }
}

/**
 * The stages of a render, in order: load (browser, composition page; again for the capture workers), decode
 * (video clips to frames), audio (the mix), capture, encode (the encoder finishing after the last captured
 * frame), verify (the output read back), done. decode and audio only when the composition has media.
 */
export type RenderStage = "load" | "decode" | "audio" | "capture" | "encode" | "verify" | "done";

/**
 * A progress report. The first one comes once the number of frames is known: at the start when the
 * composition declares its duration, else once the page has reported it (so `total` is never 0).
 */
export interface RenderProgress {
  /** the coarse phase: prepare (load, decode, audio), capture, encode, verify, done */
  phase: "prepare" | "capture" | "encode" | "verify" | "done";
  /** the stage running now */
  stage: RenderStage;
  /** how far the current stage is, 0 to 1 */
  stageProgress: number;
  /** frames captured so far (of `total`) */
  frame: number;
  /** frames to render */
  total: number;
  /** frames the encoder has finished (of `total`) */
  encoded: number;
  /** capture speed, frames per second (during the encode stage: the encoder's) */
  fps: number;
  /** seconds until the render is done, the encoder's tail included (0 while unknown) */
  etaSeconds: number;
  elapsedMs: number;
  message?: string;
}

export interface RenderOptions {
  /** project directory */
  project: string;
  /** output file; default `<project>/renders/<name>_<timestamp>.<ext>` */
  output?: string;
  /** entry HTML (default index.html) */
  composition?: string;
  fps?: number;
  quality?: Quality;
  format?: Format;
  variables?: Record<string, unknown> | string;
  variablesFile?: string;
  strictVariables?: boolean;
  crf?: number;
  workers?: number;
  /** "START:END" (end exclusive) */
  frames?: string;
  browser?: string;
  signal?: AbortSignal;
  onProgress?: (p: RenderProgress) => void;
  onWarning?: (msg: string) => void;
  /** page console errors / warnings */
  onLog?: (line: string) => void;
  /** check the output (frame count, duration, audio, not black); default true */
  verify?: boolean;
  /** capture method; default beginframe when the browser supports it */
  capture?: CaptureMethod | "auto";
  /** ms to wait for the page to become ready (default 60000) */
  readyTimeoutMs?: number;
  debug?: boolean;
  /** reuse an already-launched browser (batch renders) */
  sharedBrowser?: LaunchedBrowser;
  /** share decoded video frames with other renders (batch renders); frames are kept by the cache */
  videoFrameCache?: VideoFrameCache;
}

export interface RenderResult {
  output: string;
  frames: number;
  durationSeconds: number;
  fps: number;
  width: number;
  height: number;
  format: Format;
  quality: Quality;
  elapsedMs: number;
  captureFps: number;
  workers: number;
  captureMethod: CaptureMethod;
  /** why this capture method: the probe's finding, the transparent format, or --capture */
  captureReason: string;
  browser: string;
  /** the browser's version, as it reports it */
  browserVersion?: string;
  /** single: --single-process; multi: separate processes (screenshot capture, or single-process fails) */
  browserProcess: "single" | "multi";
  browserProcessReason: string;
  hasAudio: boolean;
  reusedFrames: number;
  sizeBytes: number;
  warnings: string[];
  verify?: VerifyReport;
  variables: Record<string, unknown>;
}

function timestamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Frame count rule from the contract: round when within 1e-3 of an integer, else round up. */
export function frameCountFor(duration: number, fps: number): number {
  const exact = duration * fps;
  const r = Math.round(exact);
  return Math.abs(exact - r) < 1e-3 ? r : Math.ceil(exact);
}

export function chooseWorkers(frames: number, pixels: number, requested?: number): number {
  if (requested) return requested;
  const cores = availableParallelism();
  const memBudget = Math.max(1, Math.floor((totalmem() * 0.5) / (512 * 1024 * 1024)));
  let n = Math.min(Math.max(1, cores), memBudget, Math.max(1, Math.floor(frames / 30)));
  if (pixels > 1920 * 1080) n = Math.min(n, 2);
  return Math.max(1, Math.min(n, 8));
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new RenderCancelledError();
}

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

  // no explicit format: an output name's extension picks it (-o clip.webm)
  const outputExt = opts.output ? path.extname(opts.output).slice(1).toLowerCase() : "";
  const impliedFormat = opts.format ?? ((FORMATS as readonly string[]).includes(outputExt) ? (outputExt as Format) : undefined);
  const resolved = resolveOptions<{
    fps?: number;
    quality: Quality;
    format: Format;
    crf?: number;
    workers?: number;
    composition: string;
    strictVariables: boolean;
  }>("local", { ...opts, format: impliedFormat } as unknown as Record<string, unknown>);
  const project = path.resolve(opts.project);
  if (!existsSync(project) || !statSync(project).isDirectory())
    throw new UsageError("project_not_found", `project folder ${opts.project} does not exist`, { hint: "pass the folder that contains index.html" });

  const model: CompositionModel = await loadComposition(project, { entry: resolved.composition });
  // validate --frames before any browser starts (the exact bounds are checked once the length is known)
  if (model.duration > 0) {
    const r = parseFrameRange(opts.frames, frameCountFor(model.duration, resolved.fps ?? model.fps ?? 30));
    knownTotal = r.end - r.start;
  } else if (opts.frames && !/^\s*\d*:\d*\s*$/.test(opts.frames)) parseFrameRange(opts.frames, 1);
  const fps = resolved.fps ?? model.fps ?? 30;
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
  const transparent = format === "webm" || format === "mov";
  const { width, height } = model;

  const output = path.resolve(
    opts.output ?? path.join(project, "renders", `${(model.id || path.basename(project)).replace(/[^A-Za-z0-9_.-]+/g, "_")}_${timestamp()}.${format}`),
  );
  const outExt = path.extname(output).slice(1).toLowerCase();
  if (outExt && outExt !== format) {
    throw new UsageError("invalid_option", `--output ${path.basename(output)} does not match --format ${format}`, { hint: `use a .${format} file name or --format ${outExt}` });
  }
  mkdirSync(path.dirname(output), { recursive: true });
  const tmpOut = path.join(path.dirname(output), `.${path.basename(output)}.hf-tmp-${process.pid}-${Date.now()}.${format}`);
  const work = mkdtempSync(path.join(tmpdir(), "hyperframes-render-"));

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

  try {
    throwIfAborted(signal);
    progress({ stage: "load", stageProgress: 0, frame: 0, fps: 0, etaSeconds: 0, message: "starting the browser" });
    server = await startRenderServer({
      projectDir: project,
      entry: resolved.composition,
      inject: { mode: "render", fps, variables: merged.values, transparent, draftLayers: quality === "draft" },
      onWarning: warn,
    });
    const wantBeginFrame = opts.capture !== "screenshot" && !transparent;
    launched =
      opts.sharedBrowser ??
      (await launchBrowser({ browserPath: opts.browser, beginFrame: wantBeginFrame, width, height, debug: opts.debug }));
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
    const imageFormat = transparent || preset.png ? "png" : "jpeg";
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
      });

    // The first page tells us the duration (when not static), media and clips.
    const first = makeSession();
    sessions.push(first);
    await first.open();
    const report: PageReport = await first.load();
    throwIfAborted(signal);
    for (const w of report.warnings) warn(w);
    if (report.errors.length) warn(`page errors during load: ${report.errors.slice(0, 3).join(" | ")}`);
    const duration = model.duration > 0 ? model.duration : report.duration;
    if (!(duration > 0))
      throw new CompositionError("zero_duration", `the composition's duration is 0`, {
        file: resolved.composition,
        hint: 'add data-duration="<seconds>" to the root element',
      });
    const totalFrames = frameCountFor(duration, fps);
    const range = parseFrameRange(opts.frames, totalFrames);
    const frameCount = range.end - range.start;
    knownTotal = frameCount;
    progress({ stage: "load", stageProgress: 0.6, frame: 0, fps: 0, etaSeconds: 0, message: "composition ready" });
    const rangeStart = range.start / fps;

    // ---- media: video frames + audio mix
    const projectReal = realpathSync(project);
    const videoTable: Record<string, { urlPrefix: string; count: number; ext: string }> = {};
    const extracted = new Map<string, { dir: string; count: number }>();
    const tracks: AudioTrack[] = [];
    // clips without data-duration last as long as their source: ask ffprobe (the browser may lack the codec)
    const naturalLengths: Record<string, number> = {};
    const videoCount = Math.max(1, report.media.filter((m) => m.timed && !m.hidden && m.tag === "video").length);
    for (const m of report.media) {
      if (!m.timed || m.hidden || m.end !== null || m.loop) continue;
      const file = localFileForUrl(m.src, server.url, projectReal);
      if (!file) continue;
      const len = await mediaLength(file);
      if (len > 0) {
        naturalLengths[m.key] = len;
        m.end = m.start + Math.max(0, (len - m.mediaStart) / m.playbackRate);
      }
    }
    if (Object.keys(naturalLengths).length) await first.setMediaDurations(naturalLengths);
    for (const m of report.media) {
      if (!m.timed || m.hidden) continue;
      const file = localFileForUrl(m.src, server.url, projectReal);
      if (!file) {
        if (m.src) warn(`${describeMedia(m)} is not a local file of the project (${m.src}); it is skipped in the render`);
        else warn(`${describeMedia(m)} has no src; it is skipped`);
        continue;
      }
      if (m.tag === "video") {
        const windowSeconds = Math.min(m.end ?? duration, duration) - m.start;
        if (windowSeconds <= 0) continue;
        const req = { file, mediaStart: m.mediaStart, rate: m.playbackRate, loop: m.loop, windowSeconds, fps };
        const key = extractKey(req);
        let ex = extracted.get(key);
        if (!ex) {
          const dir = path.join(work, `video-${extracted.size}`);
          progress({ stage: "decode", stageProgress: extracted.size / videoCount, frame: 0, fps: 0, etaSeconds: 0, message: `decoding ${path.basename(file)}` });
          ex = opts.videoFrameCache ? await opts.videoFrameCache.get(req, signal) : { dir, count: await extractVideoFrames(req, dir, signal) };
          extracted.set(key, ex);
        }
        videoTable[m.key] = { urlPrefix: server.addFrames(`v${[...extracted.keys()].indexOf(key)}`, ex.dir), count: ex.count, ext: "jpg" };
      }
      if (m.hasAudio && m.volume > 0) {
        const sourceSeconds = m.loop ? await mediaLength(file) : undefined;
        tracks.push({ file, start: m.start, end: m.end, mediaStart: m.mediaStart, rate: m.playbackRate, volume: m.volume, loop: m.loop, sourceSeconds, label: describeMedia(m) });
      }
    }
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
    if (Object.keys(videoTable).length) await first.setVideoFrames(videoTable);

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
        const b = await launchBrowser({ browserPath: opts.browser, beginFrame: wantBeginFrame, width, height, debug: opts.debug });
        extraBrowsers.push(b);
        browser = b.browser;
      }
      const s = makeSession(browser);
      sessions.push(s);
      await s.open();
      await s.load();
      if (Object.keys(naturalLengths).length) await s.setMediaDurations(naturalLengths);
      if (Object.keys(videoTable).length) await s.setVideoFrames(videoTable);
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
    });

    // Strided assignment (worker k takes frames k, k+N, …) with an in-order writer and a bounded lead.
    const results = new Map<number, Buffer>();
    let nextToWrite = 0;
    let captured = 0;
    let reused = 0;
    const captureStart = Date.now();
    const maxLead = workers * 4;
    let wakeWriter: (() => void) | null = null;
    const waiters: (() => void)[] = [];
    let failure: unknown;
    /**
     * Seconds left, the encoder's tail included: the capture's ETA plus the frames captured but not yet
     * encoded at the encoder's rate. A slower encoder (VP9, ProRes) holds the capture back through the pipe,
     * so the capture ETA is already at its pace, and what sits inside FFmpeg is the tail after the last frame.
     */
    const etaWithTail = (capturedNow: number, captureRate: number): number => {
      const captureEta = (frameCount - capturedNow) / Math.max(captureRate, 1e-3);
      const encodeRate = encoder!.encodeRate() || captureRate;
      return captureEta + Math.max(0, capturedNow - encoder!.encoded) / Math.max(encodeRate, 1e-3);
    };

    const writer = (async () => {
      while (nextToWrite < frameCount) {
        const buf = results.get(nextToWrite);
        if (!buf) {
          if (failure) return;
          await new Promise<void>((r) => (wakeWriter = r));
          continue;
        }
        results.delete(nextToWrite);
        await encoder!.write(buf);
        nextToWrite++;
        while (waiters.length) waiters.shift()!();
      }
    })();
    // FFmpeg gone (it failed, or a cancel killed it mid-write: EPIPE): stop the capture pages, which may be
    // waiting for the writer, and keep the rejection handled; `await writer` below still reports it
    writer.catch((e: unknown) => {
      failure ??= e;
      while (waiters.length) waiters.shift()!();
    });

    let crashRetries = 0;
    /** A crashed page or browser is replaced once (fresh browser + page), then the render fails. */
    const replaceSession = async (old: CaptureSession): Promise<CaptureSession> => {
      await old.close().catch(() => undefined);
      return startSession(true);
    };
    const runWorker = async (initial: CaptureSession, k: number) => {
      let session = initial;
      for (let i = k; i < frameCount; i += workers) {
        if (failure) return;
        throwIfAborted(signal);
        while (i - nextToWrite > maxLead && !failure) await new Promise<void>((r) => waiters.push(r));
        let frame;
        try {
          frame = await session.capture(range.start + i);
        } catch (e) {
          if (signal?.aborted) throw new RenderCancelledError();
          if (!isCrash(e) || crashRetries >= 1 || failure) throw e;
          crashRetries++;
          warn(`the browser page crashed at frame ${range.start + i} (${(e as Error).message.split("\n")[0]}); retrying once with a new browser`);
          session = await replaceSession(session);
          frame = await session.capture(range.start + i);
        }
        if (frame.reused) reused++;
        results.set(i, frame.data);
        captured++;
        if (wakeWriter) {
          const w = wakeWriter;
          wakeWriter = null;
          w();
        }
        const elapsed = (Date.now() - captureStart) / 1000;
        const rate = captured / Math.max(elapsed, 1e-3);
        progress({ stage: "capture", stageProgress: captured / frameCount, frame: captured, encoded: Math.min(encoder!.encoded, frameCount), fps: rate, etaSeconds: etaWithTail(captured, rate) });
      }
    };
    try {
      await Promise.all(pool.map((s, k) => runWorker(s, k)));
    } catch (e) {
      failure = e;
      if (wakeWriter) (wakeWriter as () => void)();
      while (waiters.length) waiters.shift()!();
      throw e;
    }
    await writer;
    const captureSeconds = (Date.now() - captureStart) / 1000;
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
        verify = await verifyOutput(tmpOut, { frames: frameCount, fps, width, height, audio: !!audioFile, skipBlackCheck: transparent });
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
    renameSync(tmpOut, output);
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
      sizeBytes: statSync(output).size,
      warnings,
      verify,
      variables: merged.values,
    };
    progress({ stage: "done", stageProgress: 1, frame: frameCount, encoded: frameCount, fps: result.captureFps, etaSeconds: 0 });
    return result;
  } catch (e) {
    if (signal?.aborted && !(e instanceof RenderCancelledError)) throw new RenderCancelledError();
    if (e instanceof HyperframesError) throw e;
    const msg = (e as Error)?.message ?? String(e);
    if (isCrash(e))
      throw new RenderError("browser_crashed", `the browser stopped unexpectedly while rendering: ${msg.split("\n")[0]}`, {
        hint: "try again with fewer --workers; run `hyperframes doctor` to check the browser",
        cause: e,
      });
    throw new RenderError("render_failed", `render failed: ${msg.split("\n")[0]}`, { cause: e, hint: "run again with --debug for details" });
  } finally {
    signal?.removeEventListener("abort", onAbort);
    encoder?.kill();
    for (const s of sessions) await s.close().catch(() => undefined);
    await Promise.all(extraBrowsers.map((b) => b.close()));
    if (launched && !opts.sharedBrowser) await launched.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    if (existsSync(tmpOut)) rmSync(tmpOut, { force: true });
  }
}
