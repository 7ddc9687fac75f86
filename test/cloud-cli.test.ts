import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { probe } from "../src/render/ffmpeg.js";
import { Emulator, fastRenderer } from "./emulator/server.js";
import { makeProject } from "./emulator/fixtures.js";
import { jsonLines, runCli, type CliRun } from "./emulator/cli.js";

let emu: Emulator;
const runs: CliRun[] = [];
let env: Record<string, string | undefined>;

async function cli(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<CliRun> {
  const r = await runCli(args, { ...env, ...extraEnv });
  runs.push(r);
  return r;
}

beforeAll(async () => {
  emu = await new Emulator({ renderProject: fastRenderer, queueMs: 20 }).start();
  env = { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE_URL: emu.url };
});
afterAll(async () => {
  // The key never appears in anything the CLI printed.
  expect(runs.length).toBeGreaterThan(5);
  for (const r of runs) {
    expect(r.stdout).not.toContain(emu.apiKey);
    expect(r.stderr).not.toContain(emu.apiKey);
  }
  await emu.close();
});

describe("hyperframes cloud", () => {
  it("render --wait --thumbnail: packs, estimates, submits, polls and downloads into <dir>/renders/", async () => {
    const dir = await makeProject();
    const r = await cli(["cloud", "render", dir, "--wait", "--thumbnail", "--yes", "--json", "--fps", "24", "--quality", "draft", "--poll-interval", "0.02", "--debug"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    const est = lines.find((l) => l.type === "estimate")!;
    expect(est.cost_usd).toBeCloseTo((1 / 60) * 0.1, 4); // 1 s at 1080p/24fps → the 30 fps rate
    expect(lines.some((l) => l.type === "status")).toBe(true);
    const res = lines.find((l) => l.type === "cloud-render")!;
    expect(res.status).toBe("completed");
    expect(path.dirname(res.video)).toBe(path.join(dir, "renders"));
    expect(existsSync(res.thumbnail)).toBe(true);
    expect((await probe(res.video)).streams[0]?.codec_name).toBe("h264");
    const rec = emu.renders.get(res.render_id)!;
    expect(rec.fps).toBe(24);
    expect(rec.quality).toBe("draft");
    expect(rec.title).toBe(path.basename(dir));
    expect(rec.projectType).toBe("base64");
    // --debug logged the requests, without the key
    expect(r.stderr).toContain("POST /v3/hyperframes/renders");
    // no leftovers from the atomic download
    expect(readdirSync(path.join(dir, "renders")).filter((f) => f.endsWith(".part"))).toEqual([]);
  });

  it("refuses to submit without --yes when there is no terminal, and sends nothing", async () => {
    const dir = await makeProject();
    const before = emu.requests.length;
    const r = await cli(["cloud", "render", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/estimated cost: \$/);
    expect(r.stderr).toMatch(/--yes/);
    expect(emu.requests.length).toBe(before);
  });

  it("--help documents the flags from the option table and the non-TTY rule", async () => {
    const r = await cli(["cloud", "render", "--help"]);
    expect(r.code).toBe(0);
    for (const f of ["--fps", "--quality", "--format", "--resolution", "--aspect-ratio", "--composition", "--variables-file", "--callback-url", "--callback-id", "--batch", "--max-in-flight", "--yes"])
      expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/REFUSES to submit unless --yes/);
  });

  it("validates flags locally with the API's limits before uploading", async () => {
    const dir = await makeProject();
    const before = emu.requests.length;
    for (const [args, re] of [
      [["--fps", "500"], /--fps must be between 1 and 240/],
      [["--resolution", "8k"], /8k/],
      [["--callback-url", "not a url"], /--callback-url must be an http/],
      [["--title", "x".repeat(501)], /--title is longer than 500/],
      [["--callback-id", "x".repeat(257)], /--callback-id is longer than 256/],
      [["--variables", "[1,2]"], /--variables must be a JSON object/],
      [["--variables", "{nope"], /not valid JSON/],
    ] as const) {
      const r = await cli(["cloud", "render", dir, "--yes", ...args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(re);
    }
    expect(emu.requests.length).toBe(before);
  });

  it("lint errors block the upload", async () => {
    const dir = await makeProject({ "index.html": "<!doctype html><html><body><p>no root</p></body></html>" });
    const before = emu.requests.length;
    const r = await cli(["cloud", "render", dir, "--yes"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lint|composition/i);
    expect(emu.requests.length).toBe(before);
  });

  it("status, list (--all), download and delete", async () => {
    const dir = await makeProject();
    const sub = await cli(["cloud", "render", dir, "--yes", "--json", "--title", "cli-crud", "--callback-id", "my-id"]);
    expect(sub.code, sub.stderr).toBe(0);
    const id = jsonLines(sub.stdout).find((l) => l.type === "cloud-render")!.render_id as string;
    await emu.renders.get(id)!.done;
    const st = await cli(["cloud", "status", id, "--json"]);
    expect(jsonLines(st.stdout)[0]).toMatchObject({ render_id: id, status: "completed", title: "cli-crud", callback_id: "my-id" });
    const human = await cli(["cloud", "status", id]);
    expect(human.stdout).toContain(`${id}: completed`);
    const all = await cli(["cloud", "list", "--all", "--limit", "1", "--json"]);
    const listed = jsonLines(all.stdout)[0]!.renders as { render_id: string }[];
    expect(listed.length).toBe([...emu.renders.values()].filter((r) => !r.deleted).length);
    const one = await cli(["cloud", "list", "--limit", "1"]);
    expect(one.stdout).toMatch(/more: use --all/);
    const dl = await cli(["cloud", "download", id, "--dir", dir, "--json"]);
    expect(dl.code, dl.stderr).toBe(0);
    expect(existsSync(jsonLines(dl.stdout)[0]!.video)).toBe(true);
    const del = await cli(["cloud", "delete", id]);
    expect(del.code).toBe(0);
    const gone = await cli(["cloud", "status", id, "--json"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("hyperframes_render_not_found");
    expect(jsonLines(gone.stdout)[0]!.error.code).toBe("hyperframes_render_not_found");
  });

  it("API errors are one line with the API's code; a wrong key is reported without being printed", async () => {
    const wrong = "sk_live_wrong_key_1234567890";
    const r = await cli(["cloud", "list", "--debug"], { HEYGEN_API_KEY: wrong });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unauthorized");
    expect(r.stderr).not.toContain(wrong);
    const none = await cli(["cloud", "list"], { HEYGEN_API_KEY: undefined });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("HEYGEN_API_KEY");
  });

  it("uploads bigger projects as assets (--inline-max 0)", async () => {
    const dir = await makeProject();
    const r = await cli(["cloud", "render", dir, "--yes", "--json", "--inline-max", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const id = jsonLines(r.stdout).find((l) => l.type === "cloud-render")!.render_id;
    expect(emu.renders.get(id)!.projectType).toBe("asset_id");
  });

  it("an inline project refused with 413 is re-sent as an asset (one render)", async () => {
    const dir = await makeProject();
    const n = emu.renders.size;
    const saved = emu.opts.maxInlineBytes;
    (emu.opts as { maxInlineBytes: number }).maxInlineBytes = 100;
    try {
      const r = await cli(["cloud", "render", dir, "--yes", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const id = jsonLines(r.stdout).find((l) => l.type === "cloud-render")!.render_id;
      expect(emu.renders.get(id)!.projectType).toBe("asset_id");
      expect(emu.renders.size).toBe(n + 1);
      expect(emu.requests.some((q) => q.answered === 413)).toBe(true);
    } finally {
      (emu.opts as { maxInlineBytes: number }).maxInlineBytes = saved;
    }
  });

  it("--batch: one render per row, never more than --max-in-flight at once, all downloaded", async () => {
    const dir = await makeProject();
    const rows = path.join(dir, "rows.csv");
    await writeFile(rows, "headline,count\nA,1\nB,2\nC,3\nD,4\nE,5\n");
    await Promise.all([...emu.renders.values()].map((x) => x.done)); // earlier tests' renders are finished
    emu.maxActiveSeen = 0;
    const posts = emu.createRequests.length;
    const r = await cli(["cloud", "render", dir, "--batch", rows, "--max-in-flight", "2", "--yes", "--json", "--poll-interval", "0.02", "--title", "batch"]);
    expect(r.code, r.stderr).toBe(0);
    expect(emu.createRequests.length - posts).toBe(5);
    expect(emu.maxActiveSeen).toBeLessThanOrEqual(2);
    expect(emu.maxActiveSeen).toBe(2);
    const res = jsonLines(r.stdout).find((l) => l.type === "cloud-batch")!;
    expect(res.completed).toBe(5);
    const vids = readdirSync(path.join(dir, "renders")).filter((f) => f.startsWith("batch-") && f.endsWith(".mp4"));
    expect(vids.length).toBe(5);
    const vars = [...emu.renders.values()].slice(-5).map((x) => x.variables?.headline);
    expect(vars.sort()).toEqual(["A", "B", "C", "D", "E"]);
    // the project was uploaded once, as an asset, and reused by every row
    expect(new Set([...emu.renders.values()].slice(-5).map((x) => x.projectType))).toEqual(new Set(["asset_id"]));
    // running it again resumes from the state file: nothing is submitted again
    const again = await cli(["cloud", "render", dir, "--batch", rows, "--max-in-flight", "2", "--yes", "--json", "--poll-interval", "0.02", "--title", "batch"]);
    expect(again.code, again.stderr).toBe(0);
    expect(emu.createRequests.length - posts).toBe(5);
  });
});

describe("cloud duration flags are in seconds, as in the official CLI (issue 18 §1)", () => {
  it("--poll-interval 0.5 waits half a second between polls", async () => {
    const dir = await makeProject();
    const r = await cli(["cloud", "render", dir, "--wait", "--yes", "--json", "--poll-interval", "0.5", "--title", "poll"]);
    expect(r.code, r.stderr).toBe(0);
    const id = jsonLines(r.stdout).find((l) => l.type === "cloud-render")!.render_id as string;
    const polls = emu.requests.filter((q) => q.method === "GET" && q.path === `/v3/hyperframes/renders/${id}`).map((q) => q.at);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls[1]! - polls[0]!).toBeGreaterThanOrEqual(450);
    expect(polls[1]! - polls[0]!).toBeLessThan(5000);
  });

  it("--timeout 0.3 gives up on a request after 300 ms (then retries); --timeout 3 waits for a 1 s answer", async () => {
    const dir = await makeProject();
    const sub = await cli(["cloud", "render", dir, "--yes", "--json", "--title", "timeout"]);
    const id = jsonLines(sub.stdout).find((l) => l.type === "cloud-render")!.render_id as string;
    emu.fault({ method: "GET", path: `/v3/hyperframes/renders/${id}`, delayMs: 1000 });
    const short = await cli(["cloud", "status", id, "--json", "--timeout", "0.3", "--debug"]);
    expect(short.code, short.stderr).toBe(0);
    const ms = Number(/network error \S+ \((\d+) ms, attempt 1\)/.exec(short.stderr)?.[1]);
    expect(ms, short.stderr).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(900);
    emu.fault({ method: "GET", path: `/v3/hyperframes/renders/${id}`, delayMs: 1000 });
    const long = await cli(["cloud", "status", id, "--json", "--timeout", "3", "--debug"]);
    expect(long.code, long.stderr).toBe(0);
    expect(long.stderr).not.toMatch(/network error/);
  });

  it("a value of 1000 or more is refused as milliseconds, naming the seconds to write; nothing is sent", async () => {
    const dir = await makeProject();
    const before = emu.requests.length;
    for (const [args, flag, instead] of [
      [["render", dir, "--yes", "--poll-interval", "2000"], "--poll-interval", "--poll-interval 2"],
      [["render", dir, "--yes", "--timeout", "30000"], "--timeout", "--timeout 30"],
      [["list", "--timeout", "1500"], "--timeout", "--timeout 1.5"],
    ] as const) {
      const r = await cli(["cloud", ...args, "--json"]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toContain(`${flag} is in seconds (as in the official CLI)`);
      expect(r.stderr).toContain(`write ${instead};`);
      expect(jsonLines(r.stdout)[0]).toMatchObject({ ok: false, error: { code: "invalid_option" } });
    }
    for (const bad of ["0", "-1", "2s", "abc"]) {
      const r = await cli(["cloud", "list", "--timeout", bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toMatch(/--timeout must be (a number of seconds|from 0.01 to 600 seconds)/);
    }
    expect(emu.requests.length).toBe(before);
  });

  it("--help says seconds, with unquoted numeric defaults", async () => {
    const r = await cli(["cloud", "render", "--help"]);
    const help = r.stdout.replace(/\s+/g, " ");
    expect(help).toContain("--timeout <seconds> per-request timeout in seconds (decimals allowed) (default: 30)");
    expect(help).toMatch(/--poll-interval <seconds> first poll interval in seconds, [^(]*\(then ×1.5 each poll, up to 15 s\) \(default: 2\)/);
    expect(help).not.toMatch(/<ms>|milliseconds/);
  });
});
