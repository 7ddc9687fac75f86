/**
 * `snapshot()`: PNG stills of chosen moments, made by the render pipeline itself — the same page build and
 * runtime injection, fonts, media preparation and seek as `render()` — in one capture page, with no encoder.
 * For looking at a moment (an agent checking its work, a person checking a layout) without rendering the video.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { loadComposition } from "../compose/model.js";
import { assertProjectFolder } from "../compose/project-dir.js";
import { readVariableOverrides, mergeVariables } from "../compose/variables.js";
import { CompositionError, HyperframesError, RenderCancelledError, RenderError, UsageError } from "../errors.js";
import { resolveOptions } from "./options.js";
import { startRenderServer, type RenderServer } from "./server.js";
import { launchBrowser, type LaunchedBrowser } from "./launch.js";
import { CaptureSession, type CaptureMethod } from "./capture.js";
import { prepareMedia, applyMedia } from "./media-prep.js";
import { frameCountFor } from "./render.js";
import { makeTempDir, removeTempDir, sweepStaleTemps } from "./temp-files.js";
import { writeFileAtomicSync } from "../fs-atomic.js";
import { refusalError } from "./render-checks.js";

export interface SnapshotOptions {
  /** project directory */
  project: string;
  /** moments in seconds; each still is the frame on screen at that moment, as the rendered video shows it */
  at?: number[];
  /** composition frames (0-based) */
  frames?: number[];
  /** with neither `at` nor `frames`: this many stills evenly spaced from the first frame to the last (default 5) */
  count?: number;
  /** folder for the PNGs (default `<project>/renders/snapshots`) */
  outputDir?: string;
  /** entry HTML (default index.html) */
  composition?: string;
  /** frame rate for `frames` (default: the root's data-fps, else 30) */
  fps?: number;
  variables?: Record<string, unknown> | string;
  variablesFile?: string;
  strictVariables?: boolean;
  browser?: string;
  /** keep a transparent page background (RGBA PNGs, as webm/mov/png-sequence renders do); default false */
  transparent?: boolean;
  capture?: CaptureMethod | "auto";
  /** ms to wait for the page to become ready (default 60000) */
  readyTimeoutMs?: number;
  signal?: AbortSignal;
  onWarning?: (msg: string) => void;
  onLog?: (line: string) => void;
  debug?: boolean;
  /** reuse an already-launched browser */
  sharedBrowser?: LaunchedBrowser;
  /** let the page reach the network (blocked by default, as in renders: the snapshot fails listing the URLs) */
  allowNetwork?: boolean;
}

export interface SnapshotFile {
  /** absolute path of the PNG */
  path: string;
  /** file name: `at-2.5s.png` for a moment, `frame-0010.png` for a frame */
  name: string;
  /** seconds: the moment asked for (`at`), or the frame's start time */
  time: number;
  /** the composition frame the still shows (for `at`: the frame on screen at that moment) */
  frame: number;
}

export interface SnapshotResult {
  dir: string;
  files: SnapshotFile[];
  width: number;
  height: number;
  fps: number;
  /** the composition's length */
  durationSeconds: number;
  captureMethod: CaptureMethod;
  elapsedMs: number;
  warnings: string[];
}

interface Target {
  time: number;
  frame: number;
  name: string;
}

/** `2.5` → "2.5", `2` → "2", `0.3333333` → "0.333": seconds as they appear in still names. */
const secondsName = (t: number): string => String(Number(t.toFixed(3)));

/** Check the requested moments before anything starts (numbers only; the bounds need the duration). */
function checkRequest(o: SnapshotOptions): void {
  for (const t of o.at ?? [])
    if (typeof t !== "number" || !Number.isFinite(t) || t < 0)
      throw new UsageError("invalid_option", `--at ${String(t)} is not a time in seconds`, { hint: "give seconds from 0, e.g. --at 0.5,2,4.25" });
  for (const f of o.frames ?? [])
    if (typeof f !== "number" || !Number.isInteger(f) || f < 0)
      throw new UsageError("invalid_option", `--frames ${String(f)} is not a frame number`, { hint: "give 0-based frame numbers, e.g. --frames 0,30,90" });
  if (o.count !== undefined && (!Number.isInteger(o.count) || o.count < 1 || o.count > 500))
    throw new UsageError("invalid_option", `--count must be an integer from 1 to 500, got ${String(o.count)}`, { hint: "e.g. --count 5" });
}

/** The stills to take, validated against the composition's length. */
function targetsFor(o: SnapshotOptions, duration: number, fps: number): Target[] {
  const total = frameCountFor(duration, fps);
  const last = (total - 1) / fps;
  const out: Target[] = [];
  for (const t of o.at ?? []) {
    if (t >= duration)
      throw new UsageError("invalid_option", `--at ${t} is not inside the composition (${duration} s long)`, {
        hint: `use a time from 0 to ${secondsName(last)} (the last frame)`,
      });
    // the runtime shows frame floor(t * fps) at t, in renders and here alike
    out.push({ time: t, frame: Math.min(total - 1, Math.floor(t * fps + 1e-9)), name: `at-${secondsName(t)}s.png` });
  }
  const frames = [...(o.frames ?? [])];
  if (!o.at?.length && !o.frames?.length) {
    const n = Math.min(o.count ?? 5, total);
    for (let i = 0; i < n; i++) frames.push(n === 1 ? 0 : Math.round((i * (total - 1)) / (n - 1)));
  }
  for (const f of frames) {
    if (f >= total)
      throw new UsageError("invalid_option", `--frames ${f} is past the last frame (the composition has ${total} frames at ${fps} fps)`, {
        hint: `use frame numbers from 0 to ${total - 1}`,
      });
    out.push({ time: f / fps, frame: f, name: `frame-${String(f).padStart(Math.max(4, String(total - 1).length), "0")}.png` });
  }
  // one still per name (the same moment asked twice)
  return out.filter((t, i) => out.findIndex((u) => u.name === t.name) === i);
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new RenderCancelledError("Snapshot cancelled");
}

/** Options, model and variables of a snapshot: everything known before the browser starts. */
async function planSnapshot(opts: SnapshotOptions, warn: (m: string) => void) {
  checkRequest(opts);
  const resolved = resolveOptions<{ fps?: number; composition: string; strictVariables: boolean }>("local", {
    fps: opts.fps,
    composition: opts.composition,
    strictVariables: opts.strictVariables,
    browser: opts.browser,
  });
  const project = assertProjectFolder(opts.project, "--composition");
  const model = await loadComposition(project, { entry: resolved.composition, entryFlag: "--composition" });
  const fps = resolved.fps ?? model.fps ?? 30;
  const overrides = readVariableOverrides({
    variables: typeof opts.variables === "string" || typeof opts.variables === "object" ? opts.variables : undefined,
    variablesFile: opts.variablesFile,
  });
  const merged = mergeVariables(model.variables, overrides, { strict: resolved.strictVariables });
  for (const w of merged.warnings) warn(w);
  // an early answer for requests the static length already rules out (the page may still set a Lottie-only length)
  if (model.duration > 0) targetsFor(opts, model.duration, fps);
  const dir = path.resolve(opts.outputDir ?? path.join(project, "renders", "snapshots"));
  return { entry: resolved.composition, project, model, fps, variables: merged.values, dir, transparent: !!opts.transparent };
}

type SnapshotPlan = Awaited<ReturnType<typeof planSnapshot>>;

/** The page loaded and ready in `session`, its media applied; returns the composition's duration. */
async function loadPage(session: CaptureSession, plan: SnapshotPlan, server: RenderServer, work: string, warn: (m: string) => void, signal?: AbortSignal): Promise<number> {
  await session.open();
  const report = await session.load();
  throwIfAborted(signal);
  checkSnapshotRefusals(server, plan.entry);
  for (const w of report.warnings) warn(w);
  if (report.errors.length) warn(`page errors during load: ${report.errors.slice(0, 3).join(" | ")}`);
  const duration = plan.model.duration > 0 ? plan.model.duration : report.duration;
  if (!(duration > 0))
    throw new CompositionError("zero_duration", "the composition's duration is 0", { file: plan.entry, hint: 'add data-duration="<seconds>" to the root element' });
  const media = await prepareMedia({ report, server, project: plan.project, duration, fps: plan.fps, work, audio: false, signal, warn });
  await applyMedia(session, media);
  throwIfAborted(signal);
  return duration;
}

/** Like a render, a snapshot fails on what its page was refused: files outside the project, the network. */
function checkSnapshotRefusals(server: RenderServer, entry: string): void {
  const e = refusalError(server.refusals, entry);
  if (e) throw e;
}

/** Take PNG stills of a composition at the given moments; resolves with the files written. */
export async function snapshot(opts: SnapshotOptions): Promise<SnapshotResult> {
  const t0 = Date.now();
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    opts.onWarning?.(m);
  };
  const signal = opts.signal;
  const plan = await planSnapshot(opts, warn);
  const { dir, transparent, fps } = plan;
  const { width, height } = plan.model;
  sweepStaleTemps([dir]);
  const work = makeTempDir("snapshot");
  let server: RenderServer | undefined;
  let launched: LaunchedBrowser | undefined;
  let session: CaptureSession | undefined;
  const onAbort = () => void session?.close();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const blockNetwork = !opts.allowNetwork;
    if (!blockNetwork) warn("--allow-network: the composition may reach the network; what it loads can change the stills from one run to the next, and it can send data out");
    server = await startRenderServer({ projectDir: plan.project, entry: plan.entry, inject: { mode: "render", fps, variables: plan.variables, transparent }, onWarning: warn, blockNetwork });
    const wantBeginFrame = opts.capture !== "screenshot" && !transparent;
    launched = opts.sharedBrowser ?? (await launchBrowser({ browserPath: opts.browser, beginFrame: wantBeginFrame, width, height, debug: opts.debug, blockNetwork }));
    throwIfAborted(signal);
    const method: CaptureMethod = launched.beginFrame && wantBeginFrame ? "beginframe" : "screenshot";
    const srv = server;
    session = new CaptureSession({
      browser: launched.browser,
      url: server.entryUrl,
      width,
      height,
      fps,
      method,
      format: "png",
      jpegQuality: 100,
      transparent,
      readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
      onConsole: opts.onLog,
      // the network is blocked as in renders (before, a snapshot's page could reach loopback servers)
      allowedOrigin: blockNetwork ? server.url : undefined,
      onBlocked: (url, type) => srv.refuse({ kind: "network", url, via: type }),
      onFontService: srv.noteFontService,
    });
    const duration = await loadPage(session, plan, server, work, warn, signal);
    const targets = targetsFor(opts, duration, fps);
    mkdirSync(dir, { recursive: true });
    const files: SnapshotFile[] = [];
    for (const t of targets) {
      throwIfAborted(signal);
      const shot = await session.captureAt(t.time, `frame ${t.frame}`);
      checkSnapshotRefusals(server, plan.entry);
      const file = path.join(dir, t.name);
      // written whole or not at all: a reader never sees half a PNG
      writeFileAtomicSync(file, shot.data);
      files.push({ path: file, name: t.name, time: Number(t.time.toFixed(6)), frame: t.frame });
    }
    return { dir, files, width, height, fps, durationSeconds: duration, captureMethod: method, elapsedMs: Date.now() - t0, warnings };
  } catch (e) {
    if (signal?.aborted && !(e instanceof RenderCancelledError)) throw new RenderCancelledError("Snapshot cancelled");
    // a refused request is the likely cause of a later failure (a timeout waiting for a blocked image, …)
    const refused = server && !(e instanceof RenderCancelledError) ? refusalError(server.refusals, plan.entry, e) : undefined;
    if (refused) throw refused;
    if (e instanceof HyperframesError) throw e;
    throw new RenderError("snapshot_failed", `snapshot failed: ${((e as Error)?.message ?? String(e)).split("\n")[0]}`, { cause: e, hint: "run again with --debug for details" });
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await session?.close().catch(() => undefined);
    if (launched && !opts.sharedBrowser) await launched.close();
    await server?.close();
    removeTempDir(work);
  }
}
