/**
 * The render file server: bound to 127.0.0.1 on a free port, serves only the project folder (no path
 * traversal, no symlink escape), compiles + injects the runtime into the entry HTML, answers CDN gsap
 * requests from the installed gsap package (so such compositions render offline), and serves
 * pre-extracted video frames under /__hf/frames/.
 */
import http from "node:http";
import { createReadStream, existsSync, realpathSync, statSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { compileComposition } from "../compose/compile.js";
import type { InjectOptions } from "../compose/inject.js";
import { assemblePage } from "../compose/page.js";
import { RENDER_FONTS_URL, bundledFontFile } from "./fonts.js";

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

/** CDN URLs of GSAP we can answer from the installed package. */
const GSAP_CDN_RE = /^(?:https?:)?\/\/(?:cdn\.jsdelivr\.net\/npm\/gsap(?:@[^/]+)?\/dist\/|cdnjs\.cloudflare\.com\/ajax\/libs\/gsap\/[^/]+\/|unpkg\.com\/gsap(?:@[^/]+)?\/dist\/)([A-Za-z0-9_.-]+\.js)$/;

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

/** Resolve a URL path inside root; undefined if it escapes (.., symlinks) or does not exist. */
export function safeResolve(rootReal: string, urlPath: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return undefined;
  }
  if (rel.includes("\0")) return undefined;
  const candidate = path.resolve(rootReal, "." + path.posix.normalize("/" + rel));
  if (candidate !== rootReal && !candidate.startsWith(rootReal + path.sep)) return undefined;
  if (!existsSync(candidate)) return undefined;
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined;
  }
  if (real !== rootReal && !real.startsWith(rootReal + path.sep)) return undefined;
  return real;
}

export interface RenderServerOptions {
  projectDir: string;
  entry: string;
  inject: InjectOptions;
  /** called with warnings (e.g. CDN gsap answered locally) */
  onWarning?: (msg: string) => void;
}

export interface RenderServer {
  url: string;
  entryUrl: string;
  /** serve frames for a video key from a directory (files <n>.<ext>) */
  addFrames(key: string, dir: string): string;
  close(): Promise<void>;
}

export async function startRenderServer(opts: RenderServerOptions): Promise<RenderServer> {
  const rootReal = realpathSync(opts.projectDir);
  const frames = new Map<string, string>();
  const warned = new Set<string>();
  let compiled: string | undefined;
  const entryPath = "/" + opts.entry.split(path.sep).join("/");

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
    compiled = assemblePage(loc.html, { inject: { ...opts.inject, lineMap }, fontUrlPrefix: RENDER_FONTS_URL }).html;
    return compiled;
  };

  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? "/").split("?")[0]!;
    const send = (status: number, body: string | Buffer, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed");
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
      if (urlPath.startsWith(RENDER_FONTS_URL)) {
        const file = bundledFontFile(urlPath.slice(RENDER_FONTS_URL.length));
        if (!file) return send(404, "not found");
        res.writeHead(200, { "content-type": MIME[path.extname(file)] ?? "application/octet-stream", "cache-control": "max-age=3600" });
        return createReadStream(file).pipe(res);
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
      const file = safeResolve(rootReal, urlPath);
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
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    entryUrl: url + entryPath,
    addFrames(key, dir) {
      frames.set(key, dir);
      return `/__hf/frames/${key}/`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
