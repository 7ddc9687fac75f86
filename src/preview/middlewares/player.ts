/**
 * The preview's own pages and assets (nothing here reads the project):
 *  - `GET /`, `/__hyperframes`, `/__hyperframes/`: the player page (it carries Vite's HMR token and the
 *    per-server API token, so only a page this server produced can change state);
 *  - `/__hyperframes/client.js`: the player's script (preview/client/, bundled on first use);
 *  - `/__hyperframes/fonts/<name>`: the fonts bundled with the package (404 for any other name);
 *  - `/__hyperframes/runtime.js`: the in-page runtime every composition page loads.
 * The security gate has already run (Host header, path sandbox); everything is `no-store`.
 */
import { readFileSync } from "node:fs";
import type { Connect } from "vite";
import { getRuntimeScript } from "../../compose/runtime-bundle.js";
import { bundledFontFile } from "../../render/fonts.js";
import { FONTS_URL, RUNTIME_URL } from "../compose-page.js";
import { getClientScript } from "../client-bundle.js";
import { playerPage } from "../player-page.js";
import { routeMiddleware, send, type PreviewContext } from "./http.js";

export function playerMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  return routeMiddleware(async ({ path: p, method }, _req, res, next) => {
    if (method === "GET" && (p === "/" || p === "/__hyperframes" || p === "/__hyperframes/")) {
      return send(res, 200, "text/html; charset=utf-8", playerPage({ projectName: ctx.projectName, wsToken: ctx.server.config.webSocketToken, apiToken: ctx.token }));
    }
    if (p === "/__hyperframes/client.js") {
      return send(res, 200, "text/javascript; charset=utf-8", await getClientScript());
    }
    if (p.startsWith(FONTS_URL)) {
      const file = bundledFontFile(p.slice(FONTS_URL.length));
      if (!file) return send(res, 404, "text/plain", "not found");
      return send(res, 200, file.endsWith(".woff2") ? "font/woff2" : "font/ttf", readFileSync(file));
    }
    if (p === RUNTIME_URL) {
      return send(res, 200, "text/javascript; charset=utf-8", getRuntimeScript());
    }
    return next();
  });
}
