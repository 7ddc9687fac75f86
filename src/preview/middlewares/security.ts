/**
 * The security gate, first in line: it runs before every route of ours and every one of Vite's (the rules
 * themselves are in ../guard.ts and compose/files.ts).
 *  - 400 `bad URL` for a URL that does not parse; a path with a stray `%` (a file called `50% off.png`) is
 *    re-encoded so Vite's own file serving finds the file too;
 *  - 403 for a Host header that does not name this machine (localhost, 127.0.0.1, [::1] or the configured
 *    --host): a DNS-rebinding page names its own domain;
 *  - 403 for a path that leads outside the project (symlinks followed, Vite's `/@fs/` routes included) or to
 *    a `.env*` file: `hyperframes dev` serves only the project folder.
 * `refuseStateChange` is the second rule, applied by each route that changes state (start or cancel a render,
 * delete a render, take a snapshot) at the point it did before the split: 403 `preview_forbidden` unless the
 * request is the player's own (same origin, `application/json`, the per-server token).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Connect } from "vite";
import { forbiddenPath, hostAllowed, stateChangeRefusal } from "../guard.js";
import { asyncMiddleware, parseRequest, send, sendJson, type PreviewContext } from "./http.js";

export function securityMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  return asyncMiddleware(async (req, res, next) => {
    const r = parseRequest(req);
    if (!r) return send(res, 400, "text/plain", "bad URL");
    if (!hostAllowed(req.headers.host, ctx.host))
      return send(res, 403, "text/plain; charset=utf-8", `forbidden: this server answers to localhost, 127.0.0.1 and [::1]${ctx.host ? ` (and ${ctx.host})` : ""} only, not "${req.headers.host ?? ""}"`);
    const forbidden = forbiddenPath(ctx.project, r.url.pathname);
    if (forbidden) return send(res, 403, "text/plain; charset=utf-8", `forbidden: ${forbidden}; hyperframes dev serves only the project folder`);
    if (/%(?![0-9A-Fa-f]{2})/.test(r.url.pathname)) req.url = r.path.split("/").map(encodeURIComponent).join("/") + r.url.search;
    return next();
  });
}

/**
 * For a state-changing route: true (and a 403 sent) when the request is not the player's own. `action` names
 * the request in the message (`render request refused: …`), `hint` says where to do it instead.
 */
export function refuseStateChange(ctx: PreviewContext, req: IncomingMessage, res: ServerResponse, action: string, hint: string): boolean {
  const refusal = stateChangeRefusal(req, ctx.token);
  if (!refusal) return false;
  sendJson(res, 403, { error: { code: "preview_forbidden", message: `${action} request refused: ${refusal}`, hint } });
  return true;
}
