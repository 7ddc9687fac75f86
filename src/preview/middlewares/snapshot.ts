/**
 * `/__hyperframes/snapshot` (state-changing: refused with 403 unless the player's own, security.ts): a PNG
 * still of one frame of an entry composition, with the player's variables, saved by ../snapshots.ts.
 * 400 `preview_unknown_composition` for anything but an entry composition of the project (sub-compositions
 * are taken with the page that mounts them) and for a bad body; 409 while another snapshot is being taken.
 */
import type { Connect } from "vite";
import { isHyperframesError } from "../../errors.js";
import { discoverCompositions } from "../project.js";
import { errorJson, readBody, routeMiddleware, sendJson, type PreviewContext } from "./http.js";
import { refuseStateChange } from "./security.js";

export function snapshotMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  return routeMiddleware(async ({ path: p }, req, res, next) => {
    if (p !== "/__hyperframes/snapshot") return next();
    if (refuseStateChange(ctx, req, res, "snapshot", "take snapshots from the preview page itself")) return;
    try {
      const body = JSON.parse((await readBody(req)) || "{}") as { composition?: unknown; variables?: unknown; frame?: unknown };
      const known = discoverCompositions(ctx.project).find((c) => c.file === body.composition);
      if (!known || known.kind !== "entry")
        return sendJson(res, 400, { error: { code: "preview_unknown_composition", message: `${String(body.composition)} is not an entry composition of this project`, hint: "snapshots are taken of a page (sub-compositions with the page that mounts them)" } });
      const vars = body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : undefined;
      return sendJson(res, 200, await ctx.snapshots.take({ composition: known.file, variables: vars, frame: Number(body.frame) }));
    } catch (e) {
      return sendJson(res, isHyperframesError(e) && e.code === "snapshot_busy" ? 409 : 400, errorJson(e));
    }
  });
}
