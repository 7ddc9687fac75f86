/** Process-tree helpers for the fault tests: which Chrome/FFmpeg processes a test (or a CLI child) started. */
import { spawnSync } from "node:child_process";

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** executable name (ps comm, up to 15 characters) */
  comm: string;
  /** full command line */
  args: string;
}

/** Every process on the machine (ps -e). */
export function listProcesses(): ProcInfo[] {
  const r = spawnSync("ps", ["-e", "-o", "pid=,ppid=,comm=,args="], { encoding: "utf8", maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`ps failed: ${r.stderr}`);
  const out: ProcInfo[] = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), ppid: Number(m[2]), comm: m[3]!, args: m[4]! });
  }
  return out;
}

/** All descendants (children, grandchildren, …) of `pid`, default this process. Zombies are excluded. */
export function listChildProcesses(pid = process.pid): ProcInfo[] {
  const all = listProcesses();
  const zombie = new Set(
    spawnSync("ps", ["-e", "-o", "pid=,stat="], { encoding: "utf8" })
      .stdout.split("\n")
      .map((l) => /^\s*(\d+)\s+(\S+)/.exec(l))
      .filter((m): m is RegExpExecArray => !!m && m[2]!.startsWith("Z"))
      .map((m) => Number(m[1])),
  );
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of all) {
    const list = byParent.get(p.ppid) ?? [];
    list.push(p);
    byParent.set(p.ppid, list);
  }
  const out: ProcInfo[] = [];
  const stack = [pid];
  while (stack.length) {
    const cur = stack.pop()!;
    for (const c of byParent.get(cur) ?? []) {
      if (c.pid === pid) continue;
      if (!zombie.has(c.pid)) out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}

export const isBrowserProcess = (p: ProcInfo): boolean => /chrom|headless_shell|headless-shell/i.test(p.comm + " " + p.args.split(" ")[0]);
export const isFfmpegProcess = (p: ProcInfo): boolean => /ffmpeg/i.test(p.comm) || /\/ffmpeg(\s|$)/.test(p.args);

/** Poll `check` every `intervalMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
