/**
 * `cloudRender()` and `cloudRenderBatch()` (issue 16): the `hyperframes cloud render` flow as library calls,
 * against the local HeyGen API emulator (real HTTP, real zips, real videos from ffmpeg).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { HyperframesCloud } from "../src/cloud/client.js";
import { cloudRender, cloudRenderBatch, type CloudRenderEvent } from "../src/cloud/cloud-render.js";
import { CloudError, UsageError } from "../src/errors.js";
import { probe } from "../src/render/ffmpeg.js";
import { Emulator, fastRenderer, type RenderProjectFn } from "./emulator/server.js";
import { makeProject } from "./emulator/fixtures.js";

// fails a render whose variables ask for it, like a composition that throws in the cloud
const renderer: RenderProjectFn = async (dir, o) => {
  if (o.variables?.fail) throw new Error("composition threw: boom");
  return fastRenderer(dir, o);
};

let emu: Emulator;
beforeAll(async () => {
  emu = await new Emulator({ renderProject: renderer, queueMs: 20 }).start();
});
afterAll(() => emu.close());

const client = () => new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: emu.url, backoffMs: 20, maxBackoffMs: 100 });

describe("cloudRender()", () => {
  it("packs, estimates, uploads, submits, polls and downloads; title and fps default from the project", async () => {
    const dir = await makeProject();
    const events: CloudRenderEvent[] = [];
    const asked: number[] = [];
    const r = await cloudRender({
      project: dir,
      client: client(),
      settings: { quality: "draft" },
      thumbnail: true,
      pollIntervalMs: 20,
      confirm: (est) => (asked.push(est.cost), true),
      onEvent: (e) => events.push(e),
    });
    expect(r.status).toBe("completed");
    expect(path.dirname(r.video!)).toBe(path.join(dir, "renders"));
    expect(path.basename(r.video!)).toBe(`${path.basename(dir)}-${r.render_id}.mp4`);
    expect(existsSync(r.thumbnail!)).toBe(true);
    expect((await probe(r.video!)).streams[0]?.codec_name).toBe("h264");
    expect(r.upload).toBe("base64");
    expect(asked).toEqual([r.estimate.cost]);
    expect(r.estimate).toMatchObject({ renders: 1, resolution: "1080p", fps: 30 });
    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(["packed", "estimate", "submitted"]);
    expect(types).toContain("status");
    expect(types.at(-1)).toBe("downloading");
    const rec = emu.renders.get(r.render_id)!;
    expect(rec).toMatchObject({ title: path.basename(dir), fps: 30, quality: "draft" });
    // nothing left behind: no temp zip next to the video, no partial download
    expect(readdirSync(path.join(dir, "renders")).filter((f) => f.endsWith(".part") || f.endsWith(".zip"))).toEqual([]);
  });

  it("wait: false returns once submitted; the same call again gets the same render (Idempotency-Key from zip + settings)", async () => {
    const dir = await makeProject();
    const posts = emu.createRequests.length;
    const a = await cloudRender({ project: dir, client: client(), settings: { title: "twice" }, wait: false });
    const b = await cloudRender({ project: dir, client: client(), settings: { title: "twice" }, wait: false });
    expect(["queued", "rendering"]).toContain(a.status);
    expect(a.video).toBeUndefined();
    expect(b.render_id).toBe(a.render_id);
    expect(b.idempotency_key).toBe(a.idempotency_key);
    expect(emu.createRequests.length - posts).toBe(2);
    expect(new Set(emu.createRequests.slice(posts).map((q) => q.headers["idempotency-key"])).size).toBe(1);
  });

  it("refuses before anything is sent: confirm says no, bad settings, no API key", async () => {
    const dir = await makeProject();
    const before = emu.requests.length;
    const no = await cloudRender({ project: dir, client: client(), confirm: () => false }).catch((e) => e);
    expect(no).toBeInstanceOf(UsageError);
    expect(no.code).toBe("not_confirmed");
    const bad = await cloudRender({ project: dir, client: client(), settings: { callback_url: "ftp://x" } }).catch((e) => e);
    expect(bad).toBeInstanceOf(UsageError);
    expect(bad.message).toMatch(/--callback-url must be an http/);
    const key = await cloudRender({ project: dir, client: new HyperframesCloud({ apiKey: "", baseUrl: emu.url }) }).catch((e) => e);
    expect(key).toBeInstanceOf(CloudError);
    expect(key.code).toBe("missing_api_key");
    expect(emu.requests.length).toBe(before);
  });

  it("a render that fails in the cloud is a CloudError naming the render and the service's reason", async () => {
    const dir = await makeProject();
    const e = await cloudRender({ project: dir, client: client(), settings: { variables: { fail: true } }, pollIntervalMs: 20 }).catch((x) => x);
    expect(e).toBeInstanceOf(CloudError);
    expect(e.code).toBe("render_failed");
    expect(e.message).toMatch(/failed: composition threw: boom/);
    expect(readdirSync(path.join(dir, "renders"))).toEqual(["old.mp4"]); // the fixture's junk only: nothing downloaded
  });

  it("an abort stops the wait with the abort reason", async () => {
    const dir = await makeProject();
    const ac = new AbortController();
    const p = cloudRender({
      project: dir,
      client: client(),
      settings: { title: "aborted" },
      pollIntervalMs: 5000,
      signal: ac.signal,
      onEvent: (e) => e.type === "status" && ac.abort(new Error("stop now")),
    });
    await expect(p).rejects.toThrow(/stop now/);
  });
});

describe("cloudRenderBatch()", () => {
  it("one render per row (uploaded once, as an asset), all downloaded, resumable from its state file", async () => {
    const dir = await makeProject();
    const posts = emu.createRequests.length;
    const known = new Set(emu.renders.keys());
    const rows = [{ headline: "A" }, { headline: "B" }, { headline: "C" }];
    const events: CloudRenderEvent[] = [];
    const r = await cloudRenderBatch({ project: dir, client: client(), rows, settings: { title: "rows" }, maxInFlight: 2, pollIntervalMs: 20, onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ completed: 3, failed: 0, submitted: 3, statePath: path.join(dir, "renders", "cloud-batch-state.json") });
    expect(r.estimate.renders).toBe(3);
    expect(readdirSync(path.join(dir, "renders")).filter((f) => f.startsWith("rows-")).sort()).toEqual(["rows-1.mp4", "rows-2.mp4", "rows-3.mp4"]);
    const made = [...emu.renders.values()].filter((m) => !known.has(m.render_id));
    expect(made.length).toBe(3);
    expect(made.map((m) => m.variables?.headline).sort()).toEqual(["A", "B", "C"]);
    expect(new Set(made.map((m) => m.projectType))).toEqual(new Set(["asset_id"]));
    expect(events.filter((e) => e.type === "batch").length).toBeGreaterThanOrEqual(6);
    const again = await cloudRenderBatch({ project: dir, client: client(), rows, settings: { title: "rows" }, pollIntervalMs: 20 });
    expect(again).toMatchObject({ completed: 3, submitted: 0 });
    expect(emu.createRequests.length - posts).toBe(3);
  });
});
