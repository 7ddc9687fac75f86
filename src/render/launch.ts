/**
 * Launches the resolved browser (browser-process.ts: the flags, the pipe connection, the profile folder and
 * the bookkeeping that leaves no browser process behind, also after Ctrl-C or kill -9).
 *
 * What a binary can do is probed, not guessed from its name: on its first launch (then remembered per
 * binary, see capabilities.ts) probeBrowser() starts it once with begin-frame control in single-process
 * mode, asks HeadlessExperimental.beginFrame for one tiny frame, and notes whether that worked and whether
 * the browser survived --single-process. A browser that dies at launch in single-process mode is retried
 * once in multi-process mode (and remembered so).
 */
import { statSync } from "node:fs";
import type { Browser } from "puppeteer-core";
import { resolveBrowser, type ResolvedBrowser } from "./browser.js";
import { EnvironmentError } from "../errors.js";
import { cachedCapabilities, rememberCapabilities, type BrowserCapabilities } from "./capabilities.js";
import { closeBrowser, rawLaunch, type RawLaunch } from "./browser-process.js";

export type { BrowserCapabilities } from "./capabilities.js";
export { BASE_ARGS, BEGIN_FRAME_ARGS, NETWORK_BLOCK_ARGS, shmArgs } from "./browser-process.js";

export interface LaunchOptions {
  browserPath?: string;
  /** Enable HeadlessExperimental.beginFrame control when the browser supports it (probed). */
  beginFrame?: boolean;
  width: number;
  height: number;
  debug?: boolean;
  /** the browser reaches 127.0.0.1 only (NETWORK_BLOCK_ARGS); default true */
  blockNetwork?: boolean;
}

export interface LaunchedBrowser {
  browser: Browser;
  resolved: ResolvedBrowser;
  /** begin-frame control is on (wanted and supported) */
  beginFrame: boolean;
  /** the browser runs in one process (--single-process) */
  singleProcess: boolean;
  /** why it runs in one process or several (the probe's answer, or HYPERFRAMES_MULTI_PROCESS=1) */
  processReason: string;
  /** what the probe found out about this binary */
  capabilities: BrowserCapabilities;
  close(): Promise<void>;
}

const firstLine = (e: unknown) => ((e as Error)?.message ?? String(e)).split("\n")[0]!.trim();

function launchError(resolved: ResolvedBrowser, e: unknown): EnvironmentError {
  return new EnvironmentError("browser_launch_failed", `could not start ${resolved.description}: ${firstLine(e)}`, {
    hint: "run `hyperframes doctor`; pass another browser with --browser, or install Chromium (apt-get install chromium)",
    cause: e,
  });
}

/** Resolves with `p`, or with `onTimeout()` after `ms` (p keeps running; its rejection is handled). */
function within<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined);
  return Promise.race([p, new Promise<T>((r) => (timer = setTimeout(() => r(onTimeout()), ms)))]).finally(() => clearTimeout(timer));
}

/** A page with something to draw: begin-frame control only hands out an image for a frame with damage. */
const PROBE_URL = "data:text/html,<html style='background:rgb(255,0,0)'><body></body></html>";
/** How long the probe asks for a frame before it decides that none will come (a loaded machine is slow). */
const PROBE_BUDGET_MS = 10_000;

/**
 * One tiny frame through HeadlessExperimental.beginFrame in a begin-frame-controlled page. Each try changes
 * the page's colour first (a frame without damage has no image), and a renderer that is still starting
 * gets the time budget: only an error or no image in all that time means no begin-frame capture.
 */
async function checkBeginFrame(browser: Browser): Promise<{ ok: boolean; reason: string }> {
  try {
    const bc = await browser.target().createCDPSession();
    const { targetId } = (await bc.send("Target.createTarget", { url: PROBE_URL, width: 16, height: 16, enableBeginFrameControl: true } as never)) as {
      targetId: string;
    };
    const target = await browser.waitForTarget((t) => (t as unknown as { _targetId: string })._targetId === targetId, { timeout: 30_000 });
    const s = await target.createCDPSession();
    const started = Date.now();
    for (let i = 1; ; i++) {
      await within(s.send("Runtime.evaluate", { expression: `document.documentElement.style.background = "rgb(${i % 256},0,0)"` }), 2000, () => undefined).catch(() => undefined);
      const left = PROBE_BUDGET_MS - (Date.now() - started);
      const r = await within(
        s.send("HeadlessExperimental.beginFrame", { frameTimeTicks: i * 100, interval: 100, screenshot: { format: "png" } } as never) as Promise<{
          hasDamage?: boolean;
          screenshotData?: string;
        }>,
        Math.max(left, 1000),
        () => undefined,
      );
      if (!r) return { ok: false, reason: `HeadlessExperimental.beginFrame did not answer within ${PROBE_BUDGET_MS / 1000} s` };
      if (r.screenshotData) return { ok: true, reason: "HeadlessExperimental.beginFrame drew a test frame" };
      if (Date.now() - started > PROBE_BUDGET_MS) return { ok: false, reason: `HeadlessExperimental.beginFrame drew no image in ${PROBE_BUDGET_MS / 1000} s (${i} frames; no begin-frame control)` };
      await new Promise((res) => setTimeout(res, 20));
    }
  } catch (e) {
    return { ok: false, reason: `HeadlessExperimental.beginFrame is not available: ${firstLine(e)}` };
  }
}

/** One probe launch: did it start, and did beginFrame draw? */
async function probeOnce(resolved: ResolvedBrowser, singleProcess: boolean, debug?: boolean): Promise<{ beginFrame: { ok: boolean; reason: string }; version?: string }> {
  const browser = await rawLaunch(resolved, { shellMode: true, beginFrame: true, singleProcess, width: 64, height: 64, debug, timeoutMs: 30_000 });
  try {
    const beginFrame = await checkBeginFrame(browser);
    const version = await within(browser.version(), 5000, () => undefined).catch(() => undefined);
    // a single-process browser that died while drawing counts as dying in single-process mode
    if (!browser.connected) throw new Error(`the browser exited during the probe (${beginFrame.reason})`);
    return { beginFrame, version };
  } finally {
    await closeBrowser(browser);
  }
}

/** Probes of this process, by binary (path, size, mtime): concurrent launches share one probe. */
const probes = new Map<string, Promise<BrowserCapabilities>>();
function memoKey(exe: string, cacheFile?: string): string {
  let id = "";
  try {
    const st = statSync(exe);
    id = `${st.size}:${Math.round(st.mtimeMs)}`;
  } catch {
    /* resolveBrowser checked it exists; a vanished file fails at launch */
  }
  return `${exe}\0${id}\0${cacheFile ?? ""}`;
}

function remember(exe: string, caps: BrowserCapabilities, cacheFile?: string): void {
  rememberCapabilities(exe, caps, cacheFile);
  probes.set(memoKey(exe, cacheFile), Promise.resolve({ ...caps, cached: true }));
}

/**
 * What this browser can do: beginFrame capture, single-process mode. Read from the cache when this binary
 * (path, size, mtime) was probed before, unless `force` (doctor); probed otherwise (one or two launches of
 * about half a second each) and remembered.
 */
export async function probeBrowser(browser?: string | ResolvedBrowser, opts: { force?: boolean; debug?: boolean; cacheFile?: string } = {}): Promise<BrowserCapabilities> {
  const resolved = typeof browser === "object" ? browser : resolveBrowser(browser);
  const exe = resolved.executablePath;
  const key = memoKey(exe, opts.cacheFile);
  if (!opts.force) {
    const known = probes.get(key);
    if (known) return known;
    const hit = cachedCapabilities(exe, opts.cacheFile);
    if (hit) {
      probes.set(key, Promise.resolve(hit));
      return hit;
    }
  }
  const p = (async () => {
    const started = Date.now();
    let singleProcess = true;
    let singleProcessReason = "the browser runs in single-process mode";
    let found: Awaited<ReturnType<typeof probeOnce>>;
    try {
      found = await probeOnce(resolved, true, opts.debug);
    } catch (e) {
      singleProcess = false;
      singleProcessReason = `the browser died at start with --single-process (${firstLine(e)}); multi-process mode is used`;
      try {
        found = await probeOnce(resolved, false, opts.debug);
      } catch (e2) {
        throw launchError(resolved, e2);
      }
    }
    // drawing may be what fails in one process: try beginFrame once more with separate processes
    if (!found.beginFrame.ok && singleProcess) {
      const multi = await probeOnce(resolved, false, opts.debug).catch(() => undefined);
      if (multi?.beginFrame.ok) {
        found = multi;
        singleProcess = false;
        singleProcessReason = "begin-frame capture fails with --single-process; multi-process mode is used";
      }
    }
    if (!found.beginFrame.ok) {
      singleProcess = false;
      singleProcessReason = "not used with screenshot capture";
    }
    const caps: BrowserCapabilities = {
      beginFrame: found.beginFrame.ok,
      beginFrameReason: found.beginFrame.reason,
      singleProcess,
      singleProcessReason,
      version: found.version,
      probedAt: new Date().toISOString(),
      probeMs: Date.now() - started,
      cached: false,
    };
    remember(exe, caps, opts.cacheFile);
    return caps;
  })();
  probes.set(key, p);
  p.catch(() => probes.delete(key));
  return p;
}

export async function launchBrowser(opts: LaunchOptions & { cacheFile?: string }): Promise<LaunchedBrowser> {
  const resolved = resolveBrowser(opts.browserPath);
  let capabilities = await probeBrowser(resolved, { debug: opts.debug, cacheFile: opts.cacheFile });
  const beginFrame = !!opts.beginFrame && capabilities.beginFrame;
  let singleProcess = capabilities.beginFrame && capabilities.singleProcess && process.env.HYPERFRAMES_MULTI_PROCESS !== "1";
  // a browser with begin-frame control runs in `--headless` mode (also when capturing by screenshot, as
  // probed); one without in Chrome's new headless mode
  const o: RawLaunch = { shellMode: capabilities.beginFrame, beginFrame, singleProcess, width: opts.width, height: opts.height, debug: opts.debug, blockNetwork: opts.blockNetwork };
  let browser: Browser;
  try {
    browser = await rawLaunch(resolved, o);
  } catch (e) {
    if (!singleProcess) throw launchError(resolved, e);
    // died at launch in single-process mode (the probe said it would not): once more with separate
    // processes, and remember that for this binary
    singleProcess = false;
    try {
      browser = await rawLaunch(resolved, { ...o, singleProcess: false });
    } catch (e2) {
      throw launchError(resolved, e2);
    }
    capabilities = {
      ...capabilities,
      singleProcess: false,
      singleProcessReason: `the browser died at start with --single-process (${firstLine(e)}); multi-process mode is used`,
      cached: false,
    };
    remember(resolved.executablePath, capabilities, opts.cacheFile);
  }
  let closed = false;
  // multi-process although the binary could run in one: only because the environment asked for it
  const forcedMulti = !singleProcess && capabilities.beginFrame && capabilities.singleProcess;
  return {
    browser,
    resolved,
    beginFrame,
    singleProcess,
    processReason: forcedMulti ? "HYPERFRAMES_MULTI_PROCESS=1" : capabilities.singleProcessReason,
    capabilities,
    async close() {
      if (closed) return;
      closed = true;
      await closeBrowser(browser);
    },
  };
}
