/**
 * Project scripts loaded by a classic `<script src>` (a `GET` with `Sec-Fetch-Dest: script` and
 * `Sec-Fetch-Mode: no-cors`): the file is streamed as written (.js, .mjs, .cjs, .ts as JavaScript, .json as
 * JSON), because Vite would transform it as an ES module. Module scripts, other types and files that are not
 * there go on to Vite. Only project files (the path sandbox has already run, and the path is resolved again
 * inside the project here); `no-store` like every answer of ours.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import type { Connect } from "vite";
import { projectFile, routeMiddleware, type PreviewContext } from "./http.js";

const CLASSIC_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".ts": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

export function classicScriptsMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  return routeMiddleware(async ({ url, method }, req, res, next) => {
    // classic <script src> (no-cors fetch): serve the file as written; module scripts go through Vite
    if (method === "GET" && req.headers["sec-fetch-dest"] === "script" && req.headers["sec-fetch-mode"] === "no-cors") {
      const file = projectFile(ctx.project, url.pathname);
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
  });
}
