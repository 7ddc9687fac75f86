/**
 * A small webhook receiver for `hyperframes cloud listen`: verifies each delivery (HMAC of the raw body,
 * timestamp window), de-duplicates, answers 2xx at once (HeyGen wants an answer within 10 s), and downloads
 * finished videos in the background.
 * De-duplication is on the header `Heygen-Event-Id` AND on the signed body's identity (its `event_id` and a
 * sha256 of the raw bytes): the signature covers only the body, so a captured delivery replayed with a fresh
 * event-id header and timestamp is still recognised as the same event.
 */
import http from "node:http";
import { existsSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { checkWebhookSecret, verifyWebhook, webhookBodyIdentity, type HyperframesWebhookEvent, type WebhookFailure } from "./webhooks.js";
import { downloadFile } from "./download.js";
import { fileInside, slug, videoExtension } from "./fsutil.js";
import type { HyperframesCloud } from "./client.js";

export type ListenEvent =
  | { type: "listening"; url: string }
  | { type: "webhook"; event_id?: string; event_type: string; render_id?: string; callback_id?: string | null }
  | { type: "duplicate"; event_id: string }
  | { type: "rejected"; reason: WebhookFailure | "too_large" | "method"; message: string }
  | { type: "downloaded"; render_id: string; path: string }
  | { type: "download_failed"; render_id: string; message: string }
  | { type: "render_failed"; render_id?: string; message: string };

export interface ListenOptions {
  secret: string;
  port?: number;
  host?: string;
  /** folder for downloaded videos (default ./renders) */
  outDir?: string;
  download?: boolean;
  toleranceSeconds?: number;
  /** used to look up the video URL when the event does not carry one */
  client?: HyperframesCloud;
  onEvent?: (e: ListenEvent) => void;
  maxBodyBytes?: number;
}

export interface WebhookListener {
  url: string;
  server: http.Server;
  /** background downloads started so far */
  pending: Set<Promise<void>>;
  close(): Promise<void>;
}

export async function startWebhookListener(o: ListenOptions): Promise<WebhookListener> {
  checkWebhookSecret(o?.secret);
  const pending = new Set<Promise<void>>();
  const emit = (e: ListenEvent) => o.onEvent?.(e);
  const background = backgroundDownloader(o, emit, pending);
  const server = http.createServer(webhookHandler(o, emit, background));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => resolve());
  });
  const a = server.address() as AddressInfo;
  const url = `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`;
  emit({ type: "listening", url });
  return {
    url,
    server,
    pending,
    close: async () => {
      await Promise.allSettled([...pending]);
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The identities seen so far (the last 30 000), to answer a repeated delivery as a duplicate. */
function seenIds(): { has(id: string): boolean; remember(id: string): void } {
  const seen = new Set<string>();
  const seenOrder: string[] = [];
  return {
    has: (id) => seen.has(id),
    remember: (id) => {
      if (seen.has(id)) return;
      seen.add(id);
      seenOrder.push(id);
      if (seenOrder.length > 30_000) seen.delete(seenOrder.shift()!);
    },
  };
}

/** The request handler: POST only, a bounded body, a verified signature, duplicates answered but not acted on. */
function webhookHandler(o: ListenOptions, emit: (e: ListenEvent) => void, background: (ev: HyperframesWebhookEvent) => void): http.RequestListener {
  const seen = seenIds();
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  return (req, res) => {
    const answer = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST") {
      emit({ type: "rejected", reason: "method", message: `${req.method} is not POST` });
      return answer(405, { error: "POST only" });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBody) tooBig = true;
      else chunks.push(c);
    });
    req.on("end", () => {
      if (tooBig) {
        emit({ type: "rejected", reason: "too_large", message: `body over ${maxBody} bytes` });
        return answer(413, { error: "too large" });
      }
      const raw = Buffer.concat(chunks);
      const v = verifyWebhook(raw, req.headers as Record<string, string>, o.secret, { toleranceSeconds: o.toleranceSeconds ?? 300 });
      if (!v.ok) {
        emit({ type: "rejected", reason: v.reason, message: v.message });
        return answer(v.reason === "bad_signature" ? 401 : 400, { error: v.reason });
      }
      const id = v.eventId;
      const keys = [...(id ? [`header:${id}`] : []), ...webhookBodyIdentity(raw, v.event)];
      const dup = keys.some((k) => seen.has(k));
      keys.forEach((k) => seen.remember(k));
      if (dup) {
        emit({ type: "duplicate", event_id: id ?? keys[0]! });
        return answer(200, { ok: true, duplicate: true });
      }
      answer(200, { ok: true });
      emit({ type: "webhook", event_id: id, event_type: v.event.event_type, render_id: v.event.event_data?.render_id, callback_id: v.event.event_data?.callback_id });
      background(v.event);
    });
  };
}

/** What happens after the answer: a failure is reported, a success's video downloaded (once per render). */
function backgroundDownloader(o: ListenOptions, emit: (e: ListenEvent) => void, pending: Set<Promise<void>>): (ev: HyperframesWebhookEvent) => void {
  const downloading = new Set<string>();
  const outDir = path.resolve(o.outDir ?? "renders");
  return (ev) => {
    const d = ev.event_data ?? {};
    const renderId = d.render_id ?? "unknown";
    if (ev.event_type.endsWith(".fail")) {
      emit({ type: "render_failed", render_id: d.render_id, message: String(d.failure_message ?? "render failed") });
      return;
    }
    if (!ev.event_type.endsWith(".success") || o.download === false) return;
    if (downloading.has(renderId)) return;
    downloading.add(renderId);
    const job = (async () => {
      try {
        let url = d.video_url ?? d.url ?? undefined;
        if (!url && o.client && d.render_id) url = (await o.client.getRender(d.render_id)).video_url ?? undefined;
        if (!url) throw new Error("the event has no video URL");
        // local values only: sanitised ids and an allowlisted extension (never the event's strings as a path)
        const ext = videoExtension({ render_id: renderId, video_url: url });
        const dest = fileInside(outDir, `${slug(String(d.callback_id ?? renderId))}-${slug(String(renderId))}.${ext}`);
        if (!existsSync(dest)) await downloadFile(url, dest);
        emit({ type: "downloaded", render_id: renderId, path: dest });
      } catch (e) {
        downloading.delete(renderId);
        emit({ type: "download_failed", render_id: renderId, message: (e as Error).message });
      }
    })();
    pending.add(job);
    void job.finally(() => pending.delete(job));
  };
}
