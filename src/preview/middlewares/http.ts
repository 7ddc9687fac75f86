/**
 * What every middleware of `hyperframes dev` shares (plugin.ts wires them, in order):
 *  - the server's context: the project, its name, the per-server token, render jobs and snapshots;
 *  - the request as a route sees it: the parsed URL, the decoded path and the method;
 *  - the answers: every one of ours is `Cache-Control: no-store`, JSON errors carry the typed error's JSON;
 *  - request bodies, read up to 1 MiB;
 *  - the wrapper that makes an async route a Connect middleware: a thrown error becomes a 500 JSON answer (or
 *    ends a response already started), never an unhandled rejection.
 * Security rules are not here: security.ts answers first, and gives the state-changing routes their check.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { statSync } from "node:fs";
import type { Connect, ViteDevServer } from "vite";
import { isHyperframesError } from "../../errors.js";
import { decodeUrlPath, resolveProjectUrl } from "../../compose/files.js";
import type { RenderJobs } from "../render-jobs.js";
import type { Snapshots } from "../snapshots.js";

/** One preview server's state, handed to every middleware. */
export interface PreviewContext {
  server: ViteDevServer;
  /** absolute project directory */
  project: string;
  /** the project folder's name (shown by the player) */
  projectName: string;
  /** the per-server token the player sends with state-changing requests */
  token: string;
  /** the configured --host, accepted in Host headers besides loopback */
  host?: string;
  jobs: RenderJobs;
  snapshots: Snapshots;
}

/** A request as the routes see it. */
export interface PreviewRequest {
  url: URL;
  /** the URL's path, percent-decoded */
  path: string;
  method: string;
}

/** The request's URL and decoded path; undefined when the URL does not parse (the security gate answers 400). */
export function parseRequest(req: IncomingMessage): PreviewRequest | undefined {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://preview.local");
  } catch {
    return undefined;
  }
  // a stray % stays itself (a file may be called `50% off.png`), like the render server
  return { url, path: decodeUrlPath(url.pathname), method: req.method ?? "GET" };
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("Cache-Control", "no-store");
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body));
}

export function errorJson(e: unknown): Record<string, unknown> {
  if (isHyperframesError(e)) return { error: e.toJSON() };
  return { error: { code: "internal", message: (e as Error)?.message ?? String(e) } };
}

export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The project file a URL path (still percent-encoded: resolveProjectUrl decodes it once) maps to; undefined when
 * missing, outside the project or not a file.
 */
export function projectFile(project: string, urlPath: string): string | undefined {
  const r = resolveProjectUrl(project, urlPath);
  if (r.status !== "ok") return undefined;
  try {
    return statSync(r.file).isFile() ? r.file : undefined;
  } catch {
    return undefined;
  }
}

type AsyncHandler = (req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction) => Promise<void>;
export type PreviewRoute = (r: PreviewRequest, req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction) => Promise<void>;

/** An async handler as a Connect middleware: what it throws is answered with a 500 JSON error. */
export function asyncMiddleware(handle: AsyncHandler): Connect.NextHandleFunction {
  return (req, res, next) => {
    handle(req, res, next).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorJson(e));
      else res.end();
    });
  };
}

/** A route as a Connect middleware: it gets the parsed request, and calls `next` for requests it does not serve. */
export function routeMiddleware(route: PreviewRoute): Connect.NextHandleFunction {
  return asyncMiddleware(async (req, res, next) => {
    const r = parseRequest(req);
    // a path that does not decode never gets here: the security gate, first in line, answered 400
    if (!r) return next();
    return route(r, req, res, next);
  });
}
