/**
 * Draft renders started from the player (../render-jobs.ts runs them, one at a time):
 *  - `POST /__hyperframes/render` (state-changing: 403 unless the player's own, security.ts): starts a render
 *    of an entry composition of the project with the player's variables and settings → 202 and the job;
 *    400 for an unknown composition, a sub-composition or a bad body, 409 while another render runs;
 *  - `/__hyperframes/render/<id>`: the job's state (404 `preview_unknown_render` for an unknown id, checked
 *    before anything else);
 *  - `/__hyperframes/render/<id>/events`: the same state as server-sent events until the job ends;
 *  - `/__hyperframes/render/<id>/cancel` (state-changing, same check as starting one): cancels it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Connect } from "vite";
import { isHyperframesError } from "../../errors.js";
import { discoverCompositions } from "../project.js";
import { renderSettings, type RenderJobRequest, type RenderJobState } from "../render-jobs.js";
import { errorJson, readBody, routeMiddleware, sendJson, type PreviewContext } from "./http.js";
import { refuseStateChange } from "./security.js";

const JOB_ROUTE = /^\/__hyperframes\/render\/([\w-]+)(\/events|\/cancel)?$/;

export function renderJobsMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  return routeMiddleware(async ({ path: p, method }, req, res, next) => {
    if (p === "/__hyperframes/render" && method === "POST") return startRender(ctx, req, res);
    const m = JOB_ROUTE.exec(p);
    if (!m) return next();
    const job = ctx.jobs.get(m[1]!);
    if (!job) return sendJson(res, 404, { error: { code: "preview_unknown_render", message: `no render ${m[1]}` } });
    if (m[2] === "/cancel") {
      if (refuseStateChange(ctx, req, res, "cancel", "cancel renders from the preview page itself")) return;
      ctx.jobs.cancel(job.id);
      return sendJson(res, 200, job);
    }
    if (m[2] === "/events") return streamRenderEvents(ctx, job, req, res);
    return sendJson(res, 200, job);
  });
}

async function startRender(ctx: PreviewContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (refuseStateChange(ctx, req, res, "render", "start renders from the preview page itself")) return;
  try {
    const body = JSON.parse((await readBody(req)) || "{}") as Partial<RenderJobRequest>;
    const composition = typeof body.composition === "string" ? body.composition : "index.html";
    const known = discoverCompositions(ctx.project).find((c) => c.file === composition);
    if (!known) return sendJson(res, 400, { error: { code: "preview_unknown_composition", message: `${composition} is not a composition of this project` } });
    if (known.kind === "sub")
      return sendJson(res, 400, {
        error: { code: "preview_render_sub_composition", message: `${composition} is a sub-composition: it renders as part of the page that mounts it`, hint: "open an entry composition (e.g. index.html) to render" },
      });
    const job = ctx.jobs.start({
      composition,
      variables: body.variables && typeof body.variables === "object" ? body.variables : undefined,
      ...renderSettings(body),
    });
    return sendJson(res, 202, job);
  } catch (e) {
    return sendJson(res, isHyperframesError(e) && e.code === "render_busy" ? 409 : 400, errorJson(e));
  }
}

/** The job's state now, then each change, as server-sent events; the stream ends with the job (or the client). */
function streamRenderEvents(ctx: PreviewContext, job: RenderJobState, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" });
  const push = (s: RenderJobState) => res.write(`data: ${JSON.stringify(s)}\n\n`);
  push(job);
  if (job.status !== "running") return void res.end();
  const off = ctx.jobs.subscribe(job.id, (s) => {
    push(s);
    if (s.status !== "running") {
      off();
      res.end();
    }
  });
  req.on("close", off);
}
