/**
 * What `hyperframes dev` serves, and to whom:
 *  - only the project: every path whose real path (symlinks followed) is outside the project folder is
 *    refused with 403, Vite's own `/@fs/` routes included, and `.env*` files never (compose/files.ts has the rule);
 *  - only to this machine's pages: requests must name the server by localhost / 127.0.0.1 / [::1] or the
 *    configured --host (a DNS-rebinding page names its own domain), and requests that change state (start or
 *    cancel a render) must come from the player itself: same origin, `application/json`, and the per-server
 *    token the player page carries.
 */
import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import path from "node:path";
import { checkProjectPath, isSecretPath, resolveProjectUrl } from "../compose/files.js";

/** Header carrying the per-server token on state-changing requests. */
export const TOKEN_HEADER = "x-hyperframes-token";

export function newServerToken(): string {
  return randomBytes(24).toString("base64url");
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** The host name of a Host header (`localhost:3002` → `localhost`, `[::1]:3002` → `::1`), lower-cased. */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const h = hostHeader.trim().toLowerCase();
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(h) ?? /^([^:]+)(?::\d+)?$/.exec(h);
  return m ? m[1] : undefined;
}

/**
 * May a request with this Host header be served? Loopback names always; the configured --host; and, when
 * bound to every interface (0.0.0.0 / ::), any IP address (an address cannot be DNS-rebound; a name can).
 */
export function hostAllowed(hostHeader: string | undefined, configuredHost = "127.0.0.1"): boolean {
  const name = hostName(hostHeader);
  if (!name) return false;
  if (LOOPBACK_NAMES.has(name)) return true;
  const configured = configuredHost.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (name === configured) return true;
  return WILDCARD.has(configured) && isIP(name) !== 0;
}

/** Host names to hand to Vite's own `server.allowedHosts` check (its websocket and routes), besides its defaults. */
export function viteAllowedHosts(configuredHost = "127.0.0.1"): string[] {
  const c = configuredHost.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return ["localhost", "127.0.0.1", ...(c && !WILDCARD.has(c) && !LOOPBACK_NAMES.has(c) && isIP(c) === 0 ? [c] : [])];
}

/** Vite's own browser client (`/@vite/client` imports it by `/@fs/` path): served by the toolkit, not the project. */
let viteClientDir: string | null | undefined;
function isViteClientFile(abs: string): boolean {
  if (viteClientDir === undefined) {
    try {
      viteClientDir = realpathSync(path.join(path.dirname(createRequire(import.meta.url).resolve("vite")), "..", "client"));
    } catch {
      viteClientDir = null;
    }
  }
  return !!viteClientDir && abs.startsWith(viteClientDir + path.sep);
}

/**
 * Why a request path must not be served (undefined: it may be). `pathname` is the raw (still
 * percent-encoded) URL path. Covers the project's own files and Vite's `/@fs/<absolute path>` route.
 */
export function forbiddenPath(project: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined; // not a file path; Vite answers 400/404
  }
  // Vite's routes to files by absolute path: /@fs/<abs>, and /@id/<abs> for resolved module ids
  const fsRoute = /^\/@(?:fs|id)(\/.*)$/.exec(decoded);
  if (fsRoute && (decoded.startsWith("/@fs/") || path.posix.isAbsolute(fsRoute[1]!.slice(1)))) {
    const abs = path.posix.normalize(decoded.startsWith("/@fs/") ? fsRoute[1]! : fsRoute[1]!.slice(1));
    if (isSecretPath(abs)) return `${decoded} is a .env file, which is never served`;
    const c = checkProjectPath(project, abs);
    return c.inside || (c.exists && isViteClientFile(c.real)) ? undefined : `${decoded} is outside the project folder`;
  }
  const r = resolveProjectUrl(project, pathname);
  if (r.status !== "forbidden") return undefined;
  return r.reason === "secret" ? `${decoded} is a .env file, which is never served` : `${decoded} leads outside the project folder (a symlink or ..)`;
}

/**
 * Why a state-changing request must be refused (undefined: it comes from the player). Cross-site pages can
 * send "simple" POSTs (text/plain, no preflight): they fail the content type, the origin and the token.
 */
export function stateChangeRefusal(req: IncomingMessage, token: string): string | undefined {
  if (req.method !== "POST") return "use POST";
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin") return `cross-site request (Sec-Fetch-Site: ${site})`;
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return "the request has no Origin";
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return `bad Origin ${origin}`;
  }
  if (o.host.toLowerCase() !== host.toLowerCase()) return `cross-origin request from ${origin}`;
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") return "the body must be application/json";
  if (req.headers[TOKEN_HEADER] !== token) return `missing or wrong ${TOKEN_HEADER} header`;
  return undefined;
}

/**
 * Report-only policy of composition pages: nothing is blocked in the preview, but every request outside the
 * dev server raises a `securitypolicyviolation` the page bridge turns into a warning (renders block them).
 */
export const PREVIEW_CSP_REPORT_ONLY = "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:";
