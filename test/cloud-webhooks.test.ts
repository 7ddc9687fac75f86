import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { signWebhook, verifyWebhook } from "../src/cloud/webhooks.js";
import { startWebhookListener, type ListenEvent } from "../src/cloud/listen.js";
import { HyperframesCloud } from "../src/cloud/client.js";
import { packProject } from "../src/cloud/packager.js";
import { probe } from "../src/render/ffmpeg.js";
import { listenStopHooks } from "../src/cli/commands/cloud.js";
import { UsageError } from "../src/errors.js";
import { Emulator, fastRenderer } from "./emulator/server.js";
import { makeProject } from "./emulator/fixtures.js";
import { jsonLines, runCli } from "./emulator/cli.js";

const SECRET = "whsec_unit_test";
const body = JSON.stringify({ event_type: "hyperframes_video.success", event_data: { render_id: "rnd_1" } });
const now = Date.now();
const ts = String(Math.floor(now / 1000));

describe("verifyWebhook", () => {
  const good = { "Heygen-Signature": signWebhook(body, SECRET), "Heygen-Timestamp": ts, "Heygen-Event-Id": "evt_1" };

  it("accepts the HMAC-SHA256 hex of the raw body (body only), from a Headers object or a plain record", () => {
    const v = verifyWebhook(body, good, SECRET, { now });
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.eventId).toBe("evt_1");
    expect(verifyWebhook(Buffer.from(body), new Headers(good), SECRET, { now }).ok).toBe(true);
    // uppercase hex is the same signature
    expect(verifyWebhook(body, { ...good, "Heygen-Signature": good["Heygen-Signature"].toUpperCase() }, SECRET, { now }).ok).toBe(true);
  });

  it.each([
    ["missing_signature", { "Heygen-Timestamp": ts }, body],
    ["missing_timestamp", { "Heygen-Signature": signWebhook(body, SECRET) }, body],
    ["bad_signature", { "Heygen-Signature": signWebhook(body, "other-secret"), "Heygen-Timestamp": ts }, body],
    ["bad_signature", { "Heygen-Signature": signWebhook(body, SECRET), "Heygen-Timestamp": ts }, body.replace("rnd_1", "rnd_2")], // tampered
    ["bad_signature", { "Heygen-Signature": signWebhook(body, SECRET), "Heygen-Timestamp": ts }, JSON.stringify(JSON.parse(body), null, 1)], // re-serialised
    ["bad_signature", { "Heygen-Signature": "zz", "Heygen-Timestamp": ts }, body],
    ["bad_signature", { "Heygen-Signature": signWebhook(body, SECRET).slice(0, 10), "Heygen-Timestamp": ts }, body],
    ["stale_timestamp", { "Heygen-Signature": signWebhook(body, SECRET), "Heygen-Timestamp": String(Math.floor(now / 1000) - 301) }, body],
    ["stale_timestamp", { "Heygen-Signature": signWebhook(body, SECRET), "Heygen-Timestamp": String(Math.floor(now / 1000) + 400) }, body],
    ["bad_timestamp", { "Heygen-Signature": signWebhook(body, SECRET), "Heygen-Timestamp": "yesterday" }, body],
  ] as const)("rejects: %s", (reason, headers, raw) => {
    const v = verifyWebhook(raw, headers, SECRET, { now, toleranceSeconds: 300 });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toBe(reason);
  });

  it("refuses an empty or missing secret with a typed error (an empty secret would accept anyone's signature)", () => {
    const forged = { "Heygen-Signature": createHmac("sha256", "").update(body).digest("hex"), "Heygen-Timestamp": ts };
    for (const secret of ["", undefined, null, 42]) {
      let err: unknown;
      try {
        verifyWebhook(body, forged, secret as unknown as string, { now });
      } catch (e) {
        err = e;
      }
      expect(err, String(secret)).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe("missing_webhook_secret");
      expect((err as UsageError).message).toMatch(/secret/);
      expect((err as UsageError).hint).toMatch(/HEYGEN_WEBHOOK_SECRET/);
    }
    expect(() => signWebhook(body, "")).toThrow(UsageError);
  });

  it("the tolerance is configurable", () => {
    const old = { "Heygen-Signature": signWebhook(body, SECRET), "Heygen-Timestamp": String(Math.floor(now / 1000) - 100) };
    expect(verifyWebhook(body, old, SECRET, { now, toleranceSeconds: 60 }).ok).toBe(false);
    expect(verifyWebhook(body, old, SECRET, { now, toleranceSeconds: 300 }).ok).toBe(true);
  });
});

describe("webhook listener against the emulator", () => {
  let emu: Emulator;
  let zip: Buffer;
  beforeAll(async () => {
    emu = await new Emulator({ renderProject: fastRenderer, queueMs: 10, autoWebhooks: false }).start();
    zip = (await packProject(await makeProject())).zip;
  });
  afterAll(() => emu.close());

  it("verifies, answers 2xx, deduplicates replays, rejects tampered/stale, downloads the finished video", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "hf-listen-"));
    const events: ListenEvent[] = [];
    const l = await startWebhookListener({ secret: emu.webhookSecret, outDir: out, onEvent: (e) => events.push(e) });
    try {
      const c = new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: emu.url });
      const { render_id } = await c.createRender({
        project: { type: "base64", base64: zip.toString("base64") },
        callback_url: `${l.url}/hooks`,
        callback_id: "job-42",
      });
      await emu.renders.get(render_id)!.done;

      const [valid] = await emu.sendWebhook(render_id, "valid");
      expect(valid!.status).toBe(200);
      const replay = await emu.sendWebhook(render_id, "replayed");
      expect(replay.map((d) => d.status)).toEqual([200, 200]);
      const [tampered] = await emu.sendWebhook(render_id, "tampered");
      expect(tampered!.status).toBe(401);
      const [stale] = await emu.sendWebhook(render_id, "stale");
      expect(stale!.status).toBe(400);
      const [unsigned] = await emu.sendWebhook(render_id, "unsigned");
      expect(unsigned!.status).toBe(400);
      await Promise.all([...l.pending]);

      expect(events.filter((e) => e.type === "duplicate").length).toBe(1);
      expect(events.filter((e) => e.type === "rejected").map((e) => (e as { reason: string }).reason)).toEqual(["bad_signature", "stale_timestamp", "missing_signature"]);
      const webhooks = events.filter((e) => e.type === "webhook");
      expect(webhooks.length).toBe(2); // the first valid one and the first of the replayed pair (a new event id)
      expect(webhooks[0]).toMatchObject({ event_type: "hyperframes_video.success", render_id, callback_id: "job-42" });
      const downloaded = events.filter((e) => e.type === "downloaded");
      expect(downloaded.length).toBe(1); // the second event for the same render does not download again
      const files = readdirSync(out);
      expect(files.length).toBe(1); // one render → one file, whatever the number of deliveries
      expect((await probe(path.join(out, files[0]!))).streams[0]?.codec_type).toBe("video");
    } finally {
      await l.close();
    }
  });

  it("a captured body replayed with a fresh Heygen-Event-Id and timestamp is a duplicate, not a new event", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "hf-listen-"));
    const events: ListenEvent[] = [];
    const l = await startWebhookListener({ secret: emu.webhookSecret, outDir: out, download: false, onEvent: (e) => events.push(e) });
    try {
      const c = new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: emu.url });
      const { render_id } = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") }, callback_url: `${l.url}/` });
      await emu.renders.get(render_id)!.done;
      const [first] = await emu.sendWebhook(render_id, "valid");
      expect(first!.status).toBe(200);
      // the attacker keeps the signed body, and sends it again with headers of their own
      const replay = async (withBodyId: boolean) => {
        const raw = withBodyId ? first!.body : JSON.stringify({ ...JSON.parse(first!.body), event_id: undefined });
        const res = await fetch(`${l.url}/`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "heygen-signature": signWebhook(raw, emu.webhookSecret),
            "heygen-timestamp": String(Math.floor(Date.now() / 1000)),
            "heygen-event-id": "evt_fresh_" + Math.random().toString(36).slice(2),
          },
          body: raw,
        });
        return { status: res.status, body: (await res.json()) as { duplicate?: boolean } };
      };
      const r1 = await replay(true);
      expect(r1.status).toBe(200);
      expect(r1.body.duplicate).toBe(true);
      // a body without event_id is identified by its hash: the second copy is a duplicate
      const r2 = await replay(false);
      expect(r2.body.duplicate).toBeUndefined();
      const r3 = await replay(false);
      expect(r3.body.duplicate).toBe(true);
      expect(events.filter((e) => e.type === "webhook").length).toBe(2);
      expect(events.filter((e) => e.type === "duplicate").length).toBe(2);
    } finally {
      await l.close();
    }
  });

  it("the listener refuses to start without a secret", async () => {
    for (const secret of ["", undefined]) {
      const e = await startWebhookListener({ secret: secret as unknown as string }).catch((x) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect(e.code).toBe("missing_webhook_secret");
    }
  });

  it("answers within the 10 s budget even while downloads run (fast 2xx)", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "hf-listen-"));
    const l = await startWebhookListener({ secret: emu.webhookSecret, outDir: out });
    try {
      const c = new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: emu.url });
      const { render_id } = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") }, callback_url: `${l.url}/` });
      await emu.renders.get(render_id)!.done;
      emu.fault({ method: "GET", path: "/files/*", delayMs: 1500 }); // the download is slow
      const t0 = Date.now();
      const [d] = await emu.sendWebhook(render_id, "valid");
      expect(d!.status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(1000);
      await Promise.all([...l.pending]);
      expect(readdirSync(out).length).toBe(1);
    } finally {
      await l.close();
    }
  });

  it("hyperframes cloud listen (CLI) receives the emulator's automatic webhook and downloads the video", async () => {
    const emu2 = await new Emulator({ apiKey: emu.apiKey, renderProject: fastRenderer, queueMs: 10 }).start();
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-listen-cli-"));
    try {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const running = runCli(["cloud", "listen", "--port", String(port), "--dir", dir, "--json"], {
        HEYGEN_WEBHOOK_SECRET: emu2.webhookSecret,
        HEYGEN_API_KEY: emu2.apiKey,
        HEYGEN_API_BASE_URL: emu2.url,
      });
      // wait until it listens
      for (let i = 0; i < 100 && listenStopHooks.size === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const c = new HyperframesCloud({ apiKey: emu2.apiKey, baseUrl: emu2.url });
      const { render_id } = await c.createRender({ project: { type: "base64", base64: zip.toString("base64") }, callback_url: `http://127.0.0.1:${port}/` });
      await emu2.renders.get(render_id)!.done;
      expect(emu2.webhooks[0]?.status).toBe(200);
      for (let i = 0; i < 100 && !(existsSync(path.join(dir, "renders")) && readdirSync(path.join(dir, "renders")).some((f) => f.endsWith(".mp4"))); i++)
        await new Promise((r) => setTimeout(r, 30));
      for (const stop of [...listenStopHooks]) stop();
      const r = await running;
      expect(r.code, r.stderr).toBe(0);
      const ev = jsonLines(r.stdout);
      expect(ev.map((e) => e.type)).toEqual(expect.arrayContaining(["listening", "webhook", "downloaded"]));
      expect(r.stdout + r.stderr).not.toContain(emu2.apiKey);
      expect(r.stdout + r.stderr).not.toContain(emu2.webhookSecret);
    } finally {
      await emu2.close();
    }
  });
});
