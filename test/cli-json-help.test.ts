/**
 * Issue 18 §4 "`--json` objects: every result carries `ok`; numbers in help are not quoted", checked for every
 * command the program registers (found by walking it, so a new command is covered or this test fails):
 *   - `--help` of each command shows numeric defaults unquoted (`default: 3002`, never `default: "3002"`);
 *   - each command with --json ends a successful run with a JSON result carrying `ok: true`, and a failed one with
 *     `ok: false` (`{type: "error", ok: false, error: {code, message}}`, or the command's own result saying why),
 *     also for a flag commander rejects (`invalid_arguments`) and an unexpected exception (`internal_error`, exit 2).
 * The real CLI in child processes; the cloud commands talk to the local HeyGen API emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../src/cli/main.js";
import { cli, cliAsync, startCli, type CliResult } from "./helpers/cli.js";
import { cleanupProjects, makeProject as makeLocalProject, page, tempDir } from "./helpers/project.js";
import { Emulator, fastRenderer } from "./emulator/server.js";
import { makeProject as makeCloudProject } from "./emulator/fixtures.js";

/** Every command as its path of names ("" is the program), with whether it takes --json. */
function commands(): { path: string; json: boolean; cmd: Command }[] {
  const out: { path: string; json: boolean; cmd: Command }[] = [];
  const walk = (c: Command, prefix: string[]) => {
    out.push({ path: prefix.join(" "), json: c.options.some((o) => o.long === "--json"), cmd: c });
    for (const sub of c.commands) walk(sub, [...prefix, sub.name()]);
  };
  walk(buildProgram(), []);
  return out;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

afterAll(() => cleanupProjects());

describe("--help", () => {
  it("no numeric default is quoted, in any command's help (wrapped lines joined)", () => {
    const all = commands();
    expect(all.map((c) => c.path)).toEqual(expect.arrayContaining(["", "init", "dev", "render", "snapshot", "cloud render", "cloud listen"]));
    for (const { path: p, cmd } of all) {
      // the cause, at the source: an option whose default is a string of digits is shown quoted
      for (const o of cmd.options) expect(typeof o.defaultValue === "string" && NUMBER.test(o.defaultValue), `${p} ${o.long}: default "${o.defaultValue}"`).toBe(false);
      for (const names of [p, ...(cmd.aliases().length ? [[...p.split(" ").slice(0, -1), cmd.aliases()[0]].join(" ")] : [])]) {
        const r = cli([...names.split(" ").filter(Boolean), "--help"]);
        expect(r.code, names).toBe(0);
        const help = r.stdout.replace(/\s+/g, " ");
        expect(help, names).not.toMatch(/default: "-?\d+(\.\d+)?"/);
      }
    }
    const dev = cli(["dev", "--help"]).stdout.replace(/\s+/g, " ");
    expect(dev).toMatch(/\(default: 3002\)/);
    expect(cli(["cloud", "list", "--help"]).stdout.replace(/\s+/g, " ")).toMatch(/\(default: 20\)/);
  });
});

describe("--json results carry ok", () => {
  let emu: Emulator;
  let cloudEnv: Record<string, string>;
  beforeAll(async () => {
    emu = await new Emulator({ renderProject: fastRenderer, queueMs: 20 }).start();
    cloudEnv = { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE_URL: emu.url, HEYGEN_WEBHOOK_SECRET: "whsec_test_secret_for_listen" };
  });
  afterAll(() => emu?.close());

  const tiny = () =>
    makeLocalProject({
      "index.html": page({ width: 160, height: 90, duration: 0.2, fps: 10, body: '<div id="box" class="cell" style="background:#f00"></div>', script: 'window.__timelines = { main: gsap.timeline({ paused: true }).to("#box", { x: 60, duration: 0.2 }) };' }),
    });

  /** The final line carries ok: true with exit 0, ok: false with any other exit. */
  function expectOk(r: CliResult, what: string, ok = true): Record<string, any> {
    expect(r.code === 0, `${what}: exit ${r.code}\n${r.stderr}`).toBe(ok);
    expect(r.json, `${what}: no JSON line on stdout\n${r.stdout}`).toBeDefined();
    expect(r.json!.ok, `${what}: ${JSON.stringify(r.json)}`).toBe(ok);
    // a failure is an error object, or a command's own result saying why (lint findings, doctor's checks)
    if (r.json!.type === "error") expect(r.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    return r.json!;
  }

  /** One success and one failure per command with --json; keys are command paths. A long-running server's final
   * result is its stop. */
  const cases: Record<string, () => Promise<void>> = {
    init: async () => {
      const dir = tempDir("hf-json-init-");
      expectOk(cli(["init", path.join(dir, "p"), "--json"]), "init");
      expectOk(cli(["init", "--list-templates", "--json"]), "init --list-templates");
      expectOk(cli(["init", path.join(dir, "p"), "--json"]), "init into a non-empty folder", false);
    },
    lint: async () => {
      expectOk(cli(["lint", tiny(), "--json"]), "lint");
      expectOk(cli(["lint", tempDir(), "--json"]), "lint of an empty folder", false);
    },
    info: async () => {
      expectOk(cli(["info", tiny(), "--json"]), "info");
      expectOk(cli(["info", tempDir(), "--json"]), "info of an empty folder", false);
    },
    doctor: async () => {
      expectOk(cli(["doctor", "--json"]), "doctor");
      expectOk(cli(["doctor", "--browser", path.join(tempDir(), "no-such-chrome"), "--json"]), "doctor with a missing browser", false);
    },
    render: async () => {
      const dir = tiny();
      expect(expectOk(cli(["render", dir, "-q", "draft", "-o", path.join(tempDir(), "a.mp4"), "--json"]), "render").type).toBe("result");
      const rows = path.join(tempDir(), "rows.json");
      writeFileSync(rows, JSON.stringify([{}]));
      expectOk(cli(["render", dir, "--batch", rows, "-q", "draft", "--output-pattern", path.join(tempDir(), "{index}.mp4"), "--json"]), "render --batch");
      expectOk(cli(["render", dir, "--fps", "999", "--json"]), "render --fps 999", false);
    },
    snapshot: async () => {
      expectOk(cli(["snapshot", tiny(), "--at", "0.1", "-o", tempDir(), "--json"]), "snapshot");
      expectOk(cli(["snapshot", tiny(), "--at", "99", "--json"]), "snapshot past the end", false);
    },
    pack: async () => {
      expectOk(cli(["pack", tiny(), "-o", path.join(tempDir(), "p.zip"), "--json"]), "pack");
      expectOk(cli(["pack", tempDir(), "--json"]), "pack of an empty folder", false);
    },
    dev: async () => {
      const run = startCli(["dev", tiny(), "--port", "0", "--json"]);
      await until(() => run.stdout().includes('"listening"'), "dev listening");
      run.child.kill("SIGTERM");
      expect(expectOk(await run.exited, "dev, stopped").type).toBe("stopped");
      expectOk(cli(["dev", tiny(), "--port", "99999", "--json"]), "dev --port 99999", false);
    },
    "cloud render": async () => {
      const dir = await makeCloudProject();
      expectOk(await cliAsync(["cloud", "render", dir, "--yes", "--json"], { env: cloudEnv }), "cloud render");
      expectOk(await cliAsync(["cloud", "render", dir, "--yes", "--wait", "--poll-interval", "0.05", "--json", "--title", "w"], { env: cloudEnv }), "cloud render --wait");
      const rows = path.join(dir, "rows.json");
      writeFileSync(rows, JSON.stringify([{ headline: "A" }]));
      expectOk(await cliAsync(["cloud", "render", dir, "--yes", "--batch", rows, "--poll-interval", "0.05", "--json"], { env: cloudEnv }), "cloud render --batch");
      expectOk(await cliAsync(["cloud", "render", dir, "--json"], { env: cloudEnv }), "cloud render without --yes", false);
    },
    "cloud status": async () => {
      const id = await submitted();
      expectOk(await cliAsync(["cloud", "status", id, "--json"], { env: cloudEnv }), "cloud status");
      expectOk(await cliAsync(["cloud", "status", "no_such_render", "--json"], { env: cloudEnv }), "cloud status of an unknown id", false);
    },
    "cloud list": async () => {
      expectOk(await cliAsync(["cloud", "list", "--json"], { env: cloudEnv }), "cloud list");
      expectOk(await cliAsync(["cloud", "list", "--json"], { env: { ...cloudEnv, HEYGEN_API_KEY: "sk_wrong_key_123456789" } }), "cloud list with a wrong key", false);
    },
    "cloud download": async () => {
      const id = await submitted();
      await emu.renders.get(id)!.done;
      expectOk(await cliAsync(["cloud", "download", id, "--dir", tempDir(), "--json"], { env: cloudEnv }), "cloud download");
      expectOk(await cliAsync(["cloud", "download", "no_such_render", "--json"], { env: cloudEnv }), "cloud download of an unknown id", false);
    },
    "cloud delete": async () => {
      const id = await submitted();
      expectOk(await cliAsync(["cloud", "delete", id, "--json"], { env: cloudEnv }), "cloud delete");
      expectOk(await cliAsync(["cloud", "delete", id, "--json"], { env: cloudEnv }), "cloud delete again", false);
    },
    "cloud listen": async () => {
      const run = startCli(["cloud", "listen", "--port", "0", "--no-download", "--json"], { env: cloudEnv });
      await until(() => run.stdout().includes('"listening"'), "cloud listen listening");
      run.child.kill("SIGTERM");
      expect(expectOk(await run.exited, "cloud listen, stopped").type).toBe("stopped");
      expectOk(await cliAsync(["cloud", "listen", "--port", "70000", "--json"], { env: cloudEnv }), "cloud listen --port 70000", false);
    },
  };

  async function submitted(): Promise<string> {
    const r = await cliAsync(["cloud", "render", await makeCloudProject(), "--yes", "--json", "--title", `t${Math.random()}`], { env: cloudEnv });
    return expectOk(r, "cloud render (setup)").render_id as string;
  }

  async function until(pred: () => boolean, what: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("every command with --json has a case here", () => {
    const withJson = commands().filter((c) => c.json).map((c) => c.path);
    expect(withJson.sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [name, run] of Object.entries(cases)) it(`${name}: ok: true on success, ok: false with an error object on failure`, run, 180_000);

  it("a flag commander rejects is a JSON error too (invalid_arguments, exit 1)", () => {
    const r = cli(["lint", tiny(), "--json", "--no-such-flag"]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ type: "error", ok: false, error: { code: "invalid_arguments", message: "unknown option '--no-such-flag'" } });
  });

  it("an unexpected exception is {ok: false, error: {code: internal_error}} on stdout and exit 2", () => {
    // a file where the zip's folder should be: mkdir fails with a raw EEXIST/ENOTDIR, not a typed error
    const file = path.join(tempDir(), "a-file");
    writeFileSync(file, "x");
    const r = cli(["pack", tiny(), "-o", path.join(file, "p.zip"), "--json"]);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ type: "error", ok: false, error: { code: "internal_error", message: expect.stringMatching(/EEXIST|ENOTDIR/) } });
    expect(r.stderr).toMatch(/internal error: .*(EEXIST|ENOTDIR)/);
    // without --json, stdout stays empty
    const human = cli(["pack", tiny(), "-o", path.join(file, "p.zip")]);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe("");
  });
});
