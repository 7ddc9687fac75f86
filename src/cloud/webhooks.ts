/**
 * Webhook signature verification (HeyGen docs, "Webhooks" → Verifying Payloads):
 * `Heygen-Signature` is the hex HMAC-SHA256 of the RAW request body (body only; the timestamp is not
 * signed) with the endpoint secret; `Heygen-Timestamp` is unix seconds (reject deliveries more than ~5
 * minutes off); `Heygen-Event-Id` identifies the delivery (deduplicate on it: the signature does not cover
 * the timestamp, so event-id dedup is the primary replay defence).
 * An empty or missing secret is refused with a typed error: an HMAC with an empty key is something anyone
 * can compute, so "verifying" with it would accept forged deliveries.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { UsageError } from "../errors.js";

export type WebhookFailure = "missing_signature" | "missing_timestamp" | "bad_signature" | "stale_timestamp" | "bad_timestamp" | "bad_body";

export interface HyperframesWebhookEvent {
  event_id?: string;
  event_type: "hyperframes_video.success" | "hyperframes_video.fail" | string;
  event_data: {
    render_id?: string;
    video_url?: string | null;
    url?: string | null;
    thumbnail_url?: string | null;
    callback_id?: string | null;
    failure_message?: string | null;
    [k: string]: unknown;
  };
  created_at?: string;
  [k: string]: unknown;
}

export type WebhookVerification =
  | { ok: true; event: HyperframesWebhookEvent; eventId?: string; timestamp: number }
  | { ok: false; reason: WebhookFailure; message: string };

export interface VerifyOptions {
  /** Largest allowed |now - Heygen-Timestamp|, seconds. Default 300. */
  toleranceSeconds?: number;
  /** Current time in ms (tests). */
  now?: number;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(h: HeaderBag, name: string): string | undefined {
  if (typeof (h as Headers).get === "function") return (h as Headers).get(name) ?? undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(h as Record<string, string | string[] | undefined>))
    if (k.toLowerCase() === want) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

/** Throw a typed error unless `secret` is a non-empty string (or non-empty bytes). */
export function checkWebhookSecret(secret: unknown): asserts secret is string | Uint8Array {
  const ok = (typeof secret === "string" && secret.length > 0) || (secret instanceof Uint8Array && secret.byteLength > 0);
  if (!ok)
    throw new UsageError(
      "missing_webhook_secret",
      `the webhook signing secret is ${secret === undefined ? "missing (undefined)" : secret === null ? "null" : typeof secret === "string" ? "empty" : `a ${typeof secret}, not a string`}; deliveries cannot be verified without it`,
      { hint: "pass the endpoint's secret (from POST /v3/webhooks/endpoints), e.g. process.env.HEYGEN_WEBHOOK_SECRET, and make sure that variable is set" },
    );
}

/** Hex HMAC-SHA256 of the raw body: what HeyGen sends in `Heygen-Signature`. */
export function signWebhook(rawBody: string | Uint8Array, secret: string | Uint8Array): string {
  checkWebhookSecret(secret);
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

/**
 * The identity of a delivery's content for de-duplication: the body's own `event_id` when it has one (it is
 * covered by the signature, unlike the `Heygen-Event-Id` header), plus the sha256 of the raw body. A
 * captured body replayed with fresh headers has the same identity.
 */
export function webhookBodyIdentity(rawBody: string | Uint8Array, event?: { event_id?: unknown }): string[] {
  const ids = [`sha256:${createHash("sha256").update(rawBody).digest("hex")}`];
  if (typeof event?.event_id === "string" && event.event_id) ids.push(`event:${event.event_id}`);
  return ids;
}

export function verifyWebhook(rawBody: string | Uint8Array, headers: HeaderBag, secret: string | Uint8Array, o: VerifyOptions = {}): WebhookVerification {
  checkWebhookSecret(secret);
  const sig = header(headers, "heygen-signature")?.trim();
  const ts = header(headers, "heygen-timestamp")?.trim();
  if (!sig) return { ok: false, reason: "missing_signature", message: "no Heygen-Signature header" };
  if (!ts) return { ok: false, reason: "missing_timestamp", message: "no Heygen-Timestamp header" };
  const t = Number(ts);
  if (!/^\d+(\.\d+)?$/.test(ts) || !Number.isFinite(t)) return { ok: false, reason: "bad_timestamp", message: `Heygen-Timestamp "${ts.slice(0, 40)}" is not unix seconds` };
  const tolerance = o.toleranceSeconds ?? 300;
  const now = (o.now ?? Date.now()) / 1000;
  if (Math.abs(now - t) > tolerance)
    return { ok: false, reason: "stale_timestamp", message: `Heygen-Timestamp is ${Math.round(now - t)} s off (allowed ±${tolerance} s)` };
  const expected = Buffer.from(signWebhook(rawBody, secret), "hex");
  const given = /^[0-9a-fA-F]+$/.test(sig) && sig.length % 2 === 0 ? Buffer.from(sig, "hex") : Buffer.alloc(0);
  // timingSafeEqual needs equal lengths; compare against a same-length buffer so timing does not leak.
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  if (!same) return { ok: false, reason: "bad_signature", message: "Heygen-Signature does not match the body" };
  let event: HyperframesWebhookEvent;
  try {
    event = JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return { ok: false, reason: "bad_body", message: "the signed body is not JSON" };
  }
  if (!event || typeof event !== "object" || typeof event.event_type !== "string")
    return { ok: false, reason: "bad_body", message: "the signed body has no event_type" };
  return { ok: true, event, eventId: header(headers, "heygen-event-id") ?? event.event_id, timestamp: t };
}
