/**
 * The routes of the render file server (server.ts dispatches to them, in this order, after its Host check):
 * the CSP report endpoint, the refusal of service/shared worker scripts, the installed gsap package
 * (/__hf/lib/gsap/), pre-extracted video frames (/__hf/frames/) and the project's own files.
 *
 * Files are sent by the `send` package (pillarjs, the engine of Express's serve-static): MIME type,
 * Range/206/416 (range-parser, so `bytes=-N` suffixes and malformed ranges are handled), HEAD,
 * content-length and streaming. It is not asked to find anything: `resolveProjectUrl` (compose/files.ts,
 * shared with the preview server) decides whether a project URL may be served and returns the real file
 * (symlinks followed, and checked to stay inside the project; `.env*` refused, by URL and by real path);
 * `send` then gets that real file's path relative to the project root, with no index lookup, no extension
 * fallback, no redirects, and its own `..` refusal as a second line. Its dotfile rule is off (`allow`):
 * which dotfiles are secret is `resolveProjectUrl`'s call, so render and preview serve the same files.
 *
 * Why not sirv (the issue's first choice): sirv 3.0.2 looks files up itself (index and extension
 * fallbacks; in production mode it indexes the whole tree at start-up, following symlinks out of the
 * project) and its Range parser serves wrong bytes for `bytes=-N` and `bytes=0-0` and throws after the
 * headers are written for `bytes=5-2`, which a page's fetch() could use to hang a request or crash the
 * render process. `send` takes one path, parses ranges properly and reports errors as events.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import http from "node:http";
import path from "node:path";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import send from "send";
import { resolveProjectUrl } from "../compose/files.js";

const require = createRequire(import.meta.url);

/** A request the render refused: the render fails with the list (see render.ts). */
export interface Refusal {
  /** network: a URL not served by the render server; outside / secret: a project path that is not the project's to serve */
  kind: "network" | "outside" | "secret";
  url: string;
  /** how it was asked for (resource type, CSP directive, worker kind) */
  via?: string;
}

/** Where CSP violation reports go (the browser sends them; page scripts cannot stop it). */
export const CSP_REPORT_PATH = "/__hf/csp-report";
/** The installed gsap package's dist files (CDN gsap script tags are rewritten to this). */
export const GSAP_ROUTE = "/__hf/lib/gsap/";
/** Pre-extracted video frames: /__hf/frames/<key>/<n>.<jpg|png>. */
export const FRAMES_ROUTE = "/__hf/frames/";

const TEXT = "text/plain; charset=utf-8";
const JS = "text/javascript; charset=utf-8";
const NO_STORE = "no-store";
/** Frames never change during a render. */
const FRAME_CACHE = "max-age=3600";

/** What the routes need from the server. */
export interface RouteContext {
  /** the project folder, real path */
  rootReal: string;
  /** video key → folder of its extracted frames */
  frames: ReadonlyMap<string, string>;
  refuse(r: Refusal): void;
}

/** Answer with a small in-memory body (never cached). */
export function replyText(res: ServerResponse, status: number, body: string | Buffer, type = TEXT): void {
  res.writeHead(status, { "content-type": type, "cache-control": NO_STORE });
  res.end(body);
}

/**
 * Stream `rel` (a path under `root` in the platform's separators, not encoded) with `send`:
 * Range, HEAD, MIME type and length are its job; `cacheControl` is ours. Nothing is looked up: a missing
 * file or a folder is a 404.
 */
export function sendFile(req: IncomingMessage, res: ServerResponse, root: string, rel: string, cacheControl: string): void {
  const urlPath = "/" + rel.split(path.sep).map(encodeURIComponent).join("/");
  res.setHeader("cache-control", cacheControl);
  send(req, urlPath, { root, dotfiles: "allow", index: false, extensions: false, etag: false, lastModified: false, cacheControl: false })
    .on("directory", () => replyText(res, 404, "not found"))
    .on("error", (err: { status?: number; headers?: Record<string, string> }) => {
      if (res.headersSent) return void res.destroy();
      for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
      const status = err.status ?? 500;
      replyText(res, status, (http.STATUS_CODES[status] ?? "error").toLowerCase());
    })
    .pipe(res);
}

/** POST /__hf/csp-report: record the URL a Content-Security-Policy violation report names, answer 204. */
export function receiveCspReport(req: IncomingMessage, res: ServerResponse, refuse: (r: Refusal) => void): void {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => {
    if (body.length < 65536) body += c;
  });
  req.on("end", () => {
    try {
      const rep = (JSON.parse(body) as { "csp-report"?: Record<string, string> })["csp-report"];
      const url = rep?.["blocked-uri"];
      if (url && !/^(data|blob|about):/i.test(url)) refuse({ kind: "network", url, via: `Content-Security-Policy ${rep["effective-directive"] ?? rep["violated-directive"] ?? ""}`.trim() });
    } catch {
      /* not a report */
    }
    res.writeHead(204).end();
  });
}

/**
 * Service and shared workers are targets of their own, outside the capture pages' request interception:
 * their scripts are refused (403, recorded). True when the request was answered.
 */
export function refuseWorkerScript(req: IncomingMessage, res: ServerResponse, urlPath: string, refuse: (r: Refusal) => void): boolean {
  const dest = req.headers["sec-fetch-dest"];
  if (dest !== "serviceworker" && dest !== "sharedworker") return false;
  refuse({ kind: "network", url: urlPath, via: `${dest === "serviceworker" ? "service" : "shared"} worker script: not allowed in renders` });
  replyText(res, 403, "forbidden: service and shared workers are not allowed in renders");
  return true;
}

/** GET /__hf/lib/gsap/<file>: that file of the installed gsap package's dist folder. */
export function serveGsapLib(res: ServerResponse, urlPath: string): void {
  const name = path.basename(urlPath);
  let file: string;
  try {
    file = require.resolve(`gsap/dist/${name}`);
  } catch {
    return replyText(res, 404, "not found");
  }
  replyText(res, 200, readFileSync(file), JS);
}

/** GET /__hf/frames/<key>/<n>.<jpg|png>: one extracted frame of a video registered with addFrames. */
export function serveFrame(req: IncomingMessage, res: ServerResponse, urlPath: string, frames: ReadonlyMap<string, string>): void {
  const [key, fileName] = urlPath.slice(FRAMES_ROUTE.length).split("/");
  const dir = key ? frames.get(key) : undefined;
  if (!dir || !fileName || !/^\d+\.(jpg|png)$/.test(fileName)) return replyText(res, 404, "not found");
  sendFile(req, res, dir, fileName, FRAME_CACHE);
}

/**
 * Any other GET/HEAD: a project file, if `resolveProjectUrl` approves it. Files outside the project
 * (`..`, symlinks out) and `.env*` files are refused with 403 and recorded; only the real file the check
 * returned is handed to `send`.
 */
export function serveProjectFile(req: IncomingMessage, res: ServerResponse, urlPath: string, ctx: RouteContext): void {
  const r = resolveProjectUrl(ctx.rootReal, urlPath);
  if (r.status === "forbidden") {
    ctx.refuse({ kind: r.reason, url: urlPath, via: String(req.headers["sec-fetch-dest"] ?? "") || undefined });
    return replyText(res, 403, r.reason === "secret" ? "forbidden: .env files are never served" : "forbidden: outside the project folder");
  }
  if (r.status !== "ok" || !statSync(r.file).isFile()) return replyText(res, 404, "not found");
  sendFile(req, res, ctx.rootReal, path.relative(ctx.rootReal, r.file), NO_STORE);
}
