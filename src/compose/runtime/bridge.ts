// The host bridge: errors located in the author's files, and messages to the parent frame (preview).
import { mapLine } from "../line-map.js";
import { cfg, errors, W, type AnyObj } from "./state.js";

/** The author's file and line of a line of this page (null: another file, or code the toolkit added). */
export function mapLocation(filename: string | undefined, line: number): { file: string; line: number } | null {
  if (!filename || filename.split("#")[0] !== location.href.split("#")[0]) return null;
  return mapLine(cfg.lineMap, line);
}
/** ` (index.html:12)`, ` (js/app.js:3)` for a script file of the project, or ` (in code added by hyperframes)`. */
export function whereText(filename: string | undefined, line: number): string {
  if (!filename) return "";
  const at = mapLocation(filename, line);
  if (at) return ` (${at.file}:${at.line})`;
  const isPage = filename.split("#")[0] === location.href.split("#")[0];
  if (isPage && cfg.lineMap) return " (in code added by hyperframes)";
  return ` (${filename.startsWith(location.origin + "/") ? filename.slice(location.origin.length + 1) : filename}:${line})`;
}
/** Where an error was thrown, as whereText gives it: its first stack frame in the author's page, else its first frame. */
export function whereThrown(err: unknown): string {
  const stack = String((err as { stack?: unknown })?.stack ?? "");
  const frames = [...stack.matchAll(/(https?:\/\/[^\s)]+):(\d+):\d+/g)];
  const own = frames.find((m) => mapLocation(m[1], Number(m[2])));
  const m = own ?? frames[0];
  return m ? whereText(m[1], Number(m[2])) : "";
}
export function postToParent(msg: AnyObj): void {
  try {
    if (window.parent && window.parent !== window) window.parent.postMessage({ source: "hf-preview", protocolVersion: 1, ...msg }, "*");
  } catch {
    /* cross-origin parent: ignore */
  }
}

/**
 * A body script runs when the runtime inserts it (script-gate.ts), so Chrome words its syntax errors as those of
 * the insertion ("Failed to execute 'replaceWith' on 'Element': Unexpected token"): say only what the author wrote.
 */
export function withoutInsertionContext(message: string): string {
  return message.replace(/Failed to execute 'replaceWith' on 'Element': /, "");
}

/** Window errors and unhandled rejections go to `errors` (and errors to the parent), with their place. */
export function installErrorReporting(): void {
  W.__hfMapLocation = mapLocation;
  W.__hfErrorMessage = withoutInsertionContext;
  window.addEventListener("error", (e) => {
    const where = whereText(e.filename, e.lineno);
    const message = withoutInsertionContext(e.message);
    const at = mapLocation(e.filename, e.lineno);
    errors.push(`${message}${where}`);
    postToParent({ type: "error", message: `${message}${where}`, file: at?.file, line: at?.line });
  });
  window.addEventListener("unhandledrejection", (e) => {
    const reason = (e as PromiseRejectionEvent).reason;
    errors.push(`Unhandled promise rejection: ${String(reason?.message ?? reason)}${whereThrown(reason)}`);
  });
}
