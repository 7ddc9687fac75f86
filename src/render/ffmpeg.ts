/**
 * FFmpeg/ffprobe: where the binaries are, probing (ffprobe's JSON) and running FFmpeg to completion.
 * Lookup: HYPERFRAMES_FFMPEG_PATH / HYPERFRAMES_FFPROBE_PATH, then `ffmpeg`/`ffprobe` on PATH, then the
 * binaries shipped in @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe.
 * The render hot path's streaming encoder (encode.ts) spawns the binary resolved here.
 */
import { execFile, spawnSync } from "node:child_process";
import { accessSync, chmodSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { EnvironmentError } from "../errors.js";
import { killTethered, spawnTethered } from "./tether.js";

const require = createRequire(import.meta.url);

export interface ResolvedTool {
  path: string;
  source: "env" | "path" | "npm";
  version: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

function fromNpm(pkg: string): string | undefined {
  try {
    const mod = require(pkg) as { path?: string };
    if (mod.path && existsSync(mod.path)) {
      try {
        accessSync(mod.path, constants.X_OK);
      } catch {
        chmodSync(mod.path, 0o755); // npm may skip the package's chmod postinstall
      }
      return mod.path;
    }
  } catch {
    /* not installed */
  }
  return undefined;
}

function versionOf(p: string): string {
  const r = spawnSync(p, ["-version"], { encoding: "utf8", timeout: 10_000 });
  const m = /version\s+(\S+)/.exec(r.stdout ?? "");
  return m ? m[1]! : "unknown";
}

const cache = new Map<string, ResolvedTool>();

function resolveTool(name: "ffmpeg" | "ffprobe"): ResolvedTool {
  const hit = cache.get(name);
  if (hit) return hit;
  const envVar = name === "ffmpeg" ? "HYPERFRAMES_FFMPEG_PATH" : "HYPERFRAMES_FFPROBE_PATH";
  let found: { path: string; source: ResolvedTool["source"] } | undefined;
  if (process.env[envVar] && existsSync(process.env[envVar]!)) found = { path: process.env[envVar]!, source: "env" };
  if (!found) {
    const p = onPath(name);
    if (p) found = { path: p, source: "path" };
  }
  if (!found) {
    const p = fromNpm(name === "ffmpeg" ? "@ffmpeg-installer/ffmpeg" : "@ffprobe-installer/ffprobe");
    if (p) found = { path: p, source: "npm" };
  }
  if (!found)
    throw new EnvironmentError(`${name}_not_found`, `${name} was not found`, {
      hint: `run \`npm install\` (it installs @${name}-installer/${name}), install it (e.g. \`apt-get install ffmpeg\`), or set ${envVar}`,
    });
  const tool = { ...found, version: versionOf(found.path) };
  cache.set(name, tool);
  return tool;
}

export const resolveFfmpeg = (): ResolvedTool => resolveTool("ffmpeg");
export const resolveFfprobe = (): ResolvedTool => resolveTool("ffprobe");

/** Encoders this ffmpeg build offers (names), for `doctor` and format checks. */
export function ffmpegEncoders(): string[] {
  const r = spawnSync(resolveFfmpeg().path, ["-hide_banner", "-encoders"], { encoding: "utf8", timeout: 10_000 });
  return (r.stdout ?? "")
    .split("\n")
    .map((l) => /^\s[VAS][\w.]{5}\s+(\S+)/.exec(l)?.[1])
    .filter((x): x is string => !!x);
}

export interface ProbeStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_space?: string;
  color_range?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
}
export interface ProbeResult {
  streams: ProbeStream[];
  format: { duration?: string; format_name?: string; size?: string };
}

/** ffprobe a media file (streams and format as JSON). `countPackets` makes nb_read_packets exact for video. */
export function probe(file: string, countPackets = false): Promise<ProbeResult> {
  const args = ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", ...(countPackets ? ["-count_packets"] : []), file];
  return new Promise((resolve, reject) => {
    execFile(resolveFfprobe().path, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ffprobe could not read ${file}: ${String(stderr).trim() || err.message}`));
      try {
        const data = JSON.parse(stdout) as Partial<ProbeResult>;
        resolve({ streams: data.streams ?? [], format: data.format ?? {} });
      } catch (e) {
        reject(new Error(`ffprobe gave unreadable output for ${file}: ${(e as Error).message}`));
      }
    });
  });
}

/**
 * Run FFmpeg to completion (stdout ignored). Killed when `signal` aborts. Rejects with `onFailure(lastStderrLines)`
 * when FFmpeg exits non-zero.
 */
export function runFfmpeg(
  args: string[],
  signal: AbortSignal | undefined,
  onFailure: (stderrTail: string) => Error,
  timeoutMs = Number(process.env.HYPERFRAMES_FFMPEG_TIMEOUT_MS ?? 600_000),
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // tethered: it dies with this process, even a killed one
    const p = spawnTethered(resolveFfmpeg().path, args, ["ignore", "pipe"]);
    const timer = setTimeout(() => {
      err += `\nFFmpeg was stopped after ${Math.round(timeoutMs / 1000)} s (HYPERFRAMES_FFMPEG_TIMEOUT_MS)`;
      killTethered(p);
    }, timeoutMs);
    let err = "";
    p.stderr!.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-8000);
    });
    const onAbort = () => killTethered(p);
    signal?.addEventListener("abort", onAbort, { once: true });
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (code === 0) resolve();
      else reject(onFailure(err.trim().split("\n").slice(-2).join(" | ")));
    });
  });
}
