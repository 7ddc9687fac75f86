/**
 * The renders folder as the player's history (../render-history.ts):
 *  - `GET /__hyperframes/renders`: the finished renders and the running job (or null);
 *  - `/__hyperframes/renders/delete` (state-changing: refused with 403 unless the player's own, security.ts):
 *    deletes one render named by `{ file }`; 404 when it is not there, 400 for any other refusal (a name
 *    outside the renders folder, a bad body).
 */
import type { Connect } from "vite";
import { isHyperframesError } from "../../errors.js";
import { deleteRender, listRenders } from "../render-history.js";
import { errorJson, readBody, routeMiddleware, sendJson, type PreviewContext } from "./http.js";
import { refuseStateChange } from "./security.js";

export function renderHistoryMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  const { project, jobs } = ctx;
  return routeMiddleware(async ({ path: p, method }, req, res, next) => {
    if (p === "/__hyperframes/renders" && method === "GET") return sendJson(res, 200, { renders: listRenders(project), running: jobs.running() ?? null });
    if (p !== "/__hyperframes/renders/delete") return next();
    if (refuseStateChange(ctx, req, res, "delete", "delete renders from the preview page itself")) return;
    try {
      const body = JSON.parse((await readBody(req)) || "{}") as { file?: unknown };
      return sendJson(res, 200, { deleted: deleteRender(project, body.file) });
    } catch (e) {
      return sendJson(res, isHyperframesError(e) && e.code === "preview_render_missing" ? 404 : 400, errorJson(e));
    }
  });
}
