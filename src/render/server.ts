/**
 * The render file server: bound to 127.0.0.1 on a free port, serves only the project folder (no path
 * traversal, no symlink escape, no `.env*`: compose/files.ts `resolveProjectUrl`), compiles + injects the
 * runtime into the entry HTML, answers CDN gsap requests from the installed gsap package (so such
 * compositions render offline), and serves pre-extracted video frames under /__hf/frames/.
 *
 * It answers only requests addressed to itself (Host 127.0.0.1:<port>: no DNS rebinding) and records what it
 * refused (`refusals`): files outside the project, and — with `blockNetwork` — the network requests the
 * page's Content-Security-Policy stopped (WebSockets; the capture pages' request interception stops the rest).
 */
import http from "node:http";
import { createReadStream, existsSync, realpathSync, statSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { compileComposition } from "../compose/compile.js";
import type { InjectOptions } from "../compose/inject.js";
import { assemblePage } from "../compose/page.js";
import { GSAP_CDN_RE, resolveProjectUrl } from "../compose/files.js";

const require = createRequire(import.meta.url);

export const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mov": "video/quicktime",
  ".m4v": "video/mp4",
  ".mp3": "audio/mpeg",
  ".m4a": "audio/mp4",
  ".aac": "audio/aac",
  ".wav": "audio/wav",
  ".ogg": "audio/ogg",
  ".opus": "audio/ogg",
  ".flac": "audio/flac",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};


/** Rewrite `<script src="https://cdn…/gsap…">` to the local copy; returns the new html and the URLs rewritten. */
export function localiseGsap(html: string): { html: string; rewritten: string[] } {
  const rewritten: string[] = [];
  const out = html.replace(/(<script\b[^>]*\bsrc\s*=\s*)(["'])([^"']+)\2/gi, (m, pre: string, q: string, url: string) => {
    const hit = GSAP_CDN_RE.exec(url.trim());
    if (!hit) return m;
    rewritten.push(url);
    return `${pre}${q}/__hf/lib/gsap/${hit[1]}${q}`;
  });
  return { html: out, rewritten };
}

/** Resolve a URL path inside root; undefined if it is missing, escapes (.., symlinks) or is a secret (.env*). */
export function safeResolve(rootReal: string, urlPath: string): string | undefined {
  const r = resolveProjectUrl(rootReal, urlPath);
  return r.status === "ok" ? r.file : undefined;
}

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

/**
 * Page policy of a render with the network blocked. Only `connect-src` is set: it stops WebSocket
 * connections (which the capture pages' request interception never sees) to anything but this server,
 * and lets http(s) requests through to the interception, which blocks and lists them.
 */
export const RENDER_CSP = `connect-src 'self' http: https: data: blob:; report-uri ${CSP_REPORT_PATH}`;

export interface RenderServerOptions {
  projectDir: string;
  entry: string;
  inject: InjectOptions;
  /** called with warnings (e.g. CDN gsap answered locally) */
  onWarning?: (msg: string) => void;
  /** the render blocks the network (default true): pages get RENDER_CSP, violations are recorded */
  blockNetwork?: boolean;
}

export interface RenderServer {
  url: string;
  entryUrl: string;
  /** serve frames for a video key from a directory (files <n>.<ext>) */
  addFrames(key: string, dir: string): string;
  /** requests refused so far (in order, without duplicates) */
  readonly refusals: readonly Refusal[];
  /** record a refusal made elsewhere (the capture pages' request interception) */
  refuse(r: Refusal): void;
  close(): Promise<void>;
}

export async function startRenderServer(opts: RenderServerOptions): Promise<RenderServer> {
  const rootReal = realpathSync(opts.projectDir);
  const frames = new Map<string, string>();
  const warned = new Set<string>();
  let compiled: string | undefined;
  const entryPath = "/" + opts.entry.split(path.sep).join("/");
  const blockNetwork = opts.blockNetwork !== false;
  const refusals: Refusal[] = [];
  const refuse = (r: Refusal) => {
    if (!refusals.some((x) => x.kind === r.kind && x.url === r.url)) refusals.push(r);
  };
  let selfHost = "";

  const getEntryHtml = (): string => {
    if (compiled) return compiled;
    const { html, lineMap } = compileComposition(rootReal, opts.entry);
    const loc = localiseGsap(html);
    for (const u of loc.rewritten) {
      if (!warned.has(u)) {
        warned.add(u);
        opts.onWarning?.(`${opts.entry} loads GSAP from ${u}; rendering with the installed gsap package instead (no network needed)`);
      }
    }
    compiled = assemblePage(loc.html, { inject: { ...opts.inject, lineMap } }).html;
    return compiled;
  };

  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? "/").split("?")[0]!;
    if (blockNetwork) res.setHeader("content-security-policy", RENDER_CSP);
    const send = (status: number, body: string | Buffer, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    try {
      // only requests for this server by its own address (a page elsewhere cannot use DNS rebinding to read the project)
      if (req.headers.host !== selfHost) return send(403, "forbidden host");
      if (req.method === "POST" && urlPath === CSP_REPORT_PATH) {
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
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed");
      // service and shared workers are targets of their own, outside the capture pages' request interception
      const dest = req.headers["sec-fetch-dest"];
      if (dest === "serviceworker" || dest === "sharedworker") {
        refuse({ kind: "network", url: urlPath, via: `${dest === "serviceworker" ? "service" : "shared"} worker script: not allowed in renders` });
        return send(403, "forbidden: service and shared workers are not allowed in renders");
      }
      if (urlPath === "/" || urlPath === entryPath) return send(200, getEntryHtml(), MIME[".html"]);
      if (urlPath.startsWith("/__hf/lib/gsap/")) {
        const name = path.basename(urlPath);
        let file: string;
        try {
          file = require.resolve(`gsap/dist/${name}`);
        } catch {
          return send(404, "not found");
        }
        return send(200, readFileSync(file), MIME[".js"]);
      }
      if (urlPath.startsWith("/__hf/frames/")) {
        const [, , , key, fileName] = urlPath.split("/");
        const dir = key ? frames.get(key) : undefined;
        if (!dir || !fileName || !/^\d+\.(jpg|png)$/.test(fileName)) return send(404, "not found");
        const p = path.join(dir, fileName);
        if (!existsSync(p)) return send(404, "not found");
        res.writeHead(200, { "content-type": MIME[path.extname(p)]!, "cache-control": "max-age=3600" });
        return createReadStream(p).pipe(res);
      }
      const r = resolveProjectUrl(rootReal, urlPath);
      if (r.status === "forbidden") {
        refuse({ kind: r.reason, url: urlPath, via: String(req.headers["sec-fetch-dest"] ?? "") || undefined });
        return send(403, r.reason === "secret" ? "forbidden: .env files are never served" : "forbidden: outside the project folder");
      }
      const file = r.status === "ok" ? r.file : undefined;
      if (!file || !statSync(file).isFile()) return send(404, "not found");
      const ext = path.extname(file).toLowerCase();
      const size = statSync(file).size;
      const range = req.headers.range && /^bytes=(\d*)-(\d*)$/.exec(req.headers.range);
      const type = MIME[ext] ?? "application/octet-stream";
      if (range) {
        const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
        const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        res.writeHead(206, { "content-type": type, "content-range": `bytes ${start}-${end}/${size}`, "accept-ranges": "bytes", "content-length": end - start + 1 });
        return createReadStream(file, { start, end }).pipe(res);
      }
      res.writeHead(200, { "content-type": type, "content-length": size, "accept-ranges": "bytes", "cache-control": "no-store" });
      if (req.method === "HEAD") return res.end();
      createReadStream(file).pipe(res);
    } catch (e) {
      send(500, String((e as Error).message));
    }
  });
  // fail fast on compile errors (missing sub-composition etc.) before any browser work
  getEntryHtml();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  selfHost = `127.0.0.1:${port}`;
  const url = `http://${selfHost}`;
  return {
    url,
    entryUrl: url + entryPath,
    addFrames(key, dir) {
      frames.set(key, dir);
      return `/__hf/frames/${key}/`;
    },
    refusals,
    refuse,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
