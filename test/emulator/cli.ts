/**
 * Run the real `hyperframes` CLI (src/cli/main.ts) in-process, capturing stdout/stderr: for the cloud tests that
 * reach into the emulator and the listener's stop hooks. Everything else runs the built CLI as a child process
 * (test/helpers/cli.ts).
 */
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const run = async (): Promise<CliRun> => {
    const saved: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    let stdout = "";
    let stderr = "";
    const ow = process.stdout.write.bind(process.stdout);
    const ew = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
    process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
    process.exitCode = undefined;
    try {
      const code = await main(["node", "hyperframes", ...args]);
      return { code, stdout, stderr };
    } finally {
      process.stdout.write = ow;
      process.stderr.write = ew;
      process.exitCode = undefined;
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const p = queue.then(run, run);
  queue = p.catch(() => {});
  return p;
}

/** JSON lines printed on stdout. */
export { jsonLines } from "../helpers/cli.js";
