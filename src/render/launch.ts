/**
 * Launches the resolved browser with flags for deterministic, offline, software-GL rendering, and keeps
 * track of every browser process so none is left behind (also on Ctrl-C / process exit).
 */
import { statfsSync } from "node:fs";
import puppeteer, { type Browser } from "puppeteer-core";
import { resolveBrowser, type ResolvedBrowser } from "./browser.js";
import { EnvironmentError } from "../errors.js";
import { fontEnvironment } from "./fonts.js";

export interface LaunchOptions {
  browserPath?: string;
  /** Enable HeadlessExperimental.beginFrame control (headless shell only). */
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
  beginFrame: boolean;
  close(): Promise<void>;
}

const live = new Set<Browser>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const b of live) {
      try {
        b.process()?.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  });
}

export const BASE_ARGS = [
  "--no-sandbox",
  "--disable-setuid-sandbox",
  "--no-first-run",
  "--no-default-browser-check",
  "--no-zygote",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-quic",
  "--disable-breakpad",
  "--disable-crash-reporter",
  "--metrics-recording-only",
  "--mute-audio",
  "--hide-scrollbars",
  "--font-render-hinting=none",
  "--force-color-profile=srgb",
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
  "--disable-ipc-flooding-protection",
  "--autoplay-policy=no-user-gesture-required",
  "--use-gl=angle",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist",
  "--disable-gpu-compositing",
  // whole-pixel glyph positions: text matches the official renderer (+12 dB on text-heavy frames)
  "--disable-font-subpixel-positioning",
  "--disable-features=Translate,MediaRouter,OptimizationHints,PaintHolding,BackForwardCache,InterestFeedContentSuggestions",
];

/**
 * Renders never need the network beyond the render file server on 127.0.0.1. Browser-wide backstops behind
 * the capture pages' request interception (capture.ts): no host name or address but 127.0.0.1 resolves (no
 * DNS lookups that could carry data out), WebRTC gets no UDP, and pages cannot open popups.
 */
export const NETWORK_BLOCK_ARGS = [
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
  "--block-new-web-contents",
];

export const BEGIN_FRAME_ARGS = [
  "--deterministic-mode",
  "--enable-begin-frame-control",
  "--run-all-compositor-stages-before-draw",
  "--disable-threaded-animation",
  "--disable-threaded-scrolling",
  "--disable-checker-imaging",
  "--disable-new-content-rendering-timeout",
  "--disable-image-animation-resync",
  "--enable-surface-synchronization",
];

/**
 * Chrome passes every captured frame through shared memory. In /dev/shm (tmpfs) that is cheap; containers
 * often give /dev/shm only 64 MB, where Chrome crashes, so there it uses files in /tmp instead, which costs
 * ~5% more browser CPU when /tmp is a disk. Use /dev/shm when it has room for several workers' frames.
 */
export function shmArgs(): string[] {
  try {
    const st = statfsSync("/dev/shm");
    if (st.bavail * st.bsize >= 1024 ** 3) return [];
  } catch {
    /* no /dev/shm (not Linux) */
  }
  return ["--disable-dev-shm-usage"];
}

export async function launchBrowser(opts: LaunchOptions): Promise<LaunchedBrowser> {
  const resolved = resolveBrowser(opts.browserPath);
  const beginFrame = !!opts.beginFrame && resolved.kind === "headless-shell";
  const shm = shmArgs();
  const args = [...BASE_ARGS, ...shm, ...resolved.extraArgs, `--window-size=${opts.width},${opts.height}`];
  if (beginFrame) args.push(...BEGIN_FRAME_ARGS);
  if (opts.blockNetwork !== false) args.push(...NETWORK_BLOCK_ARGS);
  // headless shell in one process: ~10% less memory and a little faster (measured on the 1080p bench); each
  // capture worker has its own browser, and a crashed one is replaced, so the shared fate costs nothing
  if (resolved.kind === "headless-shell" && process.env.HYPERFRAMES_MULTI_PROCESS !== "1") args.push("--single-process");
  // escape hatch for experiments and unusual hosts: extra Chrome flags, space-separated
  if (process.env.HYPERFRAMES_CHROME_ARGS) args.push(...process.env.HYPERFRAMES_CHROME_ARGS.split(/\s+/).filter(Boolean));
  // our fontconfig (system fonts + bundled Liberation, unhinted) unless the user points at their own
  const env = { ...process.env };
  if (!env.FONTCONFIG_FILE) Object.assign(env, fontEnvironment());
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: resolved.executablePath,
      headless: resolved.kind === "headless-shell" ? "shell" : true,
      args,
      // puppeteer adds --disable-dev-shm-usage to every launch: drop it where /dev/shm has room (see shmArgs)
      ignoreDefaultArgs: shm.length ? undefined : ["--disable-dev-shm-usage"],
      env: env as Record<string, string>,
      defaultViewport: null,
      protocolTimeout: 300_000,
      timeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      dumpio: !!opts.debug,
    });
  } catch (e) {
    throw new EnvironmentError("browser_launch_failed", `could not start ${resolved.description}: ${(e as Error).message.split("\n")[0]}`, {
      hint: "run `hyperframes doctor`; pass another browser with --browser, or install Chromium (apt-get install chromium)",
      cause: e,
    });
  }
  installExitHook();
  live.add(browser);
  let closed = false;
  return {
    browser,
    resolved,
    beginFrame,
    async close() {
      if (closed) return;
      closed = true;
      live.delete(browser);
      const proc = browser.process();
      const timer = setTimeout(() => proc?.kill("SIGKILL"), 3000);
      try {
        await browser.close();
      } catch {
        proc?.kill("SIGKILL");
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
