/**
 * Secret redaction for everything the cloud code prints, logs or throws, whatever the text's source (our
 * own messages, or an API answer that echoes the request back).
 *
 * Hand-written (no npm library does this for our inputs): two rules, applied in this order:
 *  1. every occurrence of a known secret (the API key in use, the webhook secret), as is, URL-encoded and
 *     JSON-escaped;
 *  2. any value written as an API-key header or parameter (`x-api-key: …`, `"x-api-key":"…"`,
 *     `api_key=…`, `apikey …`), and `Authorization: Bearer|Basic …`, whatever key it is.
 */
import { CloudError, type HyperframesError } from "../errors.js";

export const REDACTED = "[redacted]";

const KEY_NAME = String.raw`(?:x-api-key|api[_-]?key|apikey)`;
const TOKEN = String.raw`[A-Za-z0-9._~+/=-]`;
/** `x-api-key: v`, `x-api-key=v`, `"x-api-key":"v"`, `api_key=v` … */
const KEY_SHAPED = new RegExp(String.raw`(${KEY_NAME}["']?\s*[:=]\s*["']?)(${TOKEN}{6,})`, "gi");
/** `x-api-key v` where v looks like a key (16+ characters with a digit), not a word like "header" */
const KEY_SPACED = new RegExp(String.raw`(${KEY_NAME}\s+)((?=${TOKEN}*\d)${TOKEN}{16,})`, "gi");
const AUTH_SHAPED = /(authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token)\s+)([A-Za-z0-9._~+/=-]{6,})/gi;

/** Replace known secrets and key-shaped tokens in `text`. Secrets shorter than 4 characters are ignored. */
export function redactText(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = String(text);
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    out = out.split(s).join(REDACTED);
    for (const form of [encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) if (form !== s) out = out.split(form).join(REDACTED);
  }
  return out
    .replace(KEY_SHAPED, (_m, pre: string) => `${pre}${REDACTED}`)
    .replace(KEY_SPACED, (_m, pre: string) => `${pre}${REDACTED}`)
    .replace(AUTH_SHAPED, (_m, pre: string) => `${pre}${REDACTED}`);
}

/** Redact every value of a JSON-like structure (strings anywhere inside it). */
export function redactValue<T>(v: T, secrets: readonly (string | undefined | null)[] = []): T {
  if (typeof v === "string") return redactText(v, secrets) as T;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, secrets)) as T;
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = redactValue(x, secrets);
    return o as T;
  }
  return v;
}

/**
 * Redact an error in place (message, hint, param, data, stack, and the causes below it) and return it.
 * Errors are thrown across the library boundary, so this runs before anything leaves the client.
 */
export function redactError<E>(e: E, secrets: readonly (string | undefined | null)[] = []): E {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    const err = cur as Error & Partial<HyperframesError> & { param?: string; cause?: unknown };
    const set = (k: string, v: unknown) => {
      try {
        Object.defineProperty(err, k, { value: v, writable: true, configurable: true, enumerable: k !== "stack" && k !== "message" });
      } catch {
        /* frozen: leave it */
      }
    };
    if (typeof err.message === "string") set("message", redactText(err.message, secrets));
    if (typeof err.stack === "string") set("stack", redactText(err.stack, secrets));
    if (err instanceof CloudError || "hint" in err) {
      if (typeof err.hint === "string") set("hint", redactText(err.hint, secrets));
      if (typeof err.param === "string") set("param", redactText(err.param, secrets));
      if (err.data) set("data", redactValue(err.data, secrets));
    }
    cur = err.cause;
  }
  return e;
}
