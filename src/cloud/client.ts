/**
 * `HyperframesCloud`: a typed client of HeyGen's HyperFrames render API and the asset upload endpoints
 * (shapes from the HeyGen docs: "Hyperframes", "Assets", "Errors").
 *
 * Creating a render is the one non-idempotent call. It is sent with an `Idempotency-Key` and a
 * `callback_id`; after an ambiguous failure (timeout, reset connection, 5xx) the client first lists renders
 * looking for that `callback_id` and only re-sends when none exists, so a retry never produces a second
 * render (and never a second bill). When that check fails too, the error (`render_may_exist`) says a render
 * may already exist, how to look for it, and that re-sending with the same Idempotency-Key is safe: the API
 * replays the original answer for 24 hours (HeyGen docs, "Errors": `request_in_progress`). The CLI derives
 * the key from the zip's sha256 and the request settings (`renderIdempotencyKey`), so a plain re-run of
 * the same command re-sends the same key.
 */
import { createHash, randomUUID } from "node:crypto";
import { CloudError } from "../errors.js";
import { HttpClient, neverDelivered, sleep } from "./http.js";

export type { RenderStatus, ProjectInput, CreateRenderRequest, RenderCreated, RenderDetail, Page, Asset, DirectUploadInit, CloudClientOptions, CreateOptions, CreateResult, WaitOptions } from "./types.js";
import type { RenderStatus, ProjectInput, CreateRenderRequest, RenderCreated, RenderDetail, Page, Asset, DirectUploadInit, CloudClientOptions, CreateOptions, CreateResult, WaitOptions } from "./types.js";

const TERMINAL: RenderStatus[] = ["completed", "failed"];

/** JSON with object keys sorted (so equal settings always hash the same). */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/**
 * The default Idempotency-Key of a render: a hash of the project zip's sha256 and every request setting
 * (everything but `project`, whose asset_id changes with each upload). The same project and settings give
 * the same key, so re-running a command after an ambiguous failure cannot create (and bill) a second render.
 */
export function renderIdempotencyKey(zipSha256: string, settings: Omit<CreateRenderRequest, "project"> | Record<string, unknown>): string {
  const { project: _p, ...rest } = settings as Record<string, unknown>;
  return `hfr_${createHash("sha256").update(stableJson(["hyperframes-render/1", zipSha256, rest])).digest("hex").slice(0, 40)}`;
}

/** A key as the API takes it in the `Idempotency-Key` header: 1–255 visible ASCII characters. */
export function checkIdempotencyKey(k: string): string {
  if (typeof k !== "string" || !/^[\x21-\x7e]{1,255}$/.test(k))
    throw new CloudError("invalid_idempotency_key", `the idempotency key (--idempotency-key) must be 1-255 visible ASCII characters without spaces, got ${JSON.stringify(String(k).slice(0, 60))}`, {
      hint: "e.g. --idempotency-key release-2024-06-01",
    });
  return k;
}

/** A failure after which the service may have created the render (the request may have arrived). */
function ambiguous(e: unknown): boolean {
  if (!(e instanceof CloudError)) return false;
  if (e.code === "timeout") return true;
  if (e.code === "network_error") return !neverDelivered(e.cause);
  return e.status !== undefined && e.status >= 500;
}

const unwrap = <T>(r: { data?: T } | undefined, where: string): T => {
  if (!r || r.data === undefined || r.data === null) throw new CloudError("bad_response", `HeyGen API ${where} answered without "data"`);
  return r.data;
};

export class HyperframesCloud {
  readonly http: HttpClient;

  constructor(opts: CloudClientOptions = {}) {
    this.http = new HttpClient(opts);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  // ---------------------------------------------------------------- renders

  /**
   * `POST /v3/hyperframes/renders` → 202 `{render_id, status: "queued"}`.
   * Retried only when provably not accepted (connection refused, 429, 409 in progress) or after a
   * duplicate check by `callback_id` came back empty (the same Idempotency-Key is re-sent).
   */
  async createRender(req: CreateRenderRequest, opts: CreateOptions = {}): Promise<CreateResult> {
    const idempotencyKey = checkIdempotencyKey(opts.idempotencyKey ?? randomUUID());
    const callback_id = req.callback_id ?? `hf-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 24)}`;
    const body: CreateRenderRequest = { ...req, callback_id };
    const mayExist = (cause: unknown, lookup?: unknown) =>
      new CloudError(
        "render_may_exist",
        `${(cause as Error)?.message ?? String(cause)}, after the request was sent: a render may already exist (and be billed)${
          lookup ? `; looking for it failed too: ${(lookup as Error)?.message ?? String(lookup)}` : ""
        }`,
        {
          hint: `check with \`hyperframes cloud list\` (look for callback_id ${callback_id}) before submitting again; re-sending with the same Idempotency-Key (${idempotencyKey}) — re-running the same \`hyperframes cloud render\` command does — gets that render back instead of creating a second one`,
          data: { idempotency_key: idempotencyKey, callback_id },
          status: (cause as CloudError)?.status,
          cause: lookup ?? cause,
        },
      );
    let recovered = false;
    let res: { data: RenderCreated } | RenderCreated;
    try {
      res = await this.http.request<{ data: RenderCreated } | RenderCreated>({
        method: "POST",
        path: "/v3/hyperframes/renders",
        json: body,
        headers: { "idempotency-key": idempotencyKey },
        retry: "create",
        signal: opts.signal,
        onAmbiguous: async (cause) => {
          let found: RenderDetail | undefined;
          try {
            found = await this.findByCallbackId(callback_id, opts.signal);
          } catch (lookup) {
            if (opts.signal?.aborted) throw lookup;
            throw mayExist(cause, lookup);
          }
          if (found) {
            recovered = true;
            return { render_id: found.render_id, status: found.status } satisfies RenderCreated;
          }
          return undefined;
        },
      });
    } catch (e) {
      if (!opts.signal?.aborted && ambiguous(e)) throw this.http.redactError(mayExist(e));
      throw e;
    }
    const data = recovered ? (res as RenderCreated) : unwrap(res as { data: RenderCreated }, "POST /v3/hyperframes/renders");
    if (!data.render_id) throw new CloudError("bad_response", "HeyGen API POST /v3/hyperframes/renders answered without a render_id");
    return { render_id: data.render_id, status: data.status ?? "queued", callback_id, idempotency_key: idempotencyKey, ...(recovered ? { recovered } : {}) };
  }

  /** `GET /v3/hyperframes/renders/{id}`. */
  async getRender(id: string, signal?: AbortSignal): Promise<RenderDetail> {
    checkId(id);
    const r = await this.http.request<{ data: RenderDetail }>({ method: "GET", path: `/v3/hyperframes/renders/${encodeURIComponent(id)}`, signal });
    return unwrap(r, "GET /v3/hyperframes/renders/{id}");
  }

  /** One page of `GET /v3/hyperframes/renders`. */
  async listRenders(o: { limit?: number; token?: string; signal?: AbortSignal } = {}): Promise<Page<RenderDetail>> {
    const r = await this.http.request<Page<RenderDetail>>({
      method: "GET",
      path: "/v3/hyperframes/renders",
      query: { limit: o.limit, token: o.token },
      signal: o.signal,
    });
    if (!r || !Array.isArray(r.data)) throw new CloudError("bad_response", 'HeyGen API GET /v3/hyperframes/renders answered without a "data" list');
    return { data: r.data, has_more: !!r.has_more, next_token: r.next_token ?? null };
  }

  /** Every render, following `next_token` through all pages. */
  async *iterateRenders(o: { limit?: number; signal?: AbortSignal } = {}): AsyncGenerator<RenderDetail> {
    let token: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.listRenders({ limit: o.limit ?? 100, token, signal: o.signal });
      for (const r of page.data) yield r;
      if (!page.has_more || !page.next_token) return;
      if (seen.has(page.next_token)) throw new CloudError("bad_response", "HeyGen API returned the same next_token twice while listing renders");
      seen.add(page.next_token);
      token = page.next_token;
    }
  }

  async listAllRenders(o: { limit?: number; signal?: AbortSignal } = {}): Promise<RenderDetail[]> {
    const out: RenderDetail[] = [];
    for await (const r of this.iterateRenders(o)) out.push(r);
    return out;
  }

  /** Find a render by the `callback_id` it was created with (scans all pages). */
  async findByCallbackId(callbackId: string, signal?: AbortSignal): Promise<RenderDetail | undefined> {
    for await (const r of this.iterateRenders({ signal })) if (r.callback_id === callbackId) return r;
    return undefined;
  }

  /** `DELETE /v3/hyperframes/renders/{id}`. A 404 on a retry after an ambiguous failure counts as done. */
  async deleteRender(id: string, signal?: AbortSignal): Promise<void> {
    checkId(id);
    await this.http.request({ method: "DELETE", path: `/v3/hyperframes/renders/${encodeURIComponent(id)}`, signal, raw: true });
  }

  /** Poll until the render is completed or failed, backing off from intervalMs to maxIntervalMs. */
  async waitForRender(id: string, o: WaitOptions = {}): Promise<RenderDetail> {
    const t0 = Date.now();
    let interval = o.intervalMs ?? 2000;
    const maxInterval = o.maxIntervalMs ?? 15_000;
    const timeout = o.timeoutMs ?? 2 * 3600_000;
    for (;;) {
      const r = await this.getRender(id, o.signal);
      o.onStatus?.(r, Date.now() - t0);
      if (TERMINAL.includes(r.status)) return r;
      if (Date.now() - t0 > timeout)
        throw new CloudError("wait_timeout", `cloud render ${id} is still ${r.status} after ${Math.round((Date.now() - t0) / 1000)} s`, {
          hint: `check later with \`hyperframes cloud status ${id}\``,
        });
      await sleep(interval, o.signal);
      interval = Math.min(maxInterval, Math.round(interval * 1.5));
    }
  }

  // ---------------------------------------------------------------- assets

  /** `POST /v3/assets` (multipart, up to 32 MB). `bytes` may be a file-backed Blob (`fs.openAsBlob`). */
  async uploadAsset(bytes: Uint8Array | Blob, filename: string, contentType = "application/zip", signal?: AbortSignal): Promise<Asset> {
    // A multipart upload creates an asset; re-sending after an ambiguous failure only leaves an unused
    // orphan asset (no render, no charge), so it is treated as idempotent.
    const r = await this.http.request<{ data: Asset }>({
      method: "POST",
      path: "/v3/assets",
      retry: "idempotent",
      signal,
      // fetch re-serialises a FormData with a Blob part on every attempt, so retries resend it whole.
      body: formDataFor(bytes, filename, contentType),
      timeoutMs: uploadTimeout(this.http.timeoutMs, sizeOf(bytes)),
    });
    return unwrap(r, "POST /v3/assets");
  }

  /** `POST /v3/assets/direct-uploads`: step 1 of the large-file flow. */
  async initDirectUpload(
    o: { filename: string; content_type: string; size_bytes: number; checksum_sha256?: string },
    signal?: AbortSignal,
  ): Promise<DirectUploadInit> {
    const r = await this.http.request<{ data: DirectUploadInit }>({ method: "POST", path: "/v3/assets/direct-uploads", json: o, retry: "idempotent", signal });
    return unwrap(r, "POST /v3/assets/direct-uploads");
  }

  /** Step 2: PUT the bytes to the presigned URL with `upload_headers` exactly as given (no API key). */
  async putDirectUpload(init: DirectUploadInit, bytes: Uint8Array | Blob, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: "PUT",
      path: init.upload_url,
      headers: { ...init.upload_headers },
      // a Blob (file-backed from fs.openAsBlob, or wrapping the bytes) is streamed, and re-read on a retry
      body: bytes instanceof Uint8Array ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : bytes,
      timeoutMs: uploadTimeout(this.http.timeoutMs, sizeOf(bytes)),
      retry: "idempotent",
      auth: false,
      raw: true,
      signal,
    });
  }

  /**
   * Step 3: `POST /v3/assets/{id}/complete`. It answers 409 while the PUT has not landed in storage yet;
   * that is retried (backing off, up to `settleTimeoutMs`, default 60 s). The call is documented as idempotent.
   */
  async completeDirectUpload(assetId: string, o: { checksum_sha256?: string; settleTimeoutMs?: number } = {}, signal?: AbortSignal): Promise<Asset> {
    checkId(assetId);
    const t0 = Date.now();
    const { settleTimeoutMs = 60_000, ...body } = o;
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.http.request<{ data: Asset }>({
          method: "POST",
          path: `/v3/assets/${encodeURIComponent(assetId)}/complete`,
          json: body,
          retry: "idempotent",
          signal,
        });
        return unwrap(r, "POST /v3/assets/{id}/complete");
      } catch (e) {
        if (!(e instanceof CloudError && e.status === 409) || Date.now() - t0 > settleTimeoutMs) throw e;
        this.http.log(`[hyperframes cloud] upload of ${assetId} not visible yet (409); retrying`);
        await sleep(Math.min(this.http.backoff(attempt), 2000), signal);
      }
    }
  }

  /** The three direct-upload steps (`sha256`: the hex checksum when already known, else computed). */
  async directUpload(bytes: Uint8Array | Blob, filename: string, contentType = "application/zip", signal?: AbortSignal, sha256?: string): Promise<Asset> {
    const checksum_sha256 = sha256 ?? (await sha256Of(bytes));
    const size = sizeOf(bytes);
    const init = await this.initDirectUpload({ filename, content_type: contentType, size_bytes: size, checksum_sha256 }, signal);
    if (init.max_bytes && size > init.max_bytes)
      throw new CloudError("hyperframes_project_too_large", `${filename} is ${size} bytes; the direct upload limit is ${init.max_bytes}`, {
        hint: "make the project smaller (compress media, drop unused files with --exclude)",
      });
    await this.putDirectUpload(init, bytes, signal);
    const asset = await this.completeDirectUpload(init.asset_id, { checksum_sha256 }, signal);
    return { ...asset, asset_id: asset.asset_id ?? init.asset_id };
  }
}

/** Uploads get the request timeout plus 1 s per 256 KB (a slow 2 Mbit/s link still finishes). */
function uploadTimeout(base: number, bytes: number): number {
  return base + Math.ceil(bytes / (256 * 1024)) * 1000;
}

function formDataFor(bytes: Uint8Array | Blob, filename: string, contentType: string): FormData {
  const fd = new FormData();
  // slice() re-types a (file-backed) Blob without reading it
  fd.append("file", bytes instanceof Uint8Array ? new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType }) : bytes.slice(0, bytes.size, contentType), filename);
  return fd;
}

/** Size in bytes of a zip given as bytes or as a Blob. */
export function sizeOf(z: Uint8Array | Blob): number {
  return z instanceof Uint8Array ? z.byteLength : z.size;
}

/** Hex sha256 of bytes or of a Blob (streamed). */
export async function sha256Of(z: Uint8Array | Blob): Promise<string> {
  const h = createHash("sha256");
  if (z instanceof Uint8Array) h.update(z);
  else for await (const c of z.stream() as unknown as AsyncIterable<Uint8Array>) h.update(c);
  return h.digest("hex");
}

function checkId(id: string): void {
  if (!id || typeof id !== "string" || id.length > 200 || /[\s/?#]/.test(id))
    throw new CloudError("invalid_id", `"${String(id).slice(0, 60)}" is not a valid id`, { hint: "copy the id from `hyperframes cloud list`" });
}
