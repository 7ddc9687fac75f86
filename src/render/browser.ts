/**
 * Finds the browser to render with, in this order, and says which was chosen:
 *   1. --browser / HYPERFRAMES_BROWSER_PATH
 *   2. puppeteer's installed chrome-headless-shell (~/.cache/puppeteer, or PUPPETEER_CACHE_DIR)
 *   3. @sparticuz/chromium (optional dependency; a headless shell shipped inside the npm package),
 *      unpacked once into ~/.cache/hyperframes-toolkit
 *   4. system Chrome/Chromium
 * Puppeteer's own browser download is never used.
 * What the chosen binary can do (HeadlessExperimental.beginFrame, --single-process) is probed on its first
 * launch and remembered per binary (see capabilities.ts), never guessed from its file name.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { createRequire } from "node:module";
import { EnvironmentError, UsageError } from "../errors.js";
import { processAlive } from "./temp-files.js";

export type BrowserSource = "flag" | "env" | "puppeteer-cache" | "sparticuz" | "system";

export interface ResolvedBrowser {
  executablePath: string;
  source: BrowserSource;
  /**
   * What the source ships: puppeteer's and @sparticuz's downloads are headless shells, a system browser is a
   * full Chrome; a --browser / HYPERFRAMES_BROWSER_PATH binary is "unknown". Informational only: the
   * capture method comes from probing the binary (launch.ts probeBrowser), never from this or the file name.
   */
  kind: "headless-shell" | "chrome" | "unknown";
  /** Human description for `doctor` and logs. */
  description: string;
  /** Extra args the binary needs (e.g. sparticuz's swiftshader location). */
  extraArgs: string[];
}

const require = createRequire(import.meta.url);

/** The toolkit's cache folder (unpacked browsers, font configs, probed browser capabilities). */
export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir() || tmpdir(), ".cache");
  return path.join(base, "hyperframes-toolkit");
}

function isExecutableFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function findPuppeteerHeadlessShell(): string | undefined {
  const dir = process.env.PUPPETEER_CACHE_DIR || path.join(homedir(), ".cache", "puppeteer");
  const shellDir = path.join(dir, "chrome-headless-shell");
  if (!existsSync(shellDir)) return undefined;
  const versions = readdirSync(shellDir).sort().reverse();
  for (const v of versions) {
    const p = path.join(shellDir, v, "chrome-headless-shell-linux64", "chrome-headless-shell");
    if (isExecutableFile(p)) return p;
    const mac = path.join(shellDir, v, `chrome-headless-shell-${process.arch === "arm64" ? "mac-arm64" : "mac-x64"}`, "chrome-headless-shell");
    if (isExecutableFile(mac)) return mac;
  }
  return undefined;
}

/** Minimal ustar reader: enough for @sparticuz/chromium's tar.br archives. */
function extractTar(buf: Buffer, dest: string): void {
  let off = 0;
  while (off + 512 <= buf.length) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const prefix = header.subarray(345, 500).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const full = path.join(dest, prefix ? `${prefix}/${name}` : name);
    if (!full.startsWith(dest)) throw new Error(`unsafe path in archive: ${name}`);
    off += 512;
    if (type === "5") mkdirSync(full, { recursive: true });
    else if (type === "0" || type === "\0") {
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, buf.subarray(off, off + size));
      chmodSync(full, 0o755);
    }
    off += Math.ceil(size / 512) * 512;
  }
}

/** Unpack @sparticuz/chromium into our cache (once per version); returns the binary path. */
export function unpackSparticuz(): { executablePath: string; version: string } | undefined {
  let pkgDir: string;
  try {
    // the package's "exports" hide package.json: resolve its entry and walk up to the package folder
    let dir = path.dirname(require.resolve("@sparticuz/chromium"));
    while (!existsSync(path.join(dir, "package.json")) || !existsSync(path.join(dir, "bin"))) {
      const up = path.dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
    pkgDir = dir;
  } catch {
    return undefined;
  }
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  const version = (JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const dir = path.join(cacheRoot(), `sparticuz-chromium-${version}`);
  const bin = path.join(dir, "chromium");
  if (isExecutableFile(bin)) return { executablePath: bin, version };
  const binDir = path.join(pkgDir, "bin");
  if (!existsSync(path.join(binDir, "chromium.br"))) return undefined;
  // an unpack killed half-way leaves its staging folder (~300 MB): remove those of processes that are gone
  const stale = new RegExp(`^${path.basename(dir).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.tmp-(\\d+)-\\d+$`);
  for (const f of existsSync(path.dirname(dir)) ? readdirSync(path.dirname(dir)) : []) {
    const pid = Number(stale.exec(f)?.[1]);
    if (pid && !processAlive(pid)) rmSync(path.join(path.dirname(dir), f), { recursive: true, force: true });
  }
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    writeFileSync(path.join(staging, "chromium"), brotliDecompressSync(readFileSync(path.join(binDir, "chromium.br"))));
    chmodSync(path.join(staging, "chromium"), 0o755);
    extractTar(brotliDecompressSync(readFileSync(path.join(binDir, "swiftshader.tar.br"))), staging);
    try {
      renameSync(staging, dir);
    } catch {
      // another process won the race; use its copy
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw new EnvironmentError("browser_unpack_failed", `could not unpack @sparticuz/chromium into ${dir}: ${(e as Error).message}`, {
      hint: "check free disk space in your home cache, or pass --browser /path/to/chrome",
    });
  }
  return { executablePath: bin, version };
}

const SYSTEM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/opt/google/chrome/chrome",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

let cached: ResolvedBrowser | undefined;

export function resolveBrowser(explicit?: string): ResolvedBrowser {
  if (explicit) {
    if (!isExecutableFile(explicit))
      throw new UsageError("browser_not_found", `--browser ${explicit} does not exist or is not a file`, { hint: "pass the path of a Chrome/Chromium executable" });
    return { executablePath: explicit, source: "flag", kind: "unknown", description: `--browser ${explicit}`, extraArgs: [] };
  }
  const env = process.env.HYPERFRAMES_BROWSER_PATH;
  if (env) {
    if (!isExecutableFile(env))
      throw new UsageError("browser_not_found", `HYPERFRAMES_BROWSER_PATH=${env} does not exist or is not a file`, { hint: "fix or unset HYPERFRAMES_BROWSER_PATH" });
    return { executablePath: env, source: "env", kind: "unknown", description: `HYPERFRAMES_BROWSER_PATH ${env}`, extraArgs: [] };
  }
  if (cached) return cached;
  const shell = findPuppeteerHeadlessShell();
  if (shell) return (cached = { executablePath: shell, source: "puppeteer-cache", kind: "headless-shell", description: `puppeteer's chrome-headless-shell ${shell}`, extraArgs: [] });
  const sp = unpackSparticuz();
  if (sp)
    return (cached = {
      executablePath: sp.executablePath,
      source: "sparticuz",
      kind: "headless-shell",
      description: `@sparticuz/chromium ${sp.version} headless shell (${sp.executablePath})`,
      extraArgs: [],
    });
  for (const p of SYSTEM_CANDIDATES) {
    if (isExecutableFile(p)) return (cached = { executablePath: p, source: "system", kind: "chrome", description: `system browser ${p}`, extraArgs: [] });
  }
  throw new EnvironmentError("browser_not_found", "no Chrome or Chromium browser was found", {
    hint: "run `npm install` (it installs @sparticuz/chromium on Linux x64), install Chromium (e.g. `apt-get install chromium`), or pass --browser /path/to/chrome",
  });
}
