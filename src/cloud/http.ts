/**
 * The one place HTTP requests to the HeyGen API are made: auth header, timeouts, retries with exponential
 * backoff + jitter, `Retry-After` on 429, and typed `CloudError`s carrying the API's code/message/param.
 * The API key only ever goes into the `x-api-key` header of requests to the API origin; it is never part
 * of an error message, a log line or a URL.
 * Redirects are followed by hand: within the API origin they are followed (at most 5, with the key); a
 * redirect of a keyed request to any other origin is refused with `cross_origin_redirect` before anything
 * is sent there (fetch's own "follow" would forward `x-api-key`: the Fetch standard strips only
 * `Authorization` on a cross-origin hop). Every error and log line leaving this client goes through
 * `redactError`/`redactText` (src/cloud/redact.ts), so an API answer that echoes the key never carries it
 * further.
 */
import { CloudError } from "../errors.js";
import { redactError, redactText } from "./redact.js";

export const DEFAULT_API_BASE = "https://api.heygen.com";

export interface HttpOptions {
  /** HeyGen API key; default `process.env.HEYGEN_API_KEY`. */
  apiKey?: string;
  /** API origin; default `HEYGEN_API_BASE_URL`, else https://api.heygen.com. */
  baseUrl?: string;
  /** Per-attempt timeout in ms (until the response body is read). Default 30 000. */
  timeoutMs?: number;
  /** Extra attempts after the first for retryable failures. Default 4. */
  retries?: number;
  /** First backoff delay in ms (doubles each attempt, full jitter). Default 500. */
  backoffMs?: number;
  /** Largest backoff delay in ms. Default 20 000. */
  maxBackoffMs?: number;
  /** Longest `Retry-After` honoured, in seconds (longer waits fail with the 429). Default 300. */
  maxRetryAfterSeconds?: number;
  /** Debug log sink (already redacted). */
  log?: (line: string) => void;
  /** Custom fetch (defaults to Node's global fetch). */
  fetch?: typeof fetch;
}

/** When a failed request may be sent again. */
export type RetryMode =
  /** GET/DELETE/PUT/complete: repeating has no extra effect. */
  | "idempotent"
  /** POST that creates something: only retried when the server provably did not act on it (connection
   * refused, 429, 409 request_in_progress), or via `onAmbiguous` deciding it is safe. */
  | "create";

export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path on the API origin (e.g. /v3/hyperframes/renders) or an absolute URL (e.g. a presigned upload URL). */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  retry?: RetryMode;
  /** Status codes (besides 429/5xx) that should be retried, e.g. 409 while an upload settles. */
  retryOn?: (status: number, code: string | undefined) => boolean;
  /**
   * For `retry: "create"`: called after an ambiguous failure (timeout, connection reset, 5xx) before the
   * request is sent again. Return a value to finish with it (e.g. the duplicate found by listing), or
   * `undefined` when it is safe to send again.
   */
  onAmbiguous?: (err: unknown) => Promise<unknown | undefined>;
  signal?: AbortSignal;
  /** Send x-api-key (default true for API-origin paths, false for absolute URLs elsewhere). */
  auth?: boolean;
  /** Expect no JSON body. */
  raw?: boolean;
  /** Override the per-attempt timeout (uploads of big bodies need longer). */
  timeoutMs?: number;
}

const NEVER_DELIVERED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

export function errorCode(e: unknown): string | undefined {
  let cur: any = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (typeof cur.code === "string") return cur.code;
    if (Array.isArray(cur.errors) && typeof cur.errors[0]?.code === "string") return cur.errors[0].code; // AggregateError
    cur = cur.cause;
  }
  return undefined;
}

/** True when the request certainly never reached the server (so even a create may be re-sent). */
export function neverDelivered(e: unknown): boolean {
  const c = errorCode(e);
  return !!c && NEVER_DELIVERED.has(c);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Parse `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const n = Number(v.trim());
  if (Number.isFinite(n) && n >= 0) return n * 1000;
  const t = Date.parse(v);
  if (Number.isFinite(t)) return Math.max(0, t - Date.now());
  return undefined;
}

const HINTS: Record<string, string> = {
  hyperframes_project_invalid: "the zip needs index.html (or the --composition entry) at its root; check the project with `hyperframes lint` and `hyperframes pack`",
  hyperframes_project_too_large: "upload the zip as an asset instead (the toolkit does this automatically above --inline-max)",
  hyperframes_render_not_found: "check the id with `hyperframes cloud list`",
  rate_limit_exceeded: "wait a minute and retry, or lower --max-in-flight",
  quota_exceeded: "check your plan and usage in the HeyGen dashboard",
  insufficient_credit: "add credits in the HeyGen dashboard",
  unauthorized: "check HEYGEN_API_KEY",
  invalid_api_key: "check HEYGEN_API_KEY",
  invalid_parameter: "fix the named parameter and retry",
  asset_not_found: "upload the project again",
};

/** Build a CloudError from an API error response (the caller redacts it: see HttpClient.request). */
export function apiError(status: number, body: unknown, where: string): CloudError {
  const err = (body as { error?: { code?: string; message?: string; param?: string; doc_url?: string } } | undefined)?.error;
  const code = err?.code ?? (status === 401 ? "unauthorized" : status === 404 ? "not_found" : status >= 500 ? "server_error" : `http_${status}`);
  const msg = err?.message ?? `HTTP ${status}`;
  return new CloudError(code, `HeyGen API ${where} failed (${status} ${code}): ${msg}${err?.param ? ` [param: ${err.param}]` : ""}`, {
    status,
    param: err?.param,
    hint: HINTS[code] ?? (status >= 500 ? "HeyGen had a server error; retry later" : status === 401 || status === 403 ? "check HEYGEN_API_KEY" : undefined),
    data: err?.doc_url ? { doc_url: err.doc_url } : undefined,
  });
}

export class HttpClient {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxRetryAfterSeconds: number;
  readonly #log?: (line: string) => void;
  readonly #fetch: typeof fetch;

  constructor(o: HttpOptions = {}) {
    this.#apiKey = o.apiKey ?? process.env.HEYGEN_API_KEY ?? undefined;
    this.baseUrl = (o.baseUrl ?? process.env.HEYGEN_API_BASE_URL ?? DEFAULT_API_BASE).replace(/\/+$/, "");
    try {
      new URL(this.baseUrl);
    } catch {
      throw new CloudError("invalid_api_base", `API base URL "${this.baseUrl}" is not a valid URL`, { hint: "e.g. --api-base https://api.heygen.com" });
    }
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.retries = o.retries ?? 4;
    this.backoffMs = o.backoffMs ?? 500;
    this.maxBackoffMs = o.maxBackoffMs ?? 20_000;
    this.maxRetryAfterSeconds = o.maxRetryAfterSeconds ?? 300;
    this.#log = o.log;
    this.#fetch = o.fetch ?? fetch;
  }

  get hasKey(): boolean {
    return !!this.#apiKey;
  }

  /** Remove the key (and any key-shaped token) from any text. */
  redact(text: string): string {
    return redactText(text, [this.#apiKey]);
  }

  /** Redact an error in place (message, hint, data, stack, causes) and return it. */
  redactError<E>(e: E): E {
    return redactError(e, [this.#apiKey]);
  }

  log(line: string): void {
    this.#log?.(this.redact(line));
  }

  backoff(attempt: number): number {
    const cap = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt);
    return Math.round(cap / 2 + Math.random() * (cap / 2)); // "equal jitter": never 0, never above cap
  }

  urlFor(spec: Pick<RequestSpec, "path" | "query">): URL {
    const u = /^https?:\/\//.test(spec.path) ? new URL(spec.path) : new URL(this.baseUrl + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined && v !== "") u.searchParams.set(k, String(v));
    return u;
  }

  /** Perform a request and return the parsed JSON (or the Response with `raw`). Errors are redacted. */
  async request<T = unknown>(spec: RequestSpec): Promise<T> {
    try {
      return await this.#request<T>(spec);
    } catch (e) {
      throw this.redactError(e);
    }
  }

  /**
   * One fetch, following redirects by hand: same origin → followed (303, and 301/302 after a POST, become a
   * GET without body, as browsers do); another origin → refused when the request carries the key.
   */
  async #fetchFollowing(url: URL, init: { method: string; headers: Record<string, string>; body?: BodyInit; signal: AbortSignal }, where: string, keyed: boolean): Promise<Response> {
    let target = url;
    let { method, body } = init;
    const headers = { ...init.headers };
    for (let hops = 0; ; hops++) {
      const res = await this.#fetch(target, { method, headers, body, signal: init.signal, redirect: "manual" });
      const location = res.headers.get("location");
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      await res.body?.cancel().catch(() => {});
      let next: URL;
      try {
        next = new URL(location, target);
      } catch {
        throw new CloudError("bad_response", `HeyGen API ${where} answered ${res.status} with an unusable Location header`, { status: res.status });
      }
      if (next.origin !== target.origin && keyed)
        throw new CloudError(
          "cross_origin_redirect",
          `HeyGen API ${where} answered ${res.status} redirecting to another origin (${next.origin}); not followed, so the API key is not sent there`,
          { status: res.status, hint: `check --api-base / HEYGEN_API_BASE_URL: it must be the API's own origin (e.g. ${DEFAULT_API_BASE}), not ${target.origin}` },
        );
      if (hops >= 5) throw new CloudError("too_many_redirects", `HeyGen API ${where} redirected more than 5 times`, { status: res.status, hint: "check --api-base / HEYGEN_API_BASE_URL" });
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
        delete headers["content-type"];
      }
      this.log(`[hyperframes cloud] ${where} → ${res.status}, following to ${next.origin === target.origin ? next.pathname : next.origin + next.pathname}`);
      target = next;
    }
  }

  async #request<T = unknown>(spec: RequestSpec): Promise<T> {
    const url = this.urlFor(spec);
    const apiOrigin = new URL(this.baseUrl).origin;
    const auth = spec.auth ?? url.origin === apiOrigin;
    if (auth && !this.#apiKey)
      throw new CloudError("missing_api_key", "no HeyGen API key: HEYGEN_API_KEY is not set", {
        hint: "export HEYGEN_API_KEY=<your key> (from https://app.heygen.com/settings?nav=API)",
      });
    const where = `${spec.method} ${url.pathname}`;
    if (spec.signal?.aborted) throw spec.signal.reason ?? new CloudError("cancelled", `${where} was cancelled before it was sent`);
    const mode = spec.retry ?? (spec.method === "POST" ? "create" : "idempotent");
    let backoffAttempt = 0;
    const nextBackoff = () => this.backoff(backoffAttempt++);
    for (let attempt = 0; ; attempt++) {
      const a = await this.#attempt(spec, url, where, auth, attempt);
      if (a.done) return a.value as T;
      // Decide whether to try again.
      const next = await this.#afterFailure(a.failure, spec, mode, where, attempt < this.retries, nextBackoff);
      if ("value" in next) return next.value as T;
      this.log(`[hyperframes cloud] ${where}: retrying in ${next.waitMs} ms`);
      await sleep(next.waitMs, spec.signal);
    }
  }

  /** One attempt: the parsed answer when it succeeded, else the failure (an API error status or a network error). */
  async #attempt(spec: RequestSpec, url: URL, where: string, auth: boolean, attempt: number): Promise<{ done: true; value: unknown } | { done: false; failure: Failure }> {
    const headers: Record<string, string> = { accept: "application/json", ...(spec.headers ?? {}) };
    if (auth) headers["x-api-key"] = this.#apiKey!;
    let body = spec.body;
    if (spec.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(spec.json);
    }
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const t0 = Date.now();
    try {
      const res = await this.#fetchFollowing(url, { method: spec.method, headers, body, signal }, where, auth);
      const text = await res.text();
      this.log(`[hyperframes cloud] ${where} → ${res.status} (${Date.now() - t0} ms, attempt ${attempt + 1})`);
      const parsed = parseJson(text);
      if (res.ok) {
        if (spec.raw) return { done: true, value: text };
        if (parsed === undefined && text)
          throw new CloudError("bad_response", `HeyGen API ${where} answered ${res.status} with a body that is not JSON`, { status: res.status, hint: "check --api-base / HEYGEN_API_BASE_URL" });
        return { done: true, value: parsed };
      }
      const err = apiError(res.status, parsed, where);
      return { done: false, failure: { kind: "status", status: res.status, code: err.code, err, retryAfterMs: parseRetryAfter(res.headers.get("retry-after")) } };
    } catch (e) {
      if (e instanceof CloudError) throw e;
      if (spec.signal?.aborted) throw spec.signal.reason ?? e;
      this.log(`[hyperframes cloud] ${where} → network error ${errorCode(e) ?? (e as Error)?.name ?? "?"} (${Date.now() - t0} ms, attempt ${attempt + 1})`);
      return { done: false, failure: { kind: "network", err: e } };
    }
  }

  /**
   * After a failed attempt: how long to wait before the next one, or the value `onAmbiguous` found (a create
   * the server did act on); throws when the failure is not retried (or no attempts are left).
   */
  async #afterFailure(failure: Failure, spec: RequestSpec, mode: RetryMode, where: string, canRetry: boolean, nextBackoff: () => number): Promise<{ waitMs: number } | { value: unknown }> {
    if (failure.kind === "network") {
      const e = failure.err;
      const cloudErr = networkError(e, where, spec.timeoutMs ?? this.timeoutMs);
      if (!canRetry) throw cloudErr;
      if (mode === "create" && !neverDelivered(e)) {
        // The server may have accepted it: look for the duplicate before sending again.
        if (!spec.onAmbiguous) throw cloudErr;
        const dup = await spec.onAmbiguous(e);
        if (dup !== undefined) return { value: dup };
      }
      return { waitMs: nextBackoff() };
    }
    const { status, code } = failure;
    let waitMs: number;
    if (status === 429) {
      // Not accepted: safe for every request. Honour Retry-After, then back off.
      const ra = failure.retryAfterMs;
      if (ra !== undefined && ra > this.maxRetryAfterSeconds * 1000) throw failure.err;
      const b = nextBackoff();
      waitMs = ra !== undefined ? ra + Math.round(Math.random() * 250) : b;
    } else if (status === 409 && code === "request_in_progress") {
      waitMs = nextBackoff();
    } else if (spec.retryOn?.(status, code)) {
      waitMs = nextBackoff();
    } else if (status >= 500) {
      if (mode === "create") {
        if (!canRetry) throw failure.err;
        const dup = await spec.onAmbiguous?.(failure.err);
        if (dup !== undefined) return { value: dup };
        if (!spec.onAmbiguous) throw failure.err;
      }
      waitMs = nextBackoff();
    } else {
      throw failure.err; // other 4xx: our fault, never retried
    }
    if (!canRetry) throw failure.err;
    return { waitMs };
  }
}

/** A failed attempt: an error status from the API, or no answer at all. */
type Failure = { kind: "status"; status: number; code?: string; err: CloudError; retryAfterMs?: number } | { kind: "network"; err: unknown };

/** The body as JSON, or undefined when it is empty or not JSON. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkError(e: unknown, where: string, timeoutMs: number): CloudError {
  const name = (e as Error)?.name;
  if (name === "TimeoutError")
    return new CloudError("timeout", `HeyGen API ${where} timed out after ${timeoutMs} ms`, { hint: "check your network, or raise the timeout", cause: e });
  const code = errorCode(e);
  const cause = (e as { cause?: { message?: string } })?.cause?.message;
  return new CloudError("network_error", `HeyGen API ${where} failed: ${code ?? cause ?? (e as Error)?.message ?? String(e)}`, {
    hint: code === "ECONNREFUSED" || code === "ENOTFOUND" ? "check --api-base / HEYGEN_API_BASE_URL and your network" : "check your network and retry",
    cause: e,
  });
}

export { sleep };
