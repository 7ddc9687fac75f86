/**
 * The render file server: bound to 127.0.0.1 on a free port, serves only the project folder (no path
 * traversal, no symlink escape, no `.env*`: compose/files.ts `resolveProjectUrl`), compiles + injects the
 * runtime into the entry HTML, answers CDN gsap requests from the installed gsap package (so such
 * compositions render offline), and serves pre-extracted video frames under /__hf/frames/.
 *
 * It answers only requests addressed to itself (Host 127.0.0.1:<port>: no DNS rebinding) and records what it
 * refused (`refusals`): files outside the project, and — with `blockNetwork` — the network requests the
 * page's Content-Security-Policy stopped (WebSockets; the capture pages' request interception stops the rest).
 *
 * This file holds the lifecycle (compile the entry, listen, close) and the dispatch in front of the routes:
 * Host check, CSP header, CSP reports, GET/HEAD only, no worker scripts. The routes, and why files are
 * streamed by the `send` package, are in server-routes.ts.
 */
import http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { realpathSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { compileComposition } from "../compose/compile.js";
import type { InjectOptions } from "../compose/inject.js";
import { assemblePage } from "../compose/page.js";
import { fontServiceUse, fontServiceWarning } from "../compose/fonts/font-services.js";
import { GSAP_CDN_RE, resolveProjectUrl } from "../compose/files.js";
import {
  CSP_REPORT_PATH,
  FRAMES_ROUTE,
  GSAP_ROUTE,
  receiveCspReport,
  refuseWorkerScript,
  replyText,
  serveFrame,
  serveGsapLib,
  serveProjectFile,
  type Refusal,
  type RouteContext,
} from "./server-routes.js";

export { CSP_REPORT_PATH, type Refusal } from "./server-routes.js";

/** Rewrite `<script src="https://cdn…/gsap…">` to the local copy; returns the new html and the URLs rewritten. */
export function localiseGsap(html: string): { html: string; rewritten: string[] } {
  const rewritten: string[] = [];
  const out = html.replace(/(<script\b[^>]*\bsrc\s*=\s*)(["'])([^"']+)\2/gi, (m, pre: string, q: string, url: string) => {
    const hit = GSAP_CDN_RE.exec(url.trim());
    if (!hit) return m;
    rewritten.push(url);
    return `${pre}${q}${GSAP_ROUTE}${hit[1]}${q}`;
  });
  return { html: out, rewritten };
}

/** Resolve a URL path inside root; undefined if it is missing, escapes (.., symlinks) or is a secret (.env*). */
export function safeResolve(rootReal: string, urlPath: string): string | undefined {
  const r = resolveProjectUrl(rootReal, urlPath);
  return r.status === "ok" ? r.file : undefined;
}

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
  /** a font service's sheet the page asked for and did not get (warned about once per URL) */
  noteFontService(url: string): void;
  close(): Promise<void>;
}

/** What the dispatch needs besides the routes' context. */
interface ServerState extends RouteContext {
  /** `127.0.0.1:<port>`, once listening: the only Host answered */
  selfHost: string;
  /** URL path of the entry page (`/` answers it too) */
  entryPath: string;
  blockNetwork: boolean;
  /** the compiled entry page (compiled once) */
  entryHtml(): string;
}

/** Warns, once per URL, about the families a font service's sheet asks for that have no bundled face. */
function fontServiceNotes(opts: RenderServerOptions): (url: string) => void {
  const seen = new Set<string>();
  return (url) => {
    if (seen.has(url)) return;
    seen.add(url);
    const w = fontServiceWarning(opts.entry, [fontServiceUse(url)]);
    if (w) opts.onWarning?.(w);
  };
}

/** The compiled entry page, with CDN gsap rewritten to the local copy (warned about once per URL). */
function entryCompiler(rootReal: string, opts: RenderServerOptions, noteFontService: (url: string) => void): () => string {
  let compiled: string | undefined;
  const warned = new Set<string>();
  return () => {
    if (compiled) return compiled;
    const { html, lineMap } = compileComposition(rootReal, opts.entry);
    const loc = localiseGsap(html);
    for (const u of loc.rewritten) {
      if (!warned.has(u)) {
        warned.add(u);
        opts.onWarning?.(`${opts.entry} loads GSAP from ${u}; rendering with the installed gsap package instead (no network needed)`);
      }
    }
    const page = assemblePage(loc.html, { inject: { ...opts.inject, lineMap }, keepFontServices: opts.blockNetwork === false });
    for (const u of page.fontServices) noteFontService(u.url);
    compiled = page.html;
    return compiled;
  };
}

/** One request: the checks every request passes, then the route its path names. */
function dispatch(req: IncomingMessage, res: ServerResponse, s: ServerState): void {
  const urlPath = (req.url ?? "/").split("?")[0]!;
  if (s.blockNetwork) res.setHeader("content-security-policy", RENDER_CSP);
  // only requests for this server by its own address (a page elsewhere cannot use DNS rebinding to read the project)
  if (req.headers.host !== s.selfHost) return replyText(res, 403, "forbidden host");
  if (req.method === "POST" && urlPath === CSP_REPORT_PATH) return receiveCspReport(req, res, s.refuse);
  if (req.method !== "GET" && req.method !== "HEAD") return replyText(res, 405, "method not allowed");
  if (refuseWorkerScript(req, res, urlPath, s.refuse)) return;
  if (urlPath === "/" || urlPath === s.entryPath) return replyText(res, 200, s.entryHtml(), "text/html; charset=utf-8");
  if (urlPath.startsWith(GSAP_ROUTE)) return serveGsapLib(res, urlPath);
  if (urlPath.startsWith(FRAMES_ROUTE)) return serveFrame(req, res, urlPath, s.frames);
  serveProjectFile(req, res, urlPath, s);
}

export async function startRenderServer(opts: RenderServerOptions): Promise<RenderServer> {
  const rootReal = realpathSync(opts.projectDir);
  const frames = new Map<string, string>();
  const refusals: Refusal[] = [];
  const noteFontService = fontServiceNotes(opts);
  const s: ServerState = {
    rootReal,
    frames,
    selfHost: "",
    entryPath: "/" + opts.entry.split(path.sep).join("/"),
    blockNetwork: opts.blockNetwork !== false,
    entryHtml: entryCompiler(rootReal, opts, noteFontService),
    refuse(r) {
      if (!refusals.some((x) => x.kind === r.kind && x.url === r.url)) refusals.push(r);
    },
  };
  const server = http.createServer((req, res) => {
    try {
      dispatch(req, res, s);
    } catch (e) {
      if (res.headersSent) res.destroy();
      else replyText(res, 500, String((e as Error).message));
    }
  });
  // fail fast on compile errors (missing sub-composition etc.) before any browser work
  s.entryHtml();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.keepAliveTimeout = 5000;
  s.selfHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${s.selfHost}`;
  return {
    url,
    entryUrl: url + s.entryPath,
    addFrames(key, dir) {
      frames.set(key, dir);
      return `${FRAMES_ROUTE}${key}/`;
    },
    refusals,
    refuse: s.refuse,
    noteFontService,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
