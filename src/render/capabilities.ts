/**
 * What a browser binary can do, as probed by launch.ts probeBrowser(), remembered per binary in the toolkit's
 * cache folder (browser-capabilities.json) so the probe runs once per binary, not once per render. An entry
 * holds for a path while the file there keeps its size and modification time (an updated browser is probed
 * again). No puppeteer here: reading the cache costs a stat and a small JSON read.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { cacheRoot } from "./browser.js";
import { writeFileAtomicSync } from "../fs-atomic.js";

export interface BrowserCapabilities {
  /** HeadlessExperimental.beginFrame drew a frame (else frames are captured by screenshot) */
  beginFrame: boolean;
  /** why beginFrame is or is not available, in a few words */
  beginFrameReason: string;
  /** the browser survives --single-process (used with beginFrame: ~10% less memory, a little faster) */
  singleProcess: boolean;
  singleProcessReason: string;
  /** the browser's own version string (e.g. HeadlessChrome/143.0.7499.0) */
  version?: string;
  /** ISO time of the probe */
  probedAt: string;
  /** how long the probe took */
  probeMs: number;
  /** read from the cache (true) or probed by this process (false) */
  cached: boolean;
}

/** Bumped when the probe changes what it checks: older entries are then probed again. */
const PROBE_VERSION = 1;

interface CacheEntry extends Omit<BrowserCapabilities, "cached"> {
  size: number;
  mtimeMs: number;
  probeVersion: number;
}
interface CacheFile {
  browsers: Record<string, CacheEntry>;
}

export function capabilitiesFile(): string {
  return path.join(cacheRoot(), "browser-capabilities.json");
}

/** The identity of a binary: its absolute path as given (a symlink is its own entry), size and mtime. */
function identify(executablePath: string): { key: string; size: number; mtimeMs: number } | undefined {
  try {
    const st = statSync(executablePath);
    return { key: path.resolve(executablePath), size: st.size, mtimeMs: Math.round(st.mtimeMs) };
  } catch {
    return undefined;
  }
}

function readCache(file: string): CacheFile {
  try {
    const j = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    if (j && typeof j.browsers === "object" && j.browsers) return j;
  } catch {
    /* missing or damaged: start over */
  }
  return { browsers: {} };
}

/** The remembered capabilities of this binary, if it was probed before and has not changed since. */
export function cachedCapabilities(executablePath: string, file = capabilitiesFile()): BrowserCapabilities | undefined {
  const id = identify(executablePath);
  if (!id) return undefined;
  const e = readCache(file).browsers[id.key];
  if (!e || e.size !== id.size || e.mtimeMs !== id.mtimeMs || e.probeVersion !== PROBE_VERSION) return undefined;
  const { size: _s, mtimeMs: _m, probeVersion: _v, ...caps } = e;
  return { ...caps, cached: true };
}

/**
 * Remember (or update) a binary's capabilities. Entries of binaries that no longer exist are dropped. Best
 * effort: a read-only or full cache folder only means the next process probes again.
 */
export function rememberCapabilities(executablePath: string, caps: BrowserCapabilities, file = capabilitiesFile()): void {
  const id = identify(executablePath);
  if (!id) return;
  const data = readCache(file);
  for (const k of Object.keys(data.browsers)) if (!identify(k)) delete data.browsers[k];
  const { cached: _c, ...rest } = caps;
  data.browsers[id.key] = { ...rest, size: id.size, mtimeMs: id.mtimeMs, probeVersion: PROBE_VERSION };
  try {
    writeFileAtomicSync(file, JSON.stringify(data, null, 2) + "\n");
  } catch {
    // a cache: the next launch probes again
  }
}
