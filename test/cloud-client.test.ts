import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { openAsBlob } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import JSZip from "jszip";
import { HyperframesCloud } from "../src/cloud/client.js";
import { uploadProject, chooseUploadMethod } from "../src/cloud/upload.js";
import { downloadFile } from "../src/cloud/download.js";
import { packProject } from "../src/cloud/packager.js";
import { CloudError } from "../src/errors.js";
import { probe } from "../src/render/ffmpeg.js";
import { Emulator, fastRenderer } from "./emulator/server.js";
import { makeProject, stubCompose } from "./emulator/fixtures.js";

let emu: Emulator;
let zip: Buffer;
const errors: unknown[] = [];

const client = (o: Partial<ConstructorParameters<typeof HyperframesCloud>[0]> = {}) =>
  new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: emu.url, backoffMs: 20, maxBackoffMs: 200, timeoutMs: 5000, ...o });

async function expectCloudError(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (e) {
    errors.push(e);
    expect(e).toBeInstanceOf(CloudError);
    return e as CloudError;
  }
  throw new Error("expected a CloudError");
}

beforeAll(async () => {
  // long enough that the first poll still sees "queued" on a loaded machine (20 ms was not)
  emu = await new Emulator({ renderProject: fastRenderer, queueMs: 400 }).start();
  const dir = await makeProject();
  zip = (await packProject(dir, { compose: stubCompose() })).zip;
});
afterAll(async () => {
  // Nothing we threw or logged may contain the key.
  for (const e of errors) {
    const err = e as CloudError;
    expect(JSON.stringify({ m: err.message, h: err.hint, d: err.data, s: err.stack })).not.toContain(emu.apiKey);
  }
  await emu.close();
});

describe("HyperframesCloud against the emulator", () => {
  it("creates a render from an inline zip, polls it to completion and downloads a real video", async () => {
    const c = client();
    const up = await uploadProject(c, zip);
    expect(up.method).toBe("base64");
    const created = await c.createRender({ project: up.project, fps: 24, title: "t1" });
    expect(created.status).toBe("queued");
    expect(created.render_id).toMatch(/^rnd_/);
    const seen: string[] = [];
    const done = await c.waitForRender(created.render_id, { intervalMs: 20, onStatus: (r) => seen.push(r.status) });
    expect(done.status).toBe("completed");
    expect(seen[0]).toBe("queued");
    expect(done.fps).toBe(24);
    expect(done.callback_id).toBe(created.callback_id);
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-dl-"));
    const out = await downloadFile(done.video_url!, path.join(dir, "v.mp4"));
    const pr = await probe(out.path);
    expect(pr.streams[0]?.codec_name).toBe("h264");
    expect(Number(pr.format.duration)).toBeGreaterThan(0.5);
    // the video host never sees the key
    expect(emu.requests.filter((r) => r.path.startsWith("/files/")).every((r) => !r.hadApiKey)).toBe(true);
  });

  it("lists every page, gets, and deletes (then 404 hyperframes_render_not_found)", async () => {
    const c = client();
    const before = (await c.listAllRenders({ limit: 2 })).length;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.createRender({ project: { type: "base64", base64: zip.toString("base64") } })).render_id);
    const all = await c.listAllRenders({ limit: 2 });
    expect(all.length).toBe(before + 5);
    expect(new Set(all.map((r) => r.render_id)).size).toBe(all.length);
    const listCalls = emu.requests.filter((r) => r.method === "GET" && r.path === "/v3/hyperframes/renders" && r.query.limit === "2");
    expect(listCalls.some((r) => r.query.token)).toBe(true);
    await c.deleteRender(ids[0]!);
    const e = await expectCloudError(c.getRender(ids[0]!));
    expect(e.status).toBe(404);
    expect(e.code).toBe("hyperframes_render_not_found");
    expect((await c.listAllRenders()).some((r) => r.render_id === ids[0])).toBe(false);
  });

  it("honours Retry-After on 429 and then succeeds with exactly one render", async () => {
    const c = client();
    const n = emu.renders.size;
    emu.fault({ method: "POST", path: "/v3/hyperframes/renders", status: 429, code: "rate_limit_exceeded", retryAfter: 1 });
    const t0 = Date.now();
    await c.createRender({ project: { type: "base64", base64: zip.toString("base64") } });
    const dt = Date.now() - t0;
    expect(dt).toBeGreaterThanOrEqual(1000);
    expect(dt).toBeLessThan(3000);
    expect(emu.renders.size).toBe(n + 1);
  });

  it("retries GETs on 5xx and dropped connections", async () => {
    const c = client();
    const { render_id } = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") } });
    emu.fault({ method: "GET", path: `/v3/hyperframes/renders/${render_id}`, status: 502, times: 2 });
    emu.fault({ method: "GET", path: `/v3/hyperframes/renders/${render_id}`, drop: "before" });
    const r = await c.getRender(render_id);
    expect(r.render_id).toBe(render_id);
    expect(emu.requests.filter((q) => q.path === `/v3/hyperframes/renders/${render_id}`).length).toBe(4);
  });

  it("a slow answer times out and is retried (GETs)", async () => {
    const c = client({ timeoutMs: 200 });
    const { render_id } = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") } });
    emu.fault({ method: "GET", path: `/v3/hyperframes/renders/${render_id}`, delayMs: 600 });
    const t0 = Date.now();
    expect((await c.getRender(render_id)).render_id).toBe(render_id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    const noRetry = client({ timeoutMs: 200, retries: 0 });
    emu.fault({ method: "GET", path: `/v3/hyperframes/renders/${render_id}`, delayMs: 600 });
    expect((await expectCloudError(noRetry.getRender(render_id))).code).toBe("timeout");
  });

  it("never retries a 400, and carries code/message/param", async () => {
    const c = client();
    const bad = new JSZip();
    bad.file("a/index.html", "<html></html>");
    bad.file("b/other.html", "<html></html>");
    const badZip = await bad.generateAsync({ type: "nodebuffer" });
    const before = emu.createRequests.length;
    const e = await expectCloudError(c.createRender({ project: { type: "base64", base64: badZip.toString("base64") } }));
    expect(e.status).toBe(400);
    expect(e.code).toBe("hyperframes_project_invalid");
    expect(e.param).toBe("project");
    expect(e.hint).toBeTruthy();
    expect(emu.createRequests.length).toBe(before + 1);
    // one single top-level folder is accepted
    const ok = new JSZip();
    ok.file("proj/index.html", "<html></html>");
    await c.createRender({ project: { type: "base64", base64: (await ok.generateAsync({ type: "nodebuffer" })).toString("base64") } });
  });

  it("a create whose answer is lost is not submitted twice (duplicate found by callback_id)", async () => {
    const c = client();
    for (const honour of [true, false]) {
      (emu.opts as { honourIdempotencyKey: boolean }).honourIdempotencyKey = honour;
      const n = emu.renders.size;
      emu.fault({ method: "POST", path: "/v3/hyperframes/renders", drop: "after" }); // accepted, then the socket dies
      const r = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") }, title: `lost-answer-${honour}` });
      expect(r.recovered).toBe(true);
      expect(emu.renders.size).toBe(n + 1);
      expect(emu.renders.get(r.render_id)?.title).toBe(`lost-answer-${honour}`);
    }
    (emu.opts as { honourIdempotencyKey: boolean }).honourIdempotencyKey = true;
  });

  it("a create that failed with 503 before acting is re-sent once the duplicate check is empty", async () => {
    const c = client();
    const n = emu.renders.size;
    const posts = emu.createRequests.length;
    emu.fault({ method: "POST", path: "/v3/hyperframes/renders", status: 503 });
    const r = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") } });
    expect(r.recovered).toBeUndefined();
    expect(emu.renders.size).toBe(n + 1);
    expect(emu.createRequests.length).toBe(posts + 2);
    const [a, b] = emu.createRequests.slice(-2);
    expect(a!.headers["idempotency-key"]).toBe(b!.headers["idempotency-key"]);
  });

  it("connection refused is retried and ends in a typed network error without the key", async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r)); // nothing listens there any more
    const log: string[] = [];
    const c = new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: `http://127.0.0.1:${port}`, backoffMs: 10, retries: 2, log: (l) => log.push(l) });
    const e = await expectCloudError(c.listRenders());
    expect(e.code).toBe("network_error");
    expect(e.message).toContain("ECONNREFUSED");
    // a create that was refused at connect time provably never arrived: it is retried (and fails the same way)
    const e2 = await expectCloudError(c.createRender({ project: { type: "base64", base64: "" } }));
    expect(e2.message).toContain("ECONNREFUSED");
    expect(log.filter((l) => l.startsWith("[hyperframes cloud] POST") && l.includes("ECONNREFUSED")).length).toBe(3);
    expect(log.join("\n")).not.toContain(emu.apiKey);
    expect(e.message).not.toContain(emu.apiKey);
  });

  it("needs a key, and a wrong key is a 401 that is not retried", async () => {
    const saved = process.env.HEYGEN_API_KEY;
    delete process.env.HEYGEN_API_KEY;
    try {
      const e = await expectCloudError(new HyperframesCloud({ baseUrl: emu.url }).listRenders());
      expect(e.code).toBe("missing_api_key");
    } finally {
      if (saved !== undefined) process.env.HEYGEN_API_KEY = saved;
    }
    const n = emu.requests.length;
    const e = await expectCloudError(new HyperframesCloud({ apiKey: "wrong-key-123", baseUrl: emu.url }).listRenders());
    expect(e.status).toBe(401);
    expect(emu.requests.length).toBe(n + 1);
  });

  it("uploads with multipart, and with direct upload (retrying 409 until the PUT settles)", async () => {
    const c = client();
    expect(chooseUploadMethod(100, { inlineMaxBytes: 10 })).toBe("multipart");
    expect(chooseUploadMethod(100, { inlineMaxBytes: 10, multipartMaxBytes: 50 })).toBe("direct");
    const mp = await uploadProject(c, zip, { inlineMaxBytes: 0 });
    expect(mp.method).toBe("multipart");
    const r1 = await c.createRender({ project: mp.project });
    expect((await c.waitForRender(r1.render_id, { intervalMs: 20 })).status).toBe("completed");

    const emu2 = await new Emulator({ apiKey: emu.apiKey, renderProject: fastRenderer, uploadSettleMs: 300 }).start();
    try {
      const c2 = client({ baseUrl: emu2.url });
      const d = await uploadProject(c2, zip, { inlineMaxBytes: 0, multipartMaxBytes: 10 });
      expect(d.method).toBe("direct");
      const completes = emu2.requests.filter((r) => r.path.endsWith("/complete"));
      expect(completes.length).toBeGreaterThan(1);
      expect(completes[0]!.answered).toBe(409);
      expect(completes.at(-1)!.answered).toBe(200);
      const put = emu2.requests.find((r) => r.method === "PUT")!;
      expect(put.hadApiKey).toBe(false); // the storage host never sees the key
      expect(put.headers["x-upload-token"]).toBeTruthy();
      const r2 = await c2.createRender({ project: d.project });
      expect((await c2.waitForRender(r2.render_id, { intervalMs: 20 })).status).toBe("completed");
    } finally {
      await emu2.close();
    }
  });

  it("uploads a zip given as a file-backed Blob (multipart and direct) byte for byte", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-blob-"));
    const file = path.join(dir, "p.zip");
    await writeFile(file, zip);
    const blob = await openAsBlob(file, { type: "application/zip" });
    const c = client();
    const mp = await uploadProject(c, blob, { inlineMaxBytes: 0 });
    expect(mp.method).toBe("multipart");
    expect(emu.assets.get(mp.asset_id!)!.bytes!.equals(zip)).toBe(true);
    const d = await uploadProject(c, blob, { inlineMaxBytes: 0, multipartMaxBytes: 10 });
    expect(d.method).toBe("direct");
    expect(emu.assets.get(d.asset_id!)!.bytes!.equals(zip)).toBe(true);
    const inline = await uploadProject(c, blob);
    expect(inline.method).toBe("base64");
    expect(inline.project).toEqual({ type: "base64", base64: zip.toString("base64") });
  });

  it("falls back to direct upload when the multipart endpoint answers 413", async () => {
    const c = client();
    emu.fault({ method: "POST", path: "/v3/assets", status: 413, code: "payload_too_large" });
    const d = await uploadProject(c, zip, { inlineMaxBytes: 0 });
    expect(d.method).toBe("direct");
    expect(emu.assets.get(d.asset_id!)?.status).toBe("completed");
  });

  it("an interrupted download leaves no file (final or partial)", async () => {
    const c = client();
    const { render_id } = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") } });
    const done = await c.waitForRender(render_id, { intervalMs: 20 });
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-dl-"));
    emu.fault({ method: "GET", path: "/files/*", truncate: 500 });
    const e = await expectCloudError(downloadFile(done.video_url!, path.join(dir, "v.mp4")));
    expect(e.code).toMatch(/download_/);
    expect(readdirSync(dir)).toEqual([]);
    // aborting mid-way also cleans up
    const ac = new AbortController();
    emu.fault({ method: "GET", path: "/files/*", delayMs: 300 });
    setTimeout(() => ac.abort(new Error("stop")), 100);
    await expect(downloadFile(done.video_url!, path.join(dir, "v.mp4"), { signal: ac.signal })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
    // and a good one lands whole
    await downloadFile(done.video_url!, path.join(dir, "v.mp4"));
    expect(readdirSync(dir)).toEqual(["v.mp4"]);
    expect((await readFile(path.join(dir, "v.mp4"))).length).toBeGreaterThan(1000);
    expect(existsSync(path.join(dir, "v.mp4"))).toBe(true);
  });
});
