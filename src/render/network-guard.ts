/**
 * Renders never reach the network (issue 13 §1): request interception in two layers.
 *
 * 1. The capture page's own CDP session (Fetch domain; it also sees the page's iframes and dedicated
 *    workers): the render server's URLs continue, everything else fails as BlockedByClient and is reported
 *    to the render, which then fails listing the URLs.
 * 2. A browser-wide backstop on the browser target's session. Chrome resumes every request still paused in
 *    a page's interception when that page closes (its session detaches): a page or worker asking at the
 *    moment the render closes it reached the network that way (measured: every run of a page fetching every
 *    2 ms leaked a few requests). The browser session stays open as long as the browser, so what it holds
 *    stays held until it fails it. It lets through the origins of the render servers of the pages open in
 *    this browser (a batch renders several rows, each with its own server, in one browser).
 *
 * A per-page browser context with a proxy would be simpler, but Chrome in --single-process mode (our
 * default with begin-frame capture) crashes when a page opens in a second browser context.
 */
import type { Browser, CDPSession, Page } from "puppeteer-core";
import { isFontServiceUrl } from "../compose/fonts/font-services.js";

/**
 * Page APIs whose traffic request interception cannot see: WebRTC (UDP/TCP to any host) and shared workers
 * (their own target) — removed before any page script runs, in every frame. (WebTransport needs QUIC,
 * which the browser is launched without; the file server refuses service and shared worker scripts.)
 */
const NO_UNWATCHED_NETWORK = `(function(){for (var k of ["RTCPeerConnection","webkitRTCPeerConnection","RTCDataChannel","SharedWorker","WebTransport"]) { try { Object.defineProperty(window, k, { value: undefined, writable: false, configurable: false }); } catch (e) {} }})();`;

interface PausedRequest {
  requestId: string;
  request: { url: string };
  resourceType: string;
}

/** data: and blob: URLs never reach the network. */
const LOCAL_URL = /^(data|blob):/i;

/**
 * One browser-level CDP session per browser, kept open. Creating and detaching a browser-target session
 * per page breaks when pages open concurrently (puppeteer then forgets the browser target:
 * "Browser target is not found"), which happens with 3+ workers or parallel renders sharing a browser.
 */
const browserSessions = new WeakMap<Browser, Promise<CDPSession>>();
export function browserSession(browser: Browser): Promise<CDPSession> {
  let s = browserSessions.get(browser);
  if (!s) {
    s = browser.target().createCDPSession();
    browserSessions.set(browser, s);
    s.catch(() => browserSessions.delete(browser));
  }
  return s;
}

/** The URL prefix an origin's own requests start with. */
const originPrefix = (origin: string) => origin.replace(/\/$/, "") + "/";

/** A request that may go on: data:/blob:, or under one of the allowed prefixes. */
function passes(url: string, prefixes: Iterable<string>): boolean {
  if (LOCAL_URL.test(url)) return true;
  for (const p of prefixes) if (url.startsWith(p)) return true;
  return false;
}

/** Let a paused request go on, or fail it as blocked by the client. */
function answer(s: CDPSession, requestId: string, pass: boolean): void {
  (pass ? s.send("Fetch.continueRequest", { requestId }) : s.send("Fetch.failRequest", { requestId, errorReason: "BlockedByClient" })).catch(() => undefined);
}

/** An empty style sheet, the answer to a font service's sheet (compose/fonts/font-services.ts). */
const EMPTY_CSS = { responseCode: 200, responseHeaders: [{ name: "Content-Type", value: "text/css" }], body: "" };

/**
 * Layer 1: block and report every request of `page` that is not under `origin`. A font service's style sheet
 * (Google Fonts, asked for by a project CSS file or a script: the page builder already took those of the page
 * out) gets an empty sheet instead, as the page's own would, and is reported to `onFontService`.
 */
export async function guardPage(
  page: Page,
  client: CDPSession,
  origin: string,
  onBlocked?: (url: string, resourceType: string) => void,
  onFontService?: (url: string) => void,
): Promise<void> {
  const allowed = [originPrefix(origin)];
  client.on("Fetch.requestPaused", (e: PausedRequest) => {
    if (e.resourceType === "Stylesheet" && isFontServiceUrl(e.request.url)) {
      onFontService?.(e.request.url);
      client.send("Fetch.fulfillRequest", { requestId: e.requestId, ...EMPTY_CSS }).catch(() => undefined);
      return;
    }
    const pass = passes(e.request.url, allowed);
    if (!pass) onBlocked?.(e.request.url, e.resourceType);
    answer(client, e.requestId, pass);
  });
  await client.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
  await page.evaluateOnNewDocument(NO_UNWATCHED_NETWORK);
}

interface Backstop {
  /** origin prefix → pages open with it */
  allowed: Map<string, number>;
  enabled: Promise<void>;
}
const backstops = new WeakMap<Browser, Backstop>();

/**
 * Layer 2: the browser-wide backstop, installed on the browser's first guarded page. Returns the release
 * to call once the page has closed (the origin stays allowed while another page of the browser uses it).
 * `origin` null: a page rendering with --allow-network; everything passes while it is open.
 */
export async function guardBrowser(browser: Browser, origin: string | null): Promise<() => void> {
  const prefix = origin === null ? "" : originPrefix(origin);
  let b = backstops.get(browser);
  if (!b && origin === null) return () => undefined;
  if (!b) {
    const allowed = new Map<string, number>();
    const enabled = browserSession(browser).then(async (s) => {
      s.on("Fetch.requestPaused", (e: PausedRequest) => answer(s, e.requestId, passes(e.request.url, allowed.keys())));
      await s.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
    });
    b = { allowed, enabled };
    backstops.set(browser, b);
    enabled.catch(() => backstops.delete(browser));
  }
  b.allowed.set(prefix, (b.allowed.get(prefix) ?? 0) + 1);
  const entry = b;
  try {
    await entry.enabled;
  } catch (e) {
    release(entry, prefix);
    throw e;
  }
  let released = false;
  return () => {
    if (!released) release(entry, prefix);
    released = true;
  };
}

function release(b: Backstop, prefix: string): void {
  const n = (b.allowed.get(prefix) ?? 1) - 1;
  if (n > 0) b.allowed.set(prefix, n);
  else b.allowed.delete(prefix);
}
