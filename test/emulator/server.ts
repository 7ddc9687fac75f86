/**
 * A local emulator of HeyGen's HyperFrames render API and asset upload endpoints, for tests.
 * A real node:http server on 127.0.0.1:0 that keeps the documented shapes and status codes
 * (HeyGen docs "Hyperframes", "Assets", "Errors", "Webhooks"), validates project zips like the service,
 * renders them to a real video with a pluggable renderer, serves video_url/thumbnail_url, delivers signed
 * webhooks, and can be scripted to fail (400/404/409/413/429/5xx, slow answers, dropped connections,
 * truncated downloads).
 */
import http from "node:http";
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import JSZip from "jszip";

export interface RenderJobOptions {
  fps: number;
  quality: string;
  format: string;
  variables?: Record<string, unknown>;
  composition: string;
  /** where the video should be written */
  output: string;
}
/** Render an extracted project directory to a video; returns the output path. */
export type RenderProjectFn = (dir: string, opts: RenderJobOptions) => Promise<string>;

export interface Fault {
  method?: string;
  /** exact path, path prefix ending in `*`, or a RegExp (matched against the path without query) */
  path?: string | RegExp;
  /** how many matching requests it applies to (default 1) */
  times?: number;
  /** answer with this status and an API error body */
  status?: number;
  code?: string;
  message?: string;
  /** Retry-After header, seconds */
  retryAfter?: number;
  /** close the socket without answering: before handling (no effect on state) or after handling it */
  drop?: "before" | "after";
  /** wait this long before answering */
  delayMs?: number;
  /** for file downloads: send the headers and only this many bytes, then cut the connection */
  truncate?: number;
  /** answer with a redirect (`status`, default 307) to this absolute URL */
  redirect?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** header names (lowercase) with the api key value replaced by "[key]" */
  headers: Record<string, string>;
  hadApiKey: boolean;
  bodyBytes: number;
  at: number;
  /** status answered ("drop" when the connection was cut) */
  answered?: number | "drop";
}

export interface EmulatedRender {
  render_id: string;
  status: "queued" | "rendering" | "completed" | "failed";
  created_at: number;
  title: string | null;
  callback_id: string | null;
  callback_url: string | null;
  fps: number;
  quality: string;
  format: string;
  resolution: string;
  aspect_ratio: string;
  composition: string;
  variables: Record<string, unknown> | null;
  video_url: string | null;
  thumbnail_url: string | null;
  duration: number | null;
  failure_message: string | null;
  deleted?: boolean;
  /** sizes, for tests */
  projectBytes: number;
  projectType: string;
  done: Promise<void>;
}

export interface WebhookDelivery {
  url: string;
  mode: WebhookMode;
  eventId: string;
  status: number | "error";
  body: string;
}
export type WebhookMode = "valid" | "tampered" | "replayed" | "stale" | "unsigned";

export interface EmulatorOptions {
  apiKey?: string;
  renderProject?: RenderProjectFn;
  /** ms a render stays "queued" (default 30) */
  queueMs?: number;
  /** ms a render stays "rendering" at least (default 0) */
  minRenderMs?: number;
  webhookSecret?: string;
  /** deliver webhooks automatically when a render with callback_url finishes (default true) */
  autoWebhooks?: boolean;
  /** largest zip accepted inline as base64 or url (default 32 MB) */
  maxInlineBytes?: number;
  /** largest multipart asset (default 32 MB) */
  maxMultipartBytes?: number;
  /** largest direct upload (default 5 GB) */
  maxDirectBytes?: number;
  /** ms after the PUT before the object is visible to /complete (409 until then; default 0) */
  uploadSettleMs?: number;
  /** concurrent queued+rendering jobs allowed (429 beyond; default unlimited) */
  maxConcurrentJobs?: number;
  /** honour Idempotency-Key on create (default true) */
  honourIdempotencyKey?: boolean;
  /** page size when the request gives no limit (default 10) */
  defaultPageSize?: number;
}

interface Asset {
  asset_id: string;
  status: "pending_upload" | "uploaded" | "completed";
  filename: string;
  content_type: string;
  size_bytes: number;
  checksum?: string;
  token?: string;
  bytes?: Buffer;
  visibleAt?: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

const json = (status: number, obj: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(obj),
});
const apiErr = (status: number, code: string, message: string, param?: string, headers: Record<string, string> = {}): Reply =>
  json(status, { error: { code, message, ...(param ? { param } : {}), doc_url: `https://developers.heygen.com/docs/errors#${code}` } }, headers);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Default renderer: the toolkit's own `render()` (src/render/render.ts). */
export const realRenderer: RenderProjectFn = async (dir, o) => {
  const spec = "../../src/render/render.js";
  const mod = (await import(spec)) as { render: (opts: Record<string, unknown>) => Promise<{ output: string }> };
  const r = await mod.render({
    project: dir,
    output: o.output,
    fps: o.fps,
    quality: o.quality,
    format: o.format,
    variables: o.variables,
    composition: o.composition,
  });
  return r.output;
};

async function ffmpegPath(): Promise<string> {
  const mod = await import("../../src/render/ffmpeg.js");
  return mod.resolveFfmpeg().path;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.slice(-500)}`))));
  });
}

/** Fast stand-in renderer: a real tiny video (320x180, 1 s) made with ffmpeg's lavfi color source. */
export const fastRenderer: RenderProjectFn = async (dir, o) => {
  if (!existsSync(path.join(dir, o.composition))) throw new Error(`${o.composition} not found in the project`);
  const ff = await ffmpegPath();
  const fps = Math.min(o.fps, 30);
  const codec =
    o.format === "webm" ? ["-c:v", "libvpx-vp9", "-b:v", "200k"] : o.format === "mov" ? ["-c:v", "prores_ks", "-profile:v", "4444"] : ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast"];
  await run(ff, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `color=c=blue:s=320x180:d=1:r=${fps}`, ...codec, "-y", o.output]);
  return o.output;
};

export class Emulator {
  readonly apiKey: string;
  readonly webhookSecret: string;
  url = "";
  readonly requests: RecordedRequest[] = [];
  readonly renders = new Map<string, EmulatedRender>();
  readonly assets = new Map<string, Asset>();
  readonly webhooks: WebhookDelivery[] = [];
  /** highest number of simultaneously active (queued+rendering) jobs seen */
  maxActiveSeen = 0;
  /** rewrite what GET/list answer for a render (e.g. a hostile `format`); the stored render is unchanged */
  viewOverride?: (view: Record<string, unknown>) => Record<string, unknown>;
  readonly opts: Required<Omit<EmulatorOptions, "apiKey" | "webhookSecret" | "renderProject">> & { renderProject: RenderProjectFn };
  #server?: http.Server;
  #faults: (Fault & { left: number })[] = [];
  #idem = new Map<string, Reply | "in_progress">();
  #files = new Map<string, string>();
  #workDir = "";
  #sockets = new Set<import("node:net").Socket>();

  constructor(o: EmulatorOptions = {}) {
    this.apiKey = o.apiKey ?? "hg_test_" + randomBytes(12).toString("hex");
    this.webhookSecret = o.webhookSecret ?? "whsec_" + randomBytes(12).toString("hex");
    this.opts = {
      renderProject: o.renderProject ?? realRenderer,
      queueMs: o.queueMs ?? 30,
      minRenderMs: o.minRenderMs ?? 0,
      autoWebhooks: o.autoWebhooks ?? true,
      maxInlineBytes: o.maxInlineBytes ?? 32 * 1024 * 1024,
      maxMultipartBytes: o.maxMultipartBytes ?? 32 * 1024 * 1024,
      maxDirectBytes: o.maxDirectBytes ?? 5 * 1024 ** 3,
      uploadSettleMs: o.uploadSettleMs ?? 0,
      maxConcurrentJobs: o.maxConcurrentJobs ?? Infinity,
      honourIdempotencyKey: o.honourIdempotencyKey ?? true,
      defaultPageSize: o.defaultPageSize ?? 10,
    };
  }

  async start(): Promise<this> {
    this.#workDir = await mkdtemp(path.join(os.tmpdir(), "hf-emulator-"));
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    this.#server.on("connection", (s) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    const addr = this.#server.address() as import("node:net").AddressInfo;
    this.url = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.renders.values()].map((r) => r.done));
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
    if (this.#workDir) await rm(this.#workDir, { recursive: true, force: true });
  }

  /** Queue a scripted failure (matched in order, `times` requests each). */
  fault(f: Fault): this {
    this.#faults.push({ ...f, left: f.times ?? 1 });
    return this;
  }
  clearFaults(): void {
    this.#faults = [];
  }

  /** Requests that created renders (POST /v3/hyperframes/renders that reached the handler). */
  get createRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "POST" && r.path === "/v3/hyperframes/renders");
  }

  get activeJobs(): number {
    let n = 0;
    for (const r of this.renders.values()) if (!r.deleted && (r.status === "queued" || r.status === "rendering")) n++;
    return n;
  }

  // ------------------------------------------------------------------ dispatch

  #takeFault(method: string, p: string): Fault | undefined {
    for (const f of this.#faults) {
      if (f.left <= 0) continue;
      if (f.method && f.method !== method) continue;
      if (f.path) {
        if (f.path instanceof RegExp ? !f.path.test(p) : f.path.endsWith("*") ? !p.startsWith(f.path.slice(0, -1)) : f.path !== p) continue;
      }
      f.left--;
      return f;
    }
    return undefined;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = k === "x-api-key" ? "[key]" : String(v);
    const rec: RecordedRequest = {
      method: req.method ?? "GET",
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers,
      hadApiKey: req.headers["x-api-key"] !== undefined,
      bodyBytes: body.length,
      at: Date.now(),
    };
    this.requests.push(rec);
    const fault = this.#takeFault(rec.method, rec.path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.drop === "before") {
      rec.answered = "drop";
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    if (fault?.redirect) {
      reply = { status: fault.status ?? 307, headers: { location: fault.redirect } };
    } else if (fault?.status) {
      reply = apiErr(fault.status, fault.code ?? defaultCode(fault.status), fault.message ?? "scripted failure", undefined, fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {});
    } else {
      try {
        reply = await this.#route(req, u, body);
      } catch (e) {
        reply = apiErr(500, "internal_error", `emulator: ${(e as Error).message}`);
      }
    }
    if (fault?.drop === "after") {
      rec.answered = "drop";
      req.socket.destroy();
      return;
    }
    rec.answered = reply.status;
    const payload = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
    res.writeHead(reply.status, { ...reply.headers, "content-length": String(payload.length) });
    if (fault?.truncate !== undefined && payload.length > fault.truncate) {
      res.write(payload.subarray(0, fault.truncate));
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.end(payload);
  }

  async #route(req: http.IncomingMessage, u: URL, body: Buffer): Promise<Reply> {
    const m = req.method ?? "GET";
    const p = u.pathname;
    // Unauthenticated: files and presigned uploads.
    if (m === "GET" && p.startsWith("/files/")) return this.#serveFile(p.slice(7));
    if (m === "PUT" && p.startsWith("/upload/")) return this.#put(p.slice(8), u, req, body);
    if (!p.startsWith("/v3/")) return apiErr(404, "resource_not_found", `no route ${m} ${p}`);
    const key = req.headers["x-api-key"];
    if (key !== this.apiKey) return apiErr(401, "unauthorized", key ? "Invalid API key" : "Missing x-api-key header");

    let mm: RegExpExecArray | null;
    if (p === "/v3/hyperframes/renders" && m === "POST") return this.#create(req, body);
    if (p === "/v3/hyperframes/renders" && m === "GET") return this.#list(u);
    if ((mm = /^\/v3\/hyperframes\/renders\/([^/]+)$/.exec(p))) {
      const r = this.renders.get(decodeURIComponent(mm[1]!));
      if (!r || r.deleted) return apiErr(404, "hyperframes_render_not_found", `No HyperFrames render ${mm[1]} exists for your space`);
      if (m === "GET") return json(200, { data: this.#view(r) });
      if (m === "DELETE") {
        r.deleted = true;
        return { status: 204 };
      }
    }
    if (p === "/v3/assets" && m === "POST") return this.#multipart(req, body);
    if (p === "/v3/assets/direct-uploads" && m === "POST") return this.#initUpload(body);
    if ((mm = /^\/v3\/assets\/([^/]+)\/complete$/.exec(p)) && m === "POST") return this.#complete(decodeURIComponent(mm[1]!), body);
    return apiErr(404, "resource_not_found", `no route ${m} ${p}`);
  }

  // ------------------------------------------------------------------ renders

  #view(r: EmulatedRender): Record<string, unknown> {
    const { done: _d, deleted: _x, projectBytes: _b, projectType: _t, ...rest } = r;
    return this.viewOverride ? this.viewOverride({ ...rest }) : rest;
  }

  async #create(req: http.IncomingMessage, body: Buffer): Promise<Reply> {
    const idemKey = this.opts.honourIdempotencyKey ? (req.headers["idempotency-key"] as string | undefined) : undefined;
    if (idemKey) {
      const prev = this.#idem.get(idemKey);
      if (prev === "in_progress") return apiErr(409, "request_in_progress", "A prior request with this Idempotency-Key is still in progress");
      if (prev) return prev;
      this.#idem.set(idemKey, "in_progress");
    }
    let reply: Reply;
    try {
      reply = await this.#createInner(body);
    } catch (e) {
      if (idemKey) this.#idem.delete(idemKey);
      throw e;
    }
    if (idemKey) {
      if (reply.status < 500) this.#idem.set(idemKey, reply);
      else this.#idem.delete(idemKey);
    }
    return reply;
  }

  async #createInner(body: Buffer): Promise<Reply> {
    let b: Record<string, any>;
    try {
      b = JSON.parse(body.toString("utf8"));
    } catch {
      return apiErr(400, "invalid_parameter", "The request body is not valid JSON");
    }
    if (!b || typeof b !== "object" || Array.isArray(b)) return apiErr(400, "invalid_parameter", "The request body must be a JSON object");
    const bad = (param: string, msg: string) => apiErr(400, "invalid_parameter", msg, param);
    const enumOf = (k: string, vals: string[], def: string) => {
      if (b[k] === undefined) return def;
      if (typeof b[k] !== "string" || !vals.includes(b[k])) throw bad(k, `${k} must be one of ${vals.join(", ")}`);
      return b[k] as string;
    };
    let fps: number, quality: string, format: string, resolution: string, aspect_ratio: string;
    try {
      if (b.fps !== undefined && (!Number.isInteger(b.fps) || b.fps < 1 || b.fps > 240)) throw bad("fps", "fps must be an integer from 1 to 240");
      fps = b.fps ?? 30;
      quality = enumOf("quality", ["draft", "standard", "high"], "standard");
      format = enumOf("format", ["mp4", "webm", "mov"], "mp4");
      resolution = enumOf("resolution", ["1080p", "4k"], "1080p");
      aspect_ratio = enumOf("aspect_ratio", ["16:9", "9:16", "1:1"], "16:9");
      if (b.composition !== undefined && (typeof b.composition !== "string" || !b.composition || b.composition.includes("..")))
        throw bad("composition", "composition must be a relative path inside the zip");
      if (b.variables !== undefined && (typeof b.variables !== "object" || b.variables === null || Array.isArray(b.variables)))
        throw bad("variables", "variables must be an object");
      if (b.title !== undefined && (typeof b.title !== "string" || b.title.length > 500)) throw bad("title", "title must be a string of at most 500 characters");
      if (b.callback_id !== undefined && (typeof b.callback_id !== "string" || b.callback_id.length > 256))
        throw bad("callback_id", "callback_id must be a string of at most 256 characters");
      if (b.callback_url !== undefined) {
        let ok = false;
        try {
          ok = /^https?:$/.test(new URL(b.callback_url).protocol);
        } catch {
          ok = false;
        }
        if (!ok) throw bad("callback_url", "callback_url must be an http(s) URL");
      }
    } catch (e) {
      if ((e as Reply).status) return e as Reply;
      throw e;
    }
    const composition: string = b.composition ?? "index.html";
    // Project bytes.
    const proj = b.project;
    if (!proj || typeof proj !== "object") return bad("project", "project is required");
    let zipBytes: Buffer;
    if (proj.type === "base64") {
      if (typeof proj.base64 !== "string") return bad("project.base64", "project.base64 must be a base64 string");
      zipBytes = Buffer.from(proj.base64, "base64");
      if (zipBytes.length > this.opts.maxInlineBytes)
        return apiErr(413, "hyperframes_project_too_large", `The project is ${zipBytes.length} bytes; base64 projects are limited to ${this.opts.maxInlineBytes}. Use asset_id.`, "project");
    } else if (proj.type === "asset_id") {
      const a = this.assets.get(String(proj.asset_id));
      if (!a) return apiErr(404, "asset_not_found", `No asset ${proj.asset_id}`, "project.asset_id");
      if (a.status !== "completed" || !a.bytes) return apiErr(409, "resource_not_ready", `Asset ${proj.asset_id} has not been completed`, "project.asset_id");
      zipBytes = a.bytes;
    } else if (proj.type === "url") {
      try {
        const r = await fetch(String(proj.url));
        if (!r.ok) return apiErr(400, "download_failed", `Could not download ${proj.url}: HTTP ${r.status}`, "project.url");
        zipBytes = Buffer.from(await r.arrayBuffer());
      } catch (e) {
        return apiErr(400, "download_failed", `Could not download ${proj.url}: ${(e as Error).message}`, "project.url");
      }
      if (zipBytes.length > this.opts.maxInlineBytes) return apiErr(413, "hyperframes_project_too_large", "URL projects are limited to 32 MB. Use asset_id.", "project");
    } else return bad("project.type", "project.type must be url, asset_id or base64");

    const v = await validateZip(zipBytes, composition);
    if (!v.ok) return apiErr(400, "hyperframes_project_invalid", v.message, "project");

    if (this.activeJobs >= this.opts.maxConcurrentJobs)
      return apiErr(429, "rate_limit_exceeded", "Too many concurrent render jobs", undefined, { "retry-after": "1" });

    const id = "rnd_" + randomBytes(8).toString("hex");
    const r: EmulatedRender = {
      render_id: id,
      status: "queued",
      created_at: Math.floor(Date.now() / 1000),
      title: b.title ?? null,
      callback_id: b.callback_id ?? null,
      callback_url: b.callback_url ?? null,
      fps,
      quality,
      format,
      resolution,
      aspect_ratio,
      composition,
      variables: b.variables ?? null,
      video_url: null,
      thumbnail_url: null,
      duration: null,
      failure_message: null,
      projectBytes: zipBytes.length,
      projectType: proj.type,
      done: Promise.resolve(),
    };
    this.renders.set(id, r);
    this.maxActiveSeen = Math.max(this.maxActiveSeen, this.activeJobs);
    r.done = this.#runJob(r, v.files, v.root).catch(() => {});
    return json(202, { data: { render_id: id, status: "queued" } });
  }

  async #runJob(r: EmulatedRender, zip: JSZip, root: string): Promise<void> {
    await sleep(this.opts.queueMs);
    r.status = "rendering";
    const t0 = Date.now();
    const dir = path.join(this.#workDir, r.render_id);
    try {
      const projectDir = path.join(dir, "project");
      for (const [name, f] of Object.entries(zip.files)) {
        if (f.dir || !name.startsWith(root)) continue;
        const dest = path.join(projectDir, name.slice(root.length));
        await mkdir(path.dirname(dest), { recursive: true });
        await writeFile(dest, await f.async("nodebuffer"));
      }
      const out = path.join(dir, `video.${r.format}`);
      const produced = await this.opts.renderProject(projectDir, {
        fps: r.fps,
        quality: r.quality,
        format: r.format,
        variables: r.variables ?? undefined,
        composition: r.composition,
        output: out,
      });
      const wait = this.opts.minRenderMs - (Date.now() - t0);
      if (wait > 0) await sleep(wait);
      const thumb = path.join(dir, "thumbnail.jpg");
      await run(await ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-i", produced, "-frames:v", "1", "-y", thumb]);
      const { probe } = await import("../../src/render/ffmpeg.js");
      const pr = await probe(produced);
      this.#files.set(`${r.render_id}.${r.format}`, produced);
      this.#files.set(`${r.render_id}.jpg`, thumb);
      r.video_url = `${this.url}/files/${r.render_id}.${r.format}?sig=${randomBytes(6).toString("hex")}`;
      r.thumbnail_url = `${this.url}/files/${r.render_id}.jpg?sig=${randomBytes(6).toString("hex")}`;
      r.duration = Number(pr.format.duration ?? 0);
      r.status = "completed";
    } catch (e) {
      r.status = "failed";
      r.failure_message = (e as Error).message.slice(0, 500);
    }
    if (r.callback_url && this.opts.autoWebhooks) await this.sendWebhook(r.render_id, "valid").catch(() => {});
  }

  #list(u: URL): Reply {
    const limitRaw = u.searchParams.get("limit");
    const limit = limitRaw === null ? this.opts.defaultPageSize : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return apiErr(400, "invalid_parameter", "limit must be an integer from 1 to 100", "limit");
    const all = [...this.renders.values()].filter((r) => !r.deleted).reverse();
    let offset = 0;
    const token = u.searchParams.get("token");
    if (token) {
      try {
        offset = JSON.parse(Buffer.from(token, "base64url").toString("utf8")).o;
      } catch {
        return apiErr(400, "invalid_parameter", "token is not valid", "token");
      }
    }
    const page = all.slice(offset, offset + limit);
    const has_more = offset + limit < all.length;
    return json(200, {
      data: page.map((r) => this.#view(r)),
      has_more,
      next_token: has_more ? Buffer.from(JSON.stringify({ o: offset + limit })).toString("base64url") : null,
    });
  }

  #serveFile(name: string): Reply {
    const p = this.#files.get(decodeURIComponent(name));
    if (!p) return { status: 404, body: "not found" };
    return { status: 200, headers: { "content-type": name.endsWith(".jpg") ? "image/jpeg" : "video/" + path.extname(name).slice(1) }, body: readFileSync(p) };
  }

  // ------------------------------------------------------------------ assets

  async #multipart(req: http.IncomingMessage, body: Buffer): Promise<Reply> {
    const ct = req.headers["content-type"] ?? "";
    if (!ct.startsWith("multipart/form-data")) return apiErr(400, "invalid_parameter", "Expected multipart/form-data", "file");
    if (body.length > this.opts.maxMultipartBytes + 64 * 1024)
      return apiErr(413, "payload_too_large", `Maximum file size is ${this.opts.maxMultipartBytes} bytes; use direct upload`, "file");
    const fd = await new Response(body, { headers: { "content-type": ct } }).formData();
    const file = fd.get("file");
    if (!file || typeof file === "string") return apiErr(400, "invalid_parameter", 'Missing "file" part', "file");
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length > this.opts.maxMultipartBytes)
      return apiErr(413, "payload_too_large", `Maximum file size is ${this.opts.maxMultipartBytes} bytes; use direct upload`, "file");
    const id = "asset_" + randomBytes(8).toString("hex");
    const mime = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? "application/zip" : "application/octet-stream";
    this.assets.set(id, { asset_id: id, status: "completed", filename: file.name, content_type: mime, size_bytes: bytes.length, bytes });
    return json(200, { data: { asset_id: id, url: `${this.url}/assets/${id}`, mime_type: mime, size_bytes: bytes.length } });
  }

  #initUpload(body: Buffer): Reply {
    let b: any;
    try {
      b = JSON.parse(body.toString("utf8"));
    } catch {
      return apiErr(400, "invalid_parameter", "The request body is not valid JSON");
    }
    if (typeof b?.filename !== "string" || !b.filename) return apiErr(400, "invalid_parameter", "filename is required", "filename");
    if (typeof b.content_type !== "string") return apiErr(400, "invalid_parameter", "content_type is required", "content_type");
    if (!Number.isInteger(b.size_bytes) || b.size_bytes < 1) return apiErr(400, "invalid_parameter", "size_bytes must be a positive integer", "size_bytes");
    if (b.size_bytes > this.opts.maxDirectBytes) return apiErr(413, "payload_too_large", `size_bytes exceeds ${this.opts.maxDirectBytes}`, "size_bytes");
    const id = "asset_" + randomBytes(8).toString("hex");
    const token = randomBytes(8).toString("hex");
    this.assets.set(id, { asset_id: id, status: "pending_upload", filename: b.filename, content_type: b.content_type, size_bytes: b.size_bytes, checksum: b.checksum_sha256, token });
    return json(200, {
      data: {
        asset_id: id,
        upload_url: `${this.url}/upload/${id}?X-Signature=${token}&size=${b.size_bytes}`,
        upload_headers: { "Content-Type": b.content_type, "x-upload-token": token },
        expires_in_seconds: 900,
        max_bytes: this.opts.maxDirectBytes,
        status: "pending_upload",
      },
    });
  }

  #put(id: string, u: URL, req: http.IncomingMessage, body: Buffer): Reply {
    const a = this.assets.get(decodeURIComponent(id));
    if (!a || u.searchParams.get("X-Signature") !== a.token) return { status: 403, body: "SignatureDoesNotMatch" };
    if (req.headers["x-upload-token"] !== a.token || req.headers["content-type"] !== a.content_type) return { status: 403, body: "SignatureDoesNotMatch: upload_headers were not sent verbatim" };
    if (body.length !== a.size_bytes) return { status: 400, body: `size mismatch: declared ${a.size_bytes}, got ${body.length}` };
    a.bytes = body;
    a.status = "uploaded";
    a.visibleAt = Date.now() + this.opts.uploadSettleMs;
    return { status: 200 };
  }

  #complete(id: string, body: Buffer): Reply {
    const a = this.assets.get(id);
    if (!a) return apiErr(404, "asset_not_found", `No asset ${id}`);
    if (!a.bytes || (a.visibleAt ?? 0) > Date.now()) return apiErr(409, "resource_not_ready", "Uploaded object not found yet");
    let b: any = {};
    try {
      b = body.length ? JSON.parse(body.toString("utf8")) : {};
    } catch {
      return apiErr(400, "invalid_parameter", "The request body is not valid JSON");
    }
    const actual = createHash("sha256").update(a.bytes).digest("hex");
    for (const c of [a.checksum, b?.checksum_sha256])
      if (c && c.toLowerCase() !== actual) return apiErr(400, "invalid_parameter", "checksum_sha256 does not match the uploaded bytes", "checksum_sha256");
    a.status = "completed";
    return json(200, { data: { asset_id: a.asset_id, url: `${this.url}/assets/${a.asset_id}`, mime_type: a.content_type, size_bytes: a.size_bytes, status: "completed" } });
  }

  // ------------------------------------------------------------------ webhooks

  /** Build the event for a finished render. */
  eventFor(r: EmulatedRender, eventId = "evt_" + randomUUID()): Record<string, unknown> {
    const ok = r.status === "completed";
    return {
      event_id: eventId,
      event_type: ok ? "hyperframes_video.success" : "hyperframes_video.fail",
      event_data: ok
        ? { render_id: r.render_id, video_url: r.video_url, url: r.video_url, thumbnail_url: r.thumbnail_url, duration: r.duration, callback_id: r.callback_id }
        : { render_id: r.render_id, failure_message: r.failure_message, callback_id: r.callback_id },
      created_at: new Date().toISOString(),
    };
  }

  /** Deliver a webhook for a render (to its callback_url, or `url`) in one of the test modes. */
  async sendWebhook(renderId: string, mode: WebhookMode = "valid", url?: string): Promise<WebhookDelivery[]> {
    const r = this.renders.get(renderId);
    if (!r) throw new Error(`no render ${renderId}`);
    const target = url ?? r.callback_url;
    if (!target) throw new Error(`render ${renderId} has no callback_url`);
    const eventId = "evt_" + randomUUID();
    const raw = JSON.stringify(this.eventFor(r, eventId));
    const sig = createHmac("sha256", this.webhookSecret).update(raw).digest("hex");
    let ts = Math.floor(Date.now() / 1000);
    let sent = raw;
    if (mode === "stale") ts -= 600;
    if (mode === "tampered") sent = raw.replace(r.render_id, r.render_id.replace(/.$/, (c) => (c === "0" ? "1" : "0")));
    const headers: Record<string, string> = { "content-type": "application/json", "heygen-timestamp": String(ts), "heygen-event-id": eventId };
    if (mode !== "unsigned") headers["heygen-signature"] = sig;
    const out: WebhookDelivery[] = [];
    for (let i = 0; i < (mode === "replayed" ? 2 : 1); i++) {
      let status: number | "error";
      try {
        const res = await fetch(target, { method: "POST", headers, body: sent, signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = "error";
      }
      const d = { url: target, mode, eventId, status, body: sent };
      this.webhooks.push(d);
      out.push(d);
    }
    return out;
  }
}


function defaultCode(status: number): string {
  return (
    { 400: "invalid_parameter", 401: "unauthorized", 404: "hyperframes_render_not_found", 409: "conflict", 413: "hyperframes_project_too_large", 429: "rate_limit_exceeded" } as Record<
      number,
      string
    >
  )[status] ?? (status >= 500 ? "internal_error" : "invalid_parameter");
}

/** Validate a project zip like the service: the entry at the root or inside one single top-level folder. */
export async function validateZip(bytes: Buffer, entry: string): Promise<{ ok: true; files: JSZip; root: string } | { ok: false; message: string }> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (e) {
    return { ok: false, message: `The project is not a valid zip: ${(e as Error).message}` };
  }
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  for (const n of names)
    if (n.startsWith("/") || n.split("/").includes("..") || n.includes("\\")) return { ok: false, message: `The zip contains an unsafe path "${n}"` };
  if (names.includes(entry)) return { ok: true, files: zip, root: "" };
  const tops = new Set(names.map((n) => (n.includes("/") ? n.split("/")[0]! + "/" : "")));
  if (tops.size === 1) {
    const top = [...tops][0]!;
    if (top && names.includes(top + entry)) return { ok: true, files: zip, root: top };
  }
  return { ok: false, message: `The zip has no ${entry} at its root or inside a single top-level folder` };
}

export async function startEmulator(o: EmulatorOptions = {}): Promise<Emulator> {
  return new Emulator(o).start();
}

