/**
 * Hot reload for `hyperframes dev`: every file change in the project (change, add, unlink) is grouped over a
 * short debounce into one `hf:reload` custom HMR event carrying the project-relative paths. Vite's own HMR is
 * switched off (plugin.ts), so the player decides: it reloads the iframe and restores time and variables.
 * Output folders, node_modules, .git and partial render outputs (render/temp-files.ts naming) never reload.
 */
import path from "node:path";
import type { ViteDevServer } from "vite";
import { isPartialOutputName } from "../render/temp-files.js";

/** Directories whose changes never reload the preview (render outputs, temp files). */
export const IGNORED_DIRS = ["renders", "node_modules", ".git"];

/** Paths the preview never reloads for: output folders and partial outputs (temp-files.ts naming). */
export function isIgnored(rel: string): boolean {
  const first = rel.split("/")[0] ?? "";
  return IGNORED_DIRS.includes(first) || rel.split("/").some(isPartialOutputName);
}

/** Sends `hf:reload` for the project's file events, `debounceMs` after the last one; `onReload` gets the same paths. */
export function watchForReload(server: ViteDevServer, project: string, debounceMs: number, onReload?: (files: string[]) => void): void {
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
      onReload?.(files);
    }, debounceMs);
  };
  server.watcher.on("change", onFile);
  server.watcher.on("add", onFile);
  server.watcher.on("unlink", onFile);
  server.httpServer?.once("close", () => clearTimeout(timer));
}
