/**
 * `GET`/`HEAD` of a project `.html` file (the path sandbox has already run: only files inside the project):
 *  - a top-level standalone composition: the composition page (../compose-page.ts) with the runtime injected
 *    and the variables of `?hf-vars=` applied;
 *  - a sub-composition asked for alone (`?hf-solo`): the page that hosts it (../solo.ts);
 *  - any other HTML (sub-compositions, plain pages): as written.
 * Composition pages carry a report-only CSP: renders block the network, the preview only reports it (the
 * bridge warns). A page that fails to build is a 500 HTML page with the message (escaped). A path that is no
 * project file goes on to Vite (its 404).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Connect } from "vite";
import { buildCompositionPage, parseVarsParam, VARS_PARAM } from "../compose-page.js";
import { PREVIEW_CSP_REPORT_ONLY } from "../guard.js";
import { describeComposition, describeSubComposition, soloSource } from "../project.js";
import { SOLO_ENTRY, SOLO_PARAM } from "../solo.js";
import { projectFile, routeMiddleware, send, type PreviewContext } from "./http.js";

export function compositionMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  const { project } = ctx;
  return routeMiddleware(async ({ path: p, url, method }, _req, res, next) => {
    if (!((method === "GET" || method === "HEAD") && p.toLowerCase().endsWith(".html"))) return next();
    const file = projectFile(project, url.pathname);
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
  });
}

