/**
 * One capture page: loads the composition, waits until the runtime says it is ready (with a timeout whose
 * error says what never became ready), then seeks and captures frames through the Chrome DevTools
 * Protocol — HeadlessExperimental.beginFrame when the browser supports it (one atomic
 * layout/paint/composite, and "no damage" frames are reused without re-encoding the image), else
 * Page.captureScreenshot.
 */
import type { Browser, CDPSession, Page } from "puppeteer-core";
import { RenderError, RenderTimeoutError, CompositionError } from "../errors.js";
import { browserSession, guardBrowser, guardPage } from "./network-guard.js";
import { FRAME_CLOCK_SCRIPT } from "../compose/frame-clock.js";
import type { HfWindow, RuntimeClip, RuntimeMedia, VideoFrameTable } from "../compose/runtime/protocol.js";

export type CaptureMethod = "beginframe" | "screenshot";
export type ImageFormat = "jpeg" | "png";

export interface CaptureSessionOptions {
  browser: Browser;
  url: string;
  width: number;
  height: number;
  fps: number;
  method: CaptureMethod;
  format: ImageFormat;
  jpegQuality: number;
  transparent: boolean;
  readyTimeoutMs: number;
  /** table of pre-extracted video frames to hand to the runtime */
  videoFrames?: Record<string, { urlPrefix: string; count: number; ext: string; width?: number; height?: number }>;
  onConsole?: (line: string) => void;
  /** reuse the previous image when the page reports no change (default true) */
  reuseStaticFrames?: boolean;
  /**
   * Block the network: every request of the page (and its frames and dedicated workers) whose URL is not
   * under this origin (the render file server) is failed and reported to `onBlocked` (network-guard.ts).
   * Unset: no interception.
   */
  allowedOrigin?: string;
  onBlocked?: (url: string, resourceType: string) => void;
  /** a font service's style sheet the page asked for, answered with an empty one (network-guard.ts) */
  onFontService?: (url: string) => void;
}

export interface CapturedFrame {
  data: Buffer;
  /** true when the browser reported no visual change since the previous frame */
  reused: boolean;
}

export interface PageReport {
  duration: number;
  warnings: string[];
  errors: string[];
  media: PageMedia[];
  clips: RuntimeClip[];
}

/** A <video>/<audio> of the page (compose/runtime/protocol.ts). */
export type PageMedia = RuntimeMedia;

const BEGIN_FRAME_INTERVAL_MS = 1000 / 60;

export class CaptureSession {
  private page!: Page;
  private client!: CDPSession;
  private targetId?: string;
  private frameTicks = 0;
  private lastImage?: Buffer;
  private loadTicker?: NodeJS.Timeout;
  /** the load ticker's BeginFrame still in flight: the first capture frame waits for it */
  private tickInFlight: Promise<unknown> = Promise.resolve();
  readonly pageErrors: string[] = [];
  private closed = false;
  private releaseBackstop?: () => void;

  constructor(private readonly o: CaptureSessionOptions) {}

  async open(): Promise<void> {
    const { browser } = this.o;
    this.releaseBackstop = await guardBrowser(browser, this.o.allowedOrigin ?? null);
    if (this.o.method === "beginframe") {
      const bc = await browserSession(browser);
      const { targetId } = (await bc.send("Target.createTarget", {
        url: "about:blank",
        width: this.o.width,
        height: this.o.height,
        enableBeginFrameControl: true,
      } as any)) as { targetId: string };
      this.targetId = targetId;
      const target = await browser.waitForTarget((t) => (t as any)._targetId === targetId, { timeout: 30_000 });
      const page = await target.page();
      if (!page) throw new RenderError("capture_page_failed", "could not attach to the capture page");
      this.page = page;
    } else {
      this.page = await browser.newPage();
    }
    this.page.on("pageerror", (err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      this.pageErrors.push(msg);
      this.o.onConsole?.(`page error: ${msg}`);
    });
    this.page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warn") this.o.onConsole?.(`console.${m.type()}: ${m.text()}`);
    });
    this.client = await this.page.createCDPSession();
    // same-origin iframes run on the composition's clock too (compose/frame-clock.ts)
    await this.page.evaluateOnNewDocument(FRAME_CLOCK_SCRIPT);
    if (this.o.allowedOrigin) await guardPage(this.page, this.client, this.o.allowedOrigin, this.o.onBlocked, this.o.onFontService);
    await this.client.send("Emulation.setDeviceMetricsOverride", {
      width: this.o.width,
      height: this.o.height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    if (this.o.transparent) await this.client.send("Emulation.setDefaultBackgroundColorOverride", { color: { r: 0, g: 0, b: 0, a: 0 } });
  }

  /** BeginFrames without screenshots keep a begin-frame-controlled page rendering while it loads. */
  private startLoadTicker(): void {
    if (this.o.method !== "beginframe") return;
    const tick = () => {
      if (this.closed) return;
      this.frameTicks++;
      this.tickInFlight = this.client
        .send("HeadlessExperimental.beginFrame", { frameTimeTicks: this.frameTicks * BEGIN_FRAME_INTERVAL_MS, interval: BEGIN_FRAME_INTERVAL_MS, noDisplayUpdates: true })
        .catch(() => undefined)
        .finally(() => {
          if (this.loadTicker) this.loadTicker = setTimeout(tick, 16);
        });
    };
    this.loadTicker = setTimeout(tick, 0);
  }
  private stopLoadTicker(): void {
    if (this.loadTicker) clearTimeout(this.loadTicker);
    this.loadTicker = undefined;
  }

  /** Navigate and wait for readiness; returns what the page reports about itself. */
  async load(): Promise<PageReport> {
    this.startLoadTicker();
    try {
      try {
        await this.page.goto(this.o.url, { waitUntil: "domcontentloaded", timeout: this.o.readyTimeoutMs });
      } catch (e) {
        throw new RenderTimeoutError("page_load_timeout", `the composition page did not load within ${Math.round(this.o.readyTimeoutMs / 1000)} s: ${(e as Error).message}`, {
          hint: "check that the composition does not load slow remote resources",
        });
      }
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const readyResult = await Promise.race([
        this.page.evaluate(() => (window as unknown as HfWindow).__hf.ready.then(() => "ok", (e: any) => `error:${e?.message ?? e}`)),
        new Promise<string>((r) => (timer = setTimeout(() => r("timeout"), this.o.readyTimeoutMs))),
      ])
        .catch((e: Error) => `error:${e.message}`)
        .finally(() => clearTimeout(timer));
      if (readyResult === "timeout") {
        const st = (await this.page
          .evaluate(() => {
            const hf = (window as unknown as HfWindow).__hf;
            if (!hf) return null;
            const images = Array.from(document.images)
              .filter((i) => !i.complete && !i.classList.contains("__render_frame__"))
              .map((i) => i.currentSrc || i.getAttribute("src") || "");
            const fonts: string[] = [];
            (document as any).fonts?.forEach((f: FontFace) => {
              if (f.status === "loading") fonts.push(f.family);
            });
            return { pending: hf.pendingReady, errors: hf.errors, warnings: hf.warnings, images, fonts };
          })
          .catch(() => null)) as { pending: Record<string, boolean>; errors: string[]; warnings: string[]; images: string[]; fonts: string[] } | null;
        // stages run in order (dom → scripts → load → timeline → fonts/images/media): name the first one still pending
        const stages = [["dom"], ["scripts"], ["load"], ["timeline"], ["fonts", "images", "media", "adapters"]];
        const pending = st
          ? (stages.map((g) => g.filter((k) => st.pending[k])).find((g) => g.length > 0) ?? Object.keys(st.pending).filter((k) => st.pending[k]))
          : ["runtime (window.__hf missing)"];
        const list = (xs: string[]) => xs.slice(0, 3).join(", ") + (xs.length > 3 ? ", …" : "");
        const imgs = st?.images.length ? `: ${list(st.images)}` : "";
        const fonts = st?.fonts.length ? `: ${list(st.fonts)}` : "";
        const what: Record<string, string> = {
          dom: "the document never finished parsing",
          scripts: `the composition's scripts never finished running (a <script src> that never loads, or a module that never runs)${fonts}`,
          load: `the page never finished loading (window "load" event)${st?.images.length ? `, an image is still loading${imgs}` : st?.fonts.length ? `, a web font is still loading${fonts}` : ""}`,
          timeline: "no timeline was registered on window.__timelines",
          fonts: `web fonts never finished loading (document.fonts.ready)${fonts}`,
          images: `an image never finished loading/decoding${imgs}`,
          media: "a <video>/<audio> never loaded its metadata",
          adapters: "a Lottie animation never finished loading its data",
        };
        throw new RenderTimeoutError(
          "page_not_ready",
          `the composition was not ready after ${Math.round((Date.now() - started) / 1000)} s: ${pending.map((p) => what[p] ?? p).join("; ")}${st?.errors.length ? `; page errors: ${st.errors.slice(0, 3).join(" | ")}` : ""}`,
          { hint: "fix the page error above, or make sure every asset exists; raise the limit with --timeout <seconds>" },
        );
      }
      if (readyResult.startsWith("error:")) {
        throw new CompositionError("page_init_failed", `the composition failed to start: ${readyResult.slice(6)}`, {
          hint: this.pageErrors.length ? `page errors: ${this.pageErrors.slice(0, 3).join(" | ")}` : "check the browser console output with --debug",
        });
      }
      if (this.o.videoFrames) await this.page.evaluate((t) => (window as unknown as HfWindow).__hf.setVideoFrames(t), this.o.videoFrames);
      const report = (await this.page.evaluate(() => {
        const hf = (window as unknown as HfWindow).__hf;
        return { duration: hf.duration, warnings: hf.warnings.slice(), errors: hf.errors.slice(), media: hf.media(), clips: hf.clips() };
      })) as PageReport;
      return report;
    } finally {
      this.stopLoadTicker();
    }
  }

  async setMediaDurations(table: Record<string, number>): Promise<void> {
    await this.page.evaluate((t) => (window as unknown as HfWindow).__hf.setMediaDurations(t), table);
  }

  async setVideoFrames(table: VideoFrameTable): Promise<void> {
    await this.page.evaluate((t) => (window as unknown as HfWindow).__hf.setVideoFrames(t), table);
  }

  /** Seek to frame `index` and capture it. */
  capture(index: number): Promise<CapturedFrame> {
    return this.captureAt(index / this.o.fps, `frame ${index}`);
  }

  /**
   * Seek to `t` seconds (any instant, not only frame times: stills) and capture it, exactly as a render
   * captures its frames. `what` names the moment in errors.
   */
  async captureAt(t: number, what = `t=${t} s`): Promise<CapturedFrame> {
    const r = (await this.client.send("Runtime.evaluate", {
      expression: `window.__hf.renderSeek(${t})`,
      awaitPromise: true,
      returnByValue: true,
    })) as { result?: { value?: unknown }; exceptionDetails?: { exception?: { description?: string }; text?: string } };
    if (r.exceptionDetails) {
      throw new RenderError("seek_failed", `seeking to ${what} (t=${t.toFixed(3)} s) threw: ${r.exceptionDetails.exception?.description?.split("\n")[0] ?? r.exceptionDetails.text}`, {
        hint: "a page script failed while seeking; run with --debug to see the console",
      });
    }
    // nothing visible changed since this page's previous frame: reuse its image, skip the capture
    if (r.result?.value === false && this.lastImage && this.o.reuseStaticFrames !== false) return { data: this.lastImage, reused: true };
    if (this.o.method === "beginframe") return this.captureBeginFrame();
    const shot = (await this.client.send("Page.captureScreenshot", {
      format: this.o.format,
      ...(this.o.format === "jpeg" ? { quality: this.o.jpegQuality } : {}),
      optimizeForSpeed: true,
      fromSurface: true,
      // no beyond-viewport re-draw: the runtime's render seek lays out every changed frame afresh
      // (fresh-layout.ts), for both capture methods, so the frame is already drawn as on a fresh page
      captureBeyondViewport: false,
    } as any)) as { data: string };
    this.lastImage = Buffer.from(shot.data, "base64");
    return { data: this.lastImage, reused: false };
  }

  /**
   * One BeginFrame. The browser takes one at a time ("Another frame is pending" otherwise): wait for the load
   * ticker's last one, then retry a pending answer with a backoff of up to ~8 s in all (a loaded machine can
   * take seconds for the first frame of a heavy page).
   */
  private async beginFrame(screenshot: boolean): Promise<{ hasDamage: boolean; screenshotData?: string }> {
    await this.tickInFlight;
    for (let attempt = 0; ; attempt++) {
      this.frameTicks++;
      try {
        return (await this.client.send("HeadlessExperimental.beginFrame", {
          frameTimeTicks: this.frameTicks * BEGIN_FRAME_INTERVAL_MS,
          interval: BEGIN_FRAME_INTERVAL_MS,
          noDisplayUpdates: false,
          ...(screenshot
            ? { screenshot: { format: this.o.format, ...(this.o.format === "jpeg" ? { quality: this.o.jpegQuality } : {}), optimizeForSpeed: true } }
            : {}),
        } as any)) as { hasDamage: boolean; screenshotData?: string };
      } catch (e) {
        if (/pending/i.test((e as Error).message) && attempt < 20) {
          await new Promise((r) => setTimeout(r, Math.min(500, 20 * 2 ** attempt)));
          continue;
        }
        throw e;
      }
    }
  }

  /** A page with no damage returns no image: draw a throw-away overlay, remove it, and capture the real frame. */
  private async forceFullFrame(): Promise<Buffer> {
    await this.page.evaluate(() => {
      const d = document.createElement("div");
      d.id = "__hf_damage__";
      d.style.cssText = "position:fixed;left:0;top:0;width:4px;height:4px;background:rgba(255,0,255,0.5);z-index:2147483647;pointer-events:none";
      document.documentElement.appendChild(d);
    });
    await this.beginFrame(false);
    await this.page.evaluate(() => document.getElementById("__hf_damage__")?.remove());
    const r = await this.beginFrame(true);
    if (!r.screenshotData) throw new RenderError("capture_failed", "the browser produced no image for a frame", { hint: "try --capture screenshot" });
    return Buffer.from(r.screenshotData, "base64");
  }

  private async captureBeginFrame(): Promise<CapturedFrame> {
    const res = await this.beginFrame(true);
    if (res.screenshotData) {
      this.lastImage = Buffer.from(res.screenshotData, "base64");
      return { data: this.lastImage, reused: false };
    }
    if (this.lastImage) return { data: this.lastImage, reused: true };
    this.lastImage = await this.forceFullFrame();
    return { data: this.lastImage, reused: false };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopLoadTicker();
    await this.page?.close().catch(() => undefined);
    this.releaseBackstop?.();
  }
}
