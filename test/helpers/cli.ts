/**
 * The one way tests run the built CLI (bin/hyperframes.js → dist/, built by `npm test` or `node scripts/build.mjs`)
 * as a user does: a child process with its own cwd, env and time limit.
 *   cli(args, o)        synchronous (spawnSync): the usual case
 *   cliAsync(args, o)   the same without blocking this process, for tests that serve HTTP to the CLI meanwhile
 *                       (the cloud API emulator, a webhook receiver)
 *   startCli(args, o)   a long-running command (dev, cloud listen, a render to interrupt): the child and its output so far
 * Each returns the exit code, stdout, stderr, every JSON line of stdout (`lines`) and the last one (`json`,
 * the final result of a `--json` run).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { CLI, REPO } from "./project.js";

export { CLI };

export interface CliOptions {
  /** working folder (default: the repository) */
  cwd?: string;
  /** variables set over this process's environment; `undefined` removes one */
  env?: Record<string, string | undefined>;
  /** kill the child after this many ms (default 120 000) */
  timeout?: number;
  /** arguments for node before the CLI, e.g. ["--import", preload] */
  nodeArgs?: string[];
}

export interface CliResult {
  /** exit code (null when killed by a signal) */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** every JSON object line of stdout, in order */
  lines: Record<string, any>[];
  /** the last JSON line of stdout (a --json run's final result or error), if any */
  json: Record<string, any> | undefined;
}

/** The JSON object lines of a --json run's stdout. */
export function jsonLines(stdout: string): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const l of stdout.split("\n")) {
    if (!l.startsWith("{")) continue;
    try {
      out.push(JSON.parse(l) as Record<string, any>);
    } catch {
      /* a human line that starts with "{" */
    }
  }
  return out;
}

function assertBuilt(): void {
  if (!existsSync(path.join(REPO, "dist", "cli", "main.js"))) throw new Error("dist/ is not built: run `node scripts/build.mjs` (npm test does it) before this test");
}

function envFor(o: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function result(code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string): CliResult {
  const lines = jsonLines(stdout);
  return { code, signal, stdout, stderr, lines, json: lines.at(-1) };
}

/** Run the CLI to completion (blocks this process). */
export function cli(args: string[], o: CliOptions = {}): CliResult {
  assertBuilt();
  const r = spawnSync(process.execPath, [...(o.nodeArgs ?? []), CLI, ...args], { cwd: o.cwd ?? REPO, env: envFor(o), encoding: "utf8", timeout: o.timeout ?? 120_000, maxBuffer: 64 << 20 });
  return result(r.status, r.signal, r.stdout ?? "", r.stderr ?? "");
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves when the child exits (after the time limit it is killed with SIGKILL) */
  exited: Promise<CliResult>;
}

/** Start the CLI and return at once. */
export function startCli(args: string[], o: CliOptions = {}): RunningCli {
  assertBuilt();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), CLI, ...args], { cwd: o.cwd ?? REPO, env: envFor(o), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), o.timeout ?? 120_000);
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve(result(code, signal, out, err));
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Run the CLI to completion without blocking this process. */
export function cliAsync(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return startCli(args, o).exited;
}
