/**
 * The Vite plugin behind `hyperframes dev`:
 *  - serves the player UI at `/` (and `/__hyperframes/`), its script, and the in-page runtime;
 *  - serves each top-level composition HTML with the runtime injected (variable overrides from `?hf-vars=`),
 *    sub-composition files and classic scripts untouched (Vite would otherwise transform them as modules);
 *  - answers `/__hyperframes/api/project` (picker, size, variables, static clips, lint findings);
 *  - runs draft renders (`POST /__hyperframes/render`, progress by polling or SSE);
 *  - turns every file change in the project into one `hf:reload` HMR event (Vite's own HMR is switched off,
 *    so the player decides: it reloads the iframe and restores the time and variables);
 *  - in front of everything (its own routes and Vite's): serves only the project and only to this machine's
 *    pages (guard.ts: 403 for paths leading outside the project and `.env*`, for foreign Host headers, and for
 *    render requests that are not the player's own).
 */
import type { Plugin, ViteDevServer } from "vite";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createReadStream, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { getRuntimeScript } from "../compose/runtime-bundle.js";
import { isHyperframesError } from "../errors.js";
import { buildCompositionPage, parseVarsParam, VARS_PARAM, FONTS_URL } from "./compose-page.js";
import { bundledFontFile } from "../render/fonts.js";
import { isPartialOutputName, PARTIAL_OUTPUT_GLOBS } from "../render/temp-files.js";
import { getClientScript } from "./client-bundle.js";
import { playerPage } from "./player-page.js";
import { describeComposition, describeForPreview, describeSubComposition, discoverCompositions, soloSource } from "./project.js";
import { SOLO_ENTRY, SOLO_PARAM } from "./solo.js";
import { RenderJobs, renderSettings, type RenderJobRequest } from "./render-jobs.js";
import { deleteRender, listRenders } from "./render-history.js";
import { Snapshots } from "./snapshots.js";
import { forbiddenPath, hostAllowed, newServerToken, PREVIEW_CSP_REPORT_ONLY, stateChangeRefusal } from "./guard.js";
import { resolveProjectUrl } from "../compose/files.js";

export interface PreviewPluginOptions {
  /** absolute project directory */
  project: string;
  /** called with project-relative paths whenever a reload is sent */
  onReload?: (files: string[]) => void;
  /** debounce for grouping file events into one reload, ms */
  reloadDebounceMs?: number;
  /** the interface the server is bound to (--host): its name is accepted in Host headers besides loopback */
  host?: string;
  /** draft renders may reach the network (default false) */
  allowNetwork?: boolean;
}

export interface PreviewPluginApi {
  jobs: RenderJobs;
  /** the per-server token the player sends with state-changing requests (header x-hyperframes-token) */
  token: string;
}

const CLASSIC_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".ts": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/** Directories whose changes never reload the preview (render outputs, temp files). */
export const IGNORED_DIRS = ["renders", "node_modules", ".git"];

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("Cache-Control", "no-store");
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body));
}

function errorJson(e: unknown): Record<string, unknown> {
  if (isHyperframesError(e)) return { error: e.toJSON() };
  return { error: { code: "internal", message: (e as Error)?.message ?? String(e) } };
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The project file a URL path (still percent-encoded) maps to; undefined when missing, outside the project or not a file. */
function projectFile(project: string, urlPath: string): string | undefined {
  const r = resolveProjectUrl(project, urlPath);
  if (r.status !== "ok") return undefined;
  try {
    return statSync(r.file).isFile() ? r.file : undefined;
  } catch {
    return undefined;
  }
}

/** Paths the preview never reloads for: output folders and partial outputs (temp-files.ts naming). */
export function isIgnored(rel: string): boolean {
  const first = rel.split("/")[0] ?? "";
  return IGNORED_DIRS.includes(first) || rel.split("/").some(isPartialOutputName);
}

export function hyperframesPreviewPlugin(opts: PreviewPluginOptions): Plugin & { api: PreviewPluginApi } {
  const project = path.resolve(opts.project);
  const projectName = path.basename(project);
  const jobs = new RenderJobs(project, { allowNetwork: opts.allowNetwork });
  const debounce = opts.reloadDebounceMs ?? 60;
  const token = newServerToken();
  const snapshots = new Snapshots(project);

  async function handle(server: ViteDevServer, req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): Promise<void> {
    const url = new URL(req.url ?? "/", "http://preview.local");
    let p: string;
    try {
      p = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, "text/plain", "bad URL");
    }
    const method = req.method ?? "GET";

    // to this machine's pages only, and only the project (before any route of ours or Vite's answers)
    if (!hostAllowed(req.headers.host, opts.host))
      return send(res, 403, "text/plain; charset=utf-8", `forbidden: this server answers to localhost, 127.0.0.1 and [::1]${opts.host ? ` (and ${opts.host})` : ""} only, not "${req.headers.host ?? ""}"`);
    const forbidden = forbiddenPath(project, url.pathname);
    if (forbidden) return send(res, 403, "text/plain; charset=utf-8", `forbidden: ${forbidden}; hyperframes dev serves only the project folder`);

    if (method === "GET" && (p === "/" || p === "/__hyperframes" || p === "/__hyperframes/")) {
      return send(res, 200, "text/html; charset=utf-8", playerPage({ projectName, wsToken: server.config.webSocketToken, apiToken: token }));
    }
    if (p === "/__hyperframes/client.js") {
      return send(res, 200, "text/javascript; charset=utf-8", await getClientScript());
    }
    if (p.startsWith(FONTS_URL)) {
      const file = bundledFontFile(p.slice(FONTS_URL.length));
      if (!file) return send(res, 404, "text/plain", "not found");
      return send(res, 200, file.endsWith(".woff2") ? "font/woff2" : "font/ttf", readFileSync(file));
    }
    if (p === "/__hyperframes/runtime.js") {
      return send(res, 200, "text/javascript; charset=utf-8", getRuntimeScript());
    }
    if (p === "/__hyperframes/api/project") {
      const compositions = discoverCompositions(project);
      const wanted = url.searchParams.get("comp");
      const comp = wanted ? compositions.find((c) => c.file === wanted) : (compositions.find((c) => c.kind === "entry") ?? compositions[0]);
      // a link to a composition that is not there says so (never another composition in its place)
      if (wanted && !comp)
        return sendJson(res, 404, {
          name: projectName,
          dir: project,
          compositions,
          composition: null,
          error: {
            code: "preview_unknown_composition",
            message: `${wanted} is not a composition of this project`,
            hint: compositions.length ? `pick one of: ${compositions.map((c) => c.file).join(", ")}` : "add an index.html with a data-composition-id root",
          },
        });
      const details = comp ? await describeForPreview(project, comp.file) : null;
      return sendJson(res, 200, { name: projectName, dir: project, compositions, composition: details });
    }
    if (p === "/__hyperframes/renders" && method === "GET") return sendJson(res, 200, { renders: listRenders(project), running: jobs.running() ?? null });
    if (p === "/__hyperframes/renders/delete") {
      const refusal = stateChangeRefusal(req, token);
      if (refusal) return sendJson(res, 403, { error: { code: "preview_forbidden", message: `delete request refused: ${refusal}`, hint: "delete renders from the preview page itself" } });
      try {
        const body = JSON.parse((await readBody(req)) || "{}") as { file?: unknown };
        return sendJson(res, 200, { deleted: deleteRender(project, body.file) });
      } catch (e) {
        return sendJson(res, isHyperframesError(e) && e.code === "preview_render_missing" ? 404 : 400, errorJson(e));
      }
    }
    if (p === "/__hyperframes/snapshot") {
      const refusal = stateChangeRefusal(req, token);
      if (refusal) return sendJson(res, 403, { error: { code: "preview_forbidden", message: `snapshot request refused: ${refusal}`, hint: "take snapshots from the preview page itself" } });
      try {
        const body = JSON.parse((await readBody(req)) || "{}") as { composition?: unknown; variables?: unknown; frame?: unknown };
        const known = discoverCompositions(project).find((c) => c.file === body.composition);
        if (!known || known.kind !== "entry")
          return sendJson(res, 400, { error: { code: "preview_unknown_composition", message: `${String(body.composition)} is not an entry composition of this project`, hint: "snapshots are taken of a page (sub-compositions with the page that mounts them)" } });
        const vars = body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : undefined;
        return sendJson(res, 200, await snapshots.take({ composition: known.file, variables: vars, frame: Number(body.frame) }));
      } catch (e) {
        return sendJson(res, isHyperframesError(e) && e.code === "snapshot_busy" ? 409 : 400, errorJson(e));
      }
    }
    if (p === "/__hyperframes/render" && method === "POST") {
      const refusal = stateChangeRefusal(req, token);
      if (refusal) return sendJson(res, 403, { error: { code: "preview_forbidden", message: `render request refused: ${refusal}`, hint: "start renders from the preview page itself" } });
      try {
        const body = JSON.parse((await readBody(req)) || "{}") as Partial<RenderJobRequest>;
        const composition = typeof body.composition === "string" ? body.composition : "index.html";
        const known = discoverCompositions(project).find((c) => c.file === composition);
        if (!known) return sendJson(res, 400, { error: { code: "preview_unknown_composition", message: `${composition} is not a composition of this project` } });
        if (known.kind === "sub")
          return sendJson(res, 400, {
            error: { code: "preview_render_sub_composition", message: `${composition} is a sub-composition: it renders as part of the page that mounts it`, hint: "open an entry composition (e.g. index.html) to render" },
          });
        const job = jobs.start({
          composition,
          variables: body.variables && typeof body.variables === "object" ? body.variables : undefined,
          ...renderSettings(body),
        });
        return sendJson(res, 202, job);
      } catch (e) {
        return sendJson(res, isHyperframesError(e) && e.code === "render_busy" ? 409 : 400, errorJson(e));
      }
    }
    const m = /^\/__hyperframes\/render\/([\w-]+)(\/events|\/cancel)?$/.exec(p);
    if (m) {
      const job = jobs.get(m[1]!);
      if (!job) return sendJson(res, 404, { error: { code: "preview_unknown_render", message: `no render ${m[1]}` } });
      if (m[2] === "/cancel") {
        const refusal = stateChangeRefusal(req, token);
        if (refusal) return sendJson(res, 403, { error: { code: "preview_forbidden", message: `cancel request refused: ${refusal}`, hint: "cancel renders from the preview page itself" } });
        jobs.cancel(job.id);
        return sendJson(res, 200, job);
      }
      if (m[2] === "/events") {
        res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" });
        const push = (s: typeof job) => res.write(`data: ${JSON.stringify(s)}\n\n`);
        push(job);
        if (job.status !== "running") return void res.end();
        const off = jobs.subscribe(job.id, (s) => {
          push(s);
          if (s.status !== "running") {
            off();
            res.end();
          }
        });
        req.on("close", off);
        return;
      }
      return sendJson(res, 200, job);
    }

    if ((method === "GET" || method === "HEAD") && p.toLowerCase().endsWith(".html")) {
      const file = projectFile(project, p);
      if (!file) return next();
      const html = readFileSync(file, "utf8");
      const rel = path.relative(project, file).split(path.sep).join("/");
      // top-level standalone compositions get the runtime; a sub-composition asked for alone (?hf-solo) gets the
      // page that hosts it (solo.ts); otherwise sub-compositions are served as written
      const entry = rel.includes("/") ? undefined : describeComposition(rel, html);
      const sub = !entry && url.searchParams.has(SOLO_PARAM) ? describeSubComposition(rel, html) : undefined;
      if (entry || sub) {
        try {
          const variables = parseVarsParam(url.searchParams.get(VARS_PARAM));
          const page = sub
            ? buildCompositionPage(soloSource(project, sub, html, variables), { project, entry: SOLO_ENTRY, variables, fps: sub.fps })
            : buildCompositionPage(html, { project, entry: rel, variables, fps: entry!.fps });
          // renders block the network: here requests are only reported (the bridge warns), not blocked
          res.setHeader("Content-Security-Policy-Report-Only", PREVIEW_CSP_REPORT_ONLY);
          return send(res, 200, "text/html; charset=utf-8", page);
        } catch (e) {
          return send(res, 500, "text/html; charset=utf-8", `<!doctype html><pre>${String((e as Error)?.message ?? e).replace(/</g, "&lt;")}</pre>`);
        }
      }
      return send(res, 200, "text/html; charset=utf-8", html);
    }

    // classic <script src> (no-cors fetch): serve the file as written; module scripts go through Vite
    if (method === "GET" && req.headers["sec-fetch-dest"] === "script" && req.headers["sec-fetch-mode"] === "no-cors") {
      const file = projectFile(project, p);
      const type = file ? CLASSIC_TYPES[path.extname(file).toLowerCase()] : undefined;
      if (file && type) {
        res.statusCode = 200;
        res.setHeader("Content-Type", type);
        res.setHeader("Cache-Control", "no-store");
        createReadStream(file).pipe(res);
        return;
      }
    }
    return next();
  }

  return {
    name: "hyperframes-preview",
    api: { jobs, token },
    config() {
      return {
        appType: "custom",
        server: { watch: { ignored: IGNORED_DIRS.filter((d) => d !== ".git").map((d) => `**/${d}/**`).concat(PARTIAL_OUTPUT_GLOBS) } },
      };
    },
    // Vite's own HMR would full-reload the player page for an .html change: we handle every change ourselves.
    hotUpdate() {
      return [];
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        handle(server, req, res, next).catch((e: unknown) => {
          if (!res.headersSent) sendJson(res, 500, errorJson(e));
          else res.end();
        });
      });
      let pending = new Set<string>();
      let timer: NodeJS.Timeout | undefined;
      const onFile = (file: string) => {
        const rel = path.relative(project, file).split(path.sep).join("/");
        if (rel.startsWith("..") || path.isAbsolute(rel) || isIgnored(rel)) return;
        pending.add(rel);
        clearTimeout(timer);
        timer = setTimeout(() => {
          const files = [...pending];
          pending = new Set();
          server.ws.send({ type: "custom", event: "hf:reload", data: { files, at: Date.now() } });
          opts.onReload?.(files);
        }, debounce);
      };
      server.watcher.on("change", onFile);
      server.watcher.on("add", onFile);
      server.watcher.on("unlink", onFile);
      server.httpServer?.once("close", () => clearTimeout(timer));
    },
  };
}

