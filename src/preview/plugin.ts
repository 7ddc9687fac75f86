/**
 * The Vite plugin behind `hyperframes dev`. It owns no route itself: it wires the middlewares of
 * middlewares/ in front of Vite's own, in this order (each file's header says what it serves and its rules):
 *   security.ts        the gate, before everything (ours and Vite's): 400 for an undecodable path, 403 for a
 *                      foreign Host header and for paths leading outside the project or to `.env*` (guard.ts);
 *                      state-changing routes below refuse requests that are not the player's own
 *   player.ts          the player page at `/` (and `/__hyperframes/`), its script, the bundled fonts, the runtime
 *   project-api.ts     `/__hyperframes/api/project` (picker, size, variables, static clips, lint findings)
 *   render-history.ts  `/__hyperframes/renders` (list) and `/__hyperframes/renders/delete`
 *   snapshot.ts        `/__hyperframes/snapshot` (a PNG still of one frame)
 *   render-jobs.ts     `POST /__hyperframes/render` and `/__hyperframes/render/<id>` (state, SSE events, cancel)
 *   composition.ts     project `.html`: compositions with the runtime injected (`?hf-vars=`), `?hf-solo`
 *                      sub-compositions, other HTML as written
 *   classic-scripts.ts classic `<script src>` project files as written (Vite would transform them as modules)
 * and everything else goes on to Vite. Every file change in the project becomes one `hf:reload` HMR event
 * (reload.ts; Vite's own HMR is switched off, so the player decides: it reloads the iframe and restores the
 * time and variables).
 */
import type { Plugin } from "vite";
import path from "node:path";
import { PARTIAL_OUTPUT_GLOBS } from "../render/temp-files.js";
import { RenderJobs } from "./render-jobs.js";
import { Snapshots } from "./snapshots.js";
import { newServerToken } from "./guard.js";
import { IGNORED_DIRS, watchForReload } from "./reload.js";
import type { PreviewContext } from "./middlewares/http.js";
import { securityMiddleware } from "./middlewares/security.js";
import { playerMiddleware } from "./middlewares/player.js";
import { projectApiMiddleware } from "./middlewares/project-api.js";
import { renderHistoryMiddleware } from "./middlewares/render-history.js";
import { snapshotMiddleware } from "./middlewares/snapshot.js";
import { renderJobsMiddleware } from "./middlewares/render-jobs.js";
import { compositionMiddleware } from "./middlewares/composition.js";
import { classicScriptsMiddleware } from "./middlewares/classic-scripts.js";

export { IGNORED_DIRS, isIgnored } from "./reload.js";

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

export function hyperframesPreviewPlugin(opts: PreviewPluginOptions): Plugin & { api: PreviewPluginApi } {
  const project = path.resolve(opts.project);
  const projectName = path.basename(project);
  const jobs = new RenderJobs(project, { allowNetwork: opts.allowNetwork });
  const debounce = opts.reloadDebounceMs ?? 60;
  const token = newServerToken();
  const snapshots = new Snapshots(project, { allowNetwork: opts.allowNetwork });

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
      const ctx: PreviewContext = { server, project, projectName, token, host: opts.host, jobs, snapshots };
      // order matters: the security gate first, then our routes; what none of them serves goes on to Vite
      for (const middleware of [
        securityMiddleware,
        playerMiddleware,
        projectApiMiddleware,
        renderHistoryMiddleware,
        snapshotMiddleware,
        renderJobsMiddleware,
        compositionMiddleware,
        classicScriptsMiddleware,
      ])
        server.middlewares.use(middleware(ctx));
      watchForReload(server, project, debounce, (files) => opts.onReload?.(files));
    },
  };
}
