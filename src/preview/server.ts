/**
 * `startPreview()`: the Vite dev server behind `hyperframes dev`, rooted at the project folder, with our
 * plugin (player UI, runtime injection, hot reload, draft renders). Binds to loopback unless told
 * otherwise; when the port is taken, Vite moves to the next free one and we report it.
 */
import { createServer, type ViteDevServer } from "vite";
import { statSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { UsageError } from "../errors.js";
import { hyperframesPreviewPlugin } from "./plugin.js";
import { discoverCompositions, type CompositionEntry } from "./project.js";
import { DEFAULT_PORT, DEFAULT_HOST } from "./defaults.js";
import { viteAllowedHosts } from "./guard.js";

export interface PreviewOptions {
  /** project folder (default: current directory) */
  project?: string;
  /** port to try first (default 3002); the next free one is used when it is taken */
  port?: number;
  /** interface to bind (default 127.0.0.1, loopback only) */
  host?: string;
  /** open the player in the default browser */
  open?: boolean;
  /** called with project-relative paths each time the preview is told to reload */
  onReload?: (files: string[]) => void;
  /** renders started from the preview may reach the network (default false, like `render`) */
  allowNetwork?: boolean;
}

export interface PreviewServer {
  /** URL of the player, e.g. http://localhost:3002/ */
  url: string;
  port: number;
  host: string;
  /** the port asked for; differs from `port` when it was taken */
  requestedPort: number;
  project: string;
  /** the entry compositions (top-level pages); the player's picker adds the sub-compositions */
  compositions: CompositionEntry[];
  vite: ViteDevServer;
  close(): Promise<void>;
}

export { DEFAULT_PORT, DEFAULT_HOST };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function displayUrl(host: string, port: number): string {
  if (LOOPBACK.has(host)) return `http://localhost:${port}/`;
  if (host === "0.0.0.0" || host === "::") return `http://localhost:${port}/`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
}

export async function startPreview(opts: PreviewOptions = {}): Promise<PreviewServer> {
  const project = path.resolve(opts.project ?? ".");
  let st;
  try {
    st = statSync(project);
  } catch {
    throw new UsageError("preview_project_missing", `project folder ${project} does not exist`, { hint: "pass the folder that holds index.html, e.g. `hyperframes dev my-video`" });
  }
  if (!st.isDirectory()) throw new UsageError("preview_project_not_dir", `${project} is not a folder`, { hint: "pass the project folder, not a file" });
  const all = discoverCompositions(project);
  // the entries (the player also lists the sub-compositions, which open alone)
  const compositions = all.filter((c) => c.kind === "entry");
  if (!all.length)
    throw new UsageError("preview_no_composition", `no composition found in ${project}`, {
      hint: "add an index.html whose <body> holds an element with data-composition-id (or run `hyperframes init`)",
    });
  const requestedPort = opts.port ?? DEFAULT_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535)
    throw new UsageError("preview_bad_port", `--port ${opts.port} is not a valid port`, { hint: "use a number between 1 and 65535" });
  const host = opts.host ?? DEFAULT_HOST;

  const plugin = hyperframesPreviewPlugin({ project, onReload: opts.onReload, host, allowNetwork: opts.allowNetwork });
  const cacheKey = createHash("sha1").update(project).digest("hex").slice(0, 10);
  // Vite exits the whole process on SIGTERM / stdin end; as a library we leave that to the caller
  const sigtermBefore = new Set(process.listeners("SIGTERM"));
  const stdinEndBefore = new Set(process.stdin.listeners("end"));
  const vite = await createServer({
    root: project,
    configFile: false,
    envDir: false,
    publicDir: false,
    logLevel: "warn",
    clearScreen: false,
    cacheDir: path.join(tmpdir(), "hyperframes-vite", cacheKey),
    optimizeDeps: { noDiscovery: true, include: [] },
    server: {
      port: requestedPort,
      host,
      strictPort: false,
      open: false,
      fs: { strict: true, allow: [project] },
      // Host headers Vite itself accepts (its websocket included); the plugin's guard applies the same rule first
      allowedHosts: viteAllowedHosts(host),
    },
    plugins: [plugin],
  });
  for (const l of process.listeners("SIGTERM")) if (!sigtermBefore.has(l)) process.off("SIGTERM", l);
  for (const l of process.stdin.listeners("end")) if (!stdinEndBefore.has(l)) process.stdin.off("end", l as () => void);
  try {
    await vite.listen();
  } catch (e) {
    await vite.close().catch(() => {});
    throw new UsageError("preview_listen_failed", `could not listen on ${host}:${requestedPort}: ${(e as Error).message}`, {
      hint: "pick another --port or --host",
      cause: e,
    });
  }
  const addr = vite.httpServer?.address() as AddressInfo | null;
  const port = addr?.port ?? requestedPort;
  const url = displayUrl(host, port);
  if (opts.open) vite.openBrowser();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    host,
    requestedPort,
    project,
    compositions,
    vite,
    close() {
      closing ??= (async () => {
        await plugin.api.jobs.closeAll();
        await vite.close();
      })();
      return closing;
    },
  };
}
