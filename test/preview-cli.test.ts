/**
 * `hyperframes dev` as a user runs it: the built CLI in a child process. It prints the URL, moves to the
 * next port when the asked one is taken (and says so), serves the player, and Ctrl-C (SIGINT), SIGTERM and
 * SIGHUP stop it cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:net";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeProject } from "./preview-helpers.js";
import { startCli as run } from "./helpers/cli.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const built = existsSync(path.join(root, "dist", "cli", "main.js"));

let dir: string;
let blocker: Server;
let blockedPort: number;

beforeAll(async () => {
  dir = makeProject();
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  blockedPort = (blocker.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

async function until(pred: () => boolean, what: string, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!built)("hyperframes dev (CLI)", () => {
  it("prints the URL, reports a taken port, serves the player, and stops on Ctrl-C", async () => {
    const p = run(["dev", dir, "--port", String(blockedPort)]);
    try {
      await until(() => /press Ctrl-C/.test(p.stdout()), `the banner (stdout: ${p.stdout()} stderr: ${p.stderr()})`);
      const m = /http:\/\/localhost:(\d+)\//.exec(p.stdout());
      expect(m).not.toBeNull();
      const port = Number(m![1]);
      expect(port).not.toBe(blockedPort);
      expect(p.stderr()).toContain(`port ${blockedPort} is in use; using ${port} instead`);
      // bound to loopback
      const html = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      expect(html).toContain("HyperFrames");
      p.child.kill("SIGINT");
      const code = await Promise.race([p.exited.then((r) => r.code), new Promise((r) => setTimeout(() => r("timeout"), 8000))]);
      expect(code).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
  }, 30_000);

  it("--json prints a listening event", async () => {
    const p = run(["dev", dir, "--port", "0", "--json"]);
    try {
      await until(() => p.stdout().includes("\n"), "the listening event");
      const ev = JSON.parse(p.stdout().split("\n")[0]!);
      expect(ev).toMatchObject({ type: "listening", host: "127.0.0.1", compositions: ["index.html", "alt.html", "sub.html"] });
      expect(ev.url).toBe(`http://localhost:${ev.port}/`);
      // --port 0 asks for any free port: getting one is not a port conflict
      expect(p.stderr()).not.toContain("in use");
      p.child.kill("SIGTERM");
      expect((await p.exited).code).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
  }, 30_000);

  it("SIGHUP (the terminal going away) stops it cleanly, like Ctrl-C", async () => {
    const p = run(["dev", dir, "--port", "0", "--json"]);
    try {
      await until(() => p.stdout().includes("\n"), "the listening event");
      const { port } = JSON.parse(p.stdout().split("\n")[0]!) as { port: number };
      p.child.kill("SIGHUP");
      const res = await Promise.race([p.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 8000))]);
      const code = res === "timeout" ? res : res.code;
      expect(code, p.stderr()).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
  }, 30_000);

  it("a folder without a composition is a one-line error with a hint, exit code 1", async () => {
    const p = run(["dev", path.join(dir, "missing")]);
    expect((await p.exited).code).toBe(1);
    expect(p.stderr()).toMatch(/^error: .*does not exist — .*\[preview_project_missing\]/m);
  }, 30_000);
});
