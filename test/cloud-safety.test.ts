/**
 * Issue 13 (Safety), cloud part: the API key goes to the API's origin and nowhere else, it never appears in
 * anything printed or thrown, server data never becomes a path, an ambiguous create is never billed twice
 * by a re-run, and Ctrl-C exits 130. Everything runs against the local emulator (loopback only).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { HyperframesCloud } from "../src/cloud/client.js";
import { packProject } from "../src/cloud/packager.js";
import { runCloudBatch } from "../src/cloud/batch.js";
import { uploadProject } from "../src/cloud/upload.js";
import { CloudError } from "../src/errors.js";
import { Emulator, fastRenderer } from "./emulator/server.js";
import { makeProject } from "./emulator/fixtures.js";
import { jsonLines, runCli, type CliRun } from "./emulator/cli.js";
import { waitFor } from "./helpers/processes.js";
import { startCli } from "./helpers/cli.js";

let emu: Emulator;
let zip: Buffer;
let sha: string;
const runs: CliRun[] = [];

const client = (o: Partial<ConstructorParameters<typeof HyperframesCloud>[0]> = {}) =>
  new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: emu.url, backoffMs: 20, maxBackoffMs: 100, timeoutMs: 5000, ...o });
const cli = async (args: string[], env: Record<string, string | undefined> = {}) => {
  const r = await runCli(args, { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE_URL: emu.url, ...env });
  runs.push(r);
  return r;
};
const b64 = () => ({ type: "base64" as const, base64: zip.toString("base64") });

async function cloudError(p: Promise<unknown>): Promise<CloudError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CloudError);
  return e as CloudError;
}

/** Another origin on loopback that records every request reaching it. */
async function foreignOrigin() {
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders }[] = [];
  const srv = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: { render_id: "rnd_foreign", status: "queued" }, has_more: false, next_token: null }));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(srv.address() as import("node:net").AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

beforeAll(async () => {
  emu = await new Emulator({ renderProject: fastRenderer, queueMs: 20 }).start();
  const p = await packProject(await makeProject());
  zip = p.zip;
  sha = p.sha256;
});
afterAll(async () => {
  for (const r of runs) {
    expect(r.stdout).not.toContain(emu.apiKey);
    expect(r.stderr).not.toContain(emu.apiKey);
  }
  await emu.close();
});

describe("the API key goes to the API's origin and nowhere else", () => {
  it("a 307 to another origin is refused: the key (and the project) never reach it", async () => {
    const foreign = await foreignOrigin();
    try {
      emu.fault({ method: "GET", path: "/v3/hyperframes/renders", redirect: `${foreign.url}/v3/hyperframes/renders` });
      const e = await cloudError(client().listRenders());
      expect(e.code).toBe("cross_origin_redirect");
      expect(e.message).toContain(foreign.url);
      expect(e.hint).toMatch(/api-base|HEYGEN_API_BASE_URL/);

      const n = emu.renders.size;
      emu.fault({ method: "POST", path: "/v3/hyperframes/renders", redirect: `${foreign.url}/v3/hyperframes/renders` });
      expect((await cloudError(client().createRender({ project: b64() }))).code).toBe("cross_origin_redirect");
      expect(emu.renders.size).toBe(n);

      for (const status of [301, 302, 303, 308]) {
        emu.fault({ method: "GET", path: "/v3/hyperframes/renders", redirect: `${foreign.url}/x`, status });
        expect((await cloudError(client().listRenders())).code).toBe("cross_origin_redirect");
      }
      expect(foreign.seen.filter((r) => r.headers["x-api-key"] !== undefined)).toEqual([]);
      expect(JSON.stringify(foreign.seen)).not.toContain(emu.apiKey);
      expect(foreign.seen).toEqual([]); // refused outright: nothing is sent there at all
    } finally {
      emu.clearFaults();
      await foreign.close();
    }
  });

  it("a redirect within the API origin is followed, with the key", async () => {
    emu.fault({ method: "GET", path: "/v3/hyperframes/renders", redirect: `${emu.url}/v3/hyperframes/renders?limit=3` });
    const page = await client().listRenders();
    expect(Array.isArray(page.data)).toBe(true);
    const last = emu.requests.at(-1)!;
    expect(last.query.limit).toBe("3");
    expect(last.hadApiKey).toBe(true);
  });
});

describe("echoed secrets are redacted", () => {
  const other = "x-api-key: sk_live_" + "Q".repeat(28);
  it("an API error quoting the key: not in error.message, hint, data, stack or the debug log", async () => {
    emu.fault({ method: "GET", path: "/v3/hyperframes/renders", status: 400, code: "invalid_parameter", message: `API key ${emu.apiKey} is not valid here (${other})` });
    const log: string[] = [];
    const e = await cloudError(client({ log: (l) => log.push(l) }).listRenders());
    const all = JSON.stringify({ m: e.message, h: e.hint, d: e.data, p: e.param, s: e.stack, j: e.toJSON(), log });
    expect(all).not.toContain(emu.apiKey);
    expect(all).not.toContain("Q".repeat(28));
    expect(e.message).toContain("[redacted]");
    expect(e.code).toBe("invalid_parameter"); // the rest of the error is intact
  });

  it("--json stdout and stderr of the CLI never carry it", async () => {
    for (const args of [["cloud", "list", "--json"], ["cloud", "list", "--json", "--debug"], ["cloud", "list"]]) {
      emu.fault({ method: "GET", path: "/v3/hyperframes/renders", status: 400, message: `API key ${emu.apiKey} is not valid here (${other})` });
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(emu.apiKey);
      expect(r.stdout + r.stderr).not.toContain("Q".repeat(28));
      expect(r.stdout + r.stderr).toContain("[redacted]");
    }
  });
});

describe("server data never becomes a path", () => {
  const hostile = (target: string) => `mp4/${"../".repeat(40)}${target.replace(/^\/+/, "")}`;

  it("cloud render --wait and cloud download refuse a format outside mp4/webm/mov; nothing is written", async () => {
    const dir = await makeProject();
    const target = path.join(os.tmpdir(), `PWNED-${randomBytes(4).toString("hex")}`);
    emu.viewOverride = (v) => (v.status === "completed" ? { ...v, format: hostile(target) } : v);
    try {
      const r = await cli(["cloud", "render", dir, "--wait", "--yes", "--json", "--poll-interval", "0.02"]);
      expect(r.code).toBe(1);
      expect(existsSync(target)).toBe(false);
      const err = jsonLines(r.stdout).find((l) => l.type === "error")!;
      expect(err.error.code).toBe("unsafe_server_value");
      expect(err.error.message).toMatch(/mp4, webm, mov/);
      const id = jsonLines(r.stdout).find((l) => l.type === "submitted")!.render_id as string;
      const d = await cli(["cloud", "download", id, "--dir", dir, "--json"]);
      expect(d.code).toBe(1);
      expect(jsonLines(d.stdout).find((l) => l.type === "error")!.error.code).toBe("unsafe_server_value");
      expect(existsSync(target)).toBe(false);
    } finally {
      emu.viewOverride = undefined;
    }
  });

  it("batch downloads refuse it too", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-batch-"));
    const target = path.join(os.tmpdir(), `PWNED-${randomBytes(4).toString("hex")}`);
    emu.viewOverride = (v) => (v.status === "completed" ? { ...v, format: hostile(target) } : v);
    try {
      const c = client();
      const e = await cloudError(
        runCloudBatch({
          client: c,
          rows: [{ headline: "a" }],
          base: { title: "t" },
          project: async () => (await uploadProject(c, zip, { inlineMaxBytes: 0 })).project,
          zipSha256: sha,
          statePath: path.join(dir, "state.json"),
          pollIntervalMs: 20,
        }),
      );
      expect(e.code).toBe("unsafe_server_value");
      expect(existsSync(target)).toBe(false);
    } finally {
      emu.viewOverride = undefined;
    }
  });

  it("a hostile render_id cannot steer the file name either", async () => {
    const dir = await makeProject();
    const { render_id } = await client().createRender({ project: b64() });
    await emu.renders.get(render_id)!.done;
    emu.viewOverride = (v) => ({ ...v, render_id: "../../../../evil", title: "../../x" });
    try {
      const d = await cli(["cloud", "download", render_id, "--dir", dir, "--json"]);
      expect(d.code, d.stderr).toBe(0);
      const video = jsonLines(d.stdout).find((l) => l.type === "downloaded")!.video as string;
      expect(path.dirname(video)).toBe(path.join(dir, "renders"));
    } finally {
      emu.viewOverride = undefined;
    }
  });
});

describe("no duplicate bill on a re-run", () => {
  it("an ambiguous create whose recovery lookup fails says a render may exist and how to check", async () => {
    const n = emu.renders.size;
    emu.fault({ method: "POST", path: "/v3/hyperframes/renders", delayMs: 600 }); // accepted, the answer comes too late
    emu.fault({ method: "GET", path: "/v3/hyperframes/renders", status: 500, times: 20 });
    const e = await cloudError(client({ timeoutMs: 250, retries: 2 }).createRender({ project: b64() }, { idempotencyKey: "k-" + randomBytes(4).toString("hex") }));
    emu.clearFaults();
    expect(e.code).toBe("render_may_exist");
    expect(e.message).toMatch(/may already exist/);
    expect(e.message).toMatch(/500/);
    expect(e.hint).toMatch(/hyperframes cloud list/);
    expect(e.hint).toMatch(/Idempotency-Key/);
    expect(e.data?.idempotency_key).toMatch(/^k-/);
    await waitFor(() => emu.renders.size === n + 1, 5000);
  });

  it("re-running the same `cloud render` after that reuses the Idempotency-Key: one render, not two", async () => {
    const dir = await makeProject();
    const n = emu.renders.size;
    emu.fault({ method: "POST", path: "/v3/hyperframes/renders", delayMs: 700 });
    emu.fault({ method: "GET", path: "/v3/hyperframes/renders", status: 500, times: 50 });
    const first = await cli(["cloud", "render", dir, "--yes", "--json", "--timeout", "0.3"]);
    emu.clearFaults();
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/may already exist/);
    expect(first.stderr).toMatch(/hyperframes cloud list/);
    await waitFor(() => emu.renders.size === n + 1, 5000);
    expect(emu.renders.size).toBe(n + 1); // the first run did create it
    const again = await cli(["cloud", "render", dir, "--yes", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const res = jsonLines(again.stdout).find((l) => l.type === "cloud-render")!;
    expect(emu.renders.size).toBe(n + 1); // …and the re-run got that one back instead of a second
    expect(emu.renders.has(res.render_id)).toBe(true);
    const keys = emu.createRequests.slice(-2).map((q) => q.headers["idempotency-key"]);
    expect(keys[0]).toBe(keys[1]);
    expect(res.idempotency_key).toBe(keys[0]);
  });

  it("--idempotency-key chooses the key; other settings give another key", async () => {
    const dir = await makeProject();
    const n = emu.renders.size;
    const k = "my-key-" + randomBytes(4).toString("hex");
    const a = await cli(["cloud", "render", dir, "--yes", "--json", "--idempotency-key", k]);
    const b = await cli(["cloud", "render", dir, "--yes", "--json", "--idempotency-key", k]);
    expect(a.code, a.stderr).toBe(0);
    expect(jsonLines(b.stdout).find((l) => l.type === "cloud-render")!.render_id).toBe(jsonLines(a.stdout).find((l) => l.type === "cloud-render")!.render_id);
    expect(emu.createRequests.at(-1)!.headers["idempotency-key"]).toBe(k);
    expect(emu.renders.size).toBe(n + 1);
    const c = await cli(["cloud", "render", dir, "--yes", "--json", "--fps", "24"]);
    expect(c.code, c.stderr).toBe(0);
    expect(emu.renders.size).toBe(n + 2);
    const bad = await cli(["cloud", "render", dir, "--yes", "--idempotency-key", "has space"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--idempotency-key/);
  });
});

describe("Ctrl-C exits 130", () => {
  /** The built CLI against the emulator. */
  const spawnCli = (args: string[]) => startCli(args, { env: { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE_URL: emu.url, HEYGEN_WEBHOOK_SECRET: "whsec_x" } });
  const sent = (method: string, p: string | RegExp, since: number) =>
    emu.requests.some((q) => q.at >= since && q.method === method && (typeof p === "string" ? q.path === p : p.test(q.path)));

  it("during a request of status, list, delete and download", async () => {
    const { render_id } = await client().createRender({ project: b64() });
    await emu.renders.get(render_id)!.done;
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-sigint-"));
    const cases: [string[], string, string | RegExp][] = [
      [["cloud", "status", render_id], "GET", `/v3/hyperframes/renders/${render_id}`],
      [["cloud", "list"], "GET", "/v3/hyperframes/renders"],
      [["cloud", "delete", render_id], "DELETE", `/v3/hyperframes/renders/${render_id}`],
      [["cloud", "download", render_id, "--dir", dir], "GET", /^\/files\//],
    ];
    for (const [args, method, p] of cases) {
      emu.fault({ method, path: p instanceof RegExp ? p : p, delayMs: 8000 });
      const t0 = Date.now();
      const run = spawnCli(args);
      expect(await waitFor(() => sent(method, p, t0), 15_000), `${args.join(" ")} never sent ${method} ${p}`).toBe(true);
      run.child.kill("SIGINT");
      const { code, signal } = await run.exited;
      emu.clearFaults();
      expect({ args, code, signal }).toEqual({ args, code: 130, signal: null });
      expect(run.stderr()).toMatch(/cancelled/);
      expect(run.stderr()).not.toMatch(/^\s+at /m); // no stack trace without --debug
    }
  }, 120_000);

  it("while `cloud render --wait` polls, and while `cloud listen` listens", async () => {
    const dir = await makeProject();
    emu.fault({ method: "GET", path: /^\/v3\/hyperframes\/renders\/[^/]+$/, delayMs: 8000, times: 5 });
    const t0 = Date.now();
    const run = spawnCli(["cloud", "render", dir, "--wait", "--yes", "--poll-interval", "0.02"]);
    expect(await waitFor(() => sent("GET", /^\/v3\/hyperframes\/renders\/[^/]+$/, t0), 20_000)).toBe(true);
    run.child.kill("SIGINT");
    const r = await run.exited;
    emu.clearFaults();
    expect({ code: r.code, signal: r.signal }, r.stderr).toEqual({ code: 130, signal: null });
    expect(run.stderr()).toMatch(/hyperframes cloud list/); // says the render keeps running and where to see it

    const listen = spawnCli(["cloud", "listen", "--port", "0", "--json"]);
    expect(await waitFor(() => listen.stdout().includes('"listening"'), 15_000)).toBe(true);
    listen.child.kill("SIGINT");
    const l = await listen.exited;
    expect({ code: l.code, signal: l.signal }).toEqual({ code: 130, signal: null });
    expect(l.json).toMatchObject({ type: "stopped", ok: false, signal: "SIGINT" });
  }, 120_000);

  it("SIGHUP (the terminal going away) and SIGTERM stop a polling `cloud render --wait` like Ctrl-C (exit 130)", async () => {
    const dir = await makeProject();
    for (const sig of ["SIGHUP", "SIGTERM"] as const) {
      emu.fault({ method: "GET", path: /^\/v3\/hyperframes\/renders\/[^/]+$/, delayMs: 8000, times: 5 });
      const t0 = Date.now();
      const run = spawnCli(["cloud", "render", dir, "--wait", "--yes", "--poll-interval", "0.02"]);
      expect(await waitFor(() => sent("GET", /^\/v3\/hyperframes\/renders\/[^/]+$/, t0), 20_000)).toBe(true);
      run.child.kill(sig);
      const r = await run.exited;
      emu.clearFaults();
      expect({ sig, code: r.code, signal: r.signal }, run.stderr()).toEqual({ sig, code: 130, signal: null });
      expect(run.stderr()).toMatch(new RegExp(`cancelled \\(${sig}\\)`));
    }
  }, 120_000);
});
