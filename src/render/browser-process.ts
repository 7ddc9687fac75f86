/**
 * Starting and stopping one browser process: the flags (deterministic, offline, software GL), the profile
 * folder, and the bookkeeping that leaves no browser behind. launch.ts decides what to launch (the probe).
 *
 * No orphans: the DevTools connection is a pipe (--remote-debugging-pipe), so when this process dies in any
 * way, even `kill -9`, the browser sees the pipe close and exits by itself; on an ordinary exit the exit hook
 * kills what is still open. Each browser's profile is a temp folder of the temp-files.ts scheme (owner pid in
 * its name), removed on close, at exit, or by the next render's sweep after a kill.
 */
import { statfsSync } from "node:fs";
import puppeteer, { type Browser } from "puppeteer-core";
import type { ResolvedBrowser } from "./browser.js";
import { fontEnvironment } from "./fonts.js";
import { makeTempDir, removeTempDir } from "./temp-files.js";

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
      const profile = profiles.get(b);
      if (profile) removeTempDir(profile);
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

export interface RawLaunch {
  /** `--headless` (the headless shell's mode, needed for begin-frame control) rather than Chrome's new headless */
  shellMode: boolean;
  beginFrame: boolean;
  singleProcess: boolean;
  width: number;
  height: number;
  debug?: boolean;
  timeoutMs?: number;
  /** resolve no host but 127.0.0.1, no WebRTC UDP, no popups (renders); off for --allow-network */
  blockNetwork?: boolean;
}

function launchArgs(resolved: ResolvedBrowser, o: RawLaunch, shm: string[]): string[] {
  const args = [...BASE_ARGS, ...shm, ...resolved.extraArgs, `--window-size=${o.width},${o.height}`];
  if (o.beginFrame) args.push(...BEGIN_FRAME_ARGS);
  if (o.blockNetwork !== false) args.push(...NETWORK_BLOCK_ARGS);
  // one process: ~10% less memory and a little faster (measured on the 1080p bench); each capture worker has
  // its own browser, and a crashed one is replaced, so the shared fate costs nothing
  if (o.singleProcess) args.push("--single-process");
  // escape hatch for experiments and unusual hosts: extra Chrome flags, space-separated
  if (process.env.HYPERFRAMES_CHROME_ARGS) args.push(...process.env.HYPERFRAMES_CHROME_ARGS.split(/\s+/).filter(Boolean));
  return args;
}

/** Each browser's profile folder (temp-files.ts naming: the sweep finds those of a killed process). */
const profiles = new WeakMap<Browser, string>();

/**
 * One puppeteer launch with our flags; errors are puppeteer's own (the callers decide what they mean).
 * The DevTools connection is a pipe (--remote-debugging-pipe), not a WebSocket: when this process dies in
 * any way, even `kill -9`, the pipe closes and the browser exits by itself, so none is left running.
 */
export async function rawLaunch(resolved: ResolvedBrowser, o: RawLaunch): Promise<Browser> {
  const shm = shmArgs();
  // our fontconfig (system fonts + bundled Liberation, unhinted) unless the user points at their own
  const env = { ...process.env };
  if (!env.FONTCONFIG_FILE) Object.assign(env, fontEnvironment());
  const profile = makeTempDir("profile");
  let browser: Browser;
  try {
    browser = await launchWith(resolved, o, shm, env, profile);
  } catch (e) {
    removeTempDir(profile);
    throw e;
  }
  profiles.set(browser, profile);
  installExitHook();
  live.add(browser);
  return browser;
}

function launchWith(resolved: ResolvedBrowser, o: RawLaunch, shm: string[], env: NodeJS.ProcessEnv, profile: string): Promise<Browser> {
  return puppeteer.launch({
    pipe: true,
    userDataDir: profile,
    executablePath: resolved.executablePath,
    headless: o.shellMode ? "shell" : true,
    args: launchArgs(resolved, o, shm),
    // puppeteer adds --disable-dev-shm-usage to every launch: drop it where /dev/shm has room (see shmArgs)
    ignoreDefaultArgs: shm.length ? undefined : ["--disable-dev-shm-usage"],
    env: env as Record<string, string>,
    defaultViewport: null,
    protocolTimeout: 300_000,
    timeout: o.timeoutMs ?? 60_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    dumpio: !!o.debug,
  });
}

export async function closeBrowser(browser: Browser): Promise<void> {
  live.delete(browser);
  const proc = browser.process();
  const timer = setTimeout(() => proc?.kill("SIGKILL"), 3000);
  try {
    await browser.close();
  } catch {
    proc?.kill("SIGKILL");
    // the profile goes once nothing writes to it any more
    if (proc && proc.exitCode === null && proc.signalCode === null)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        proc.once("exit", () => (clearTimeout(t), resolve()));
      });
  } finally {
    clearTimeout(timer);
    const profile = profiles.get(browser);
    if (profile) removeTempDir(profile);
  }
}
