/**
 * The player UI (browser side of `hyperframes dev`). Loads the composition in an iframe at its own URL,
 * drives it through the runtime's `window.__player` / `window.__hf` (same origin), and keeps the time and
 * variables across hot reloads, variable edits and page reloads (they live in the URL).
 */
import { $, h, toast } from "./dom.js";
import { readUrlState, writeUrlState } from "./url-state.js";
import { VariablesPanel, copyVariablesArgument } from "./variables.js";
import { fitFrames, sizeFrame } from "./frame-box.js";
import { Timeline } from "./timeline.js";
import { ErrorOverlay } from "./overlay.js";
import { RenderPanel } from "./render-panel.js";
import { LintPanel, pickElement } from "./lint-panel.js";
import { bindTransport, onKey, showTransport } from "./controls.js";
import { connectHmr, showConnection } from "./hmr.js";
import { CompositionPicker } from "./picker.js";
import { bindTheme } from "./theme.js";
import { bindSnapshot } from "./snapshot-button.js";
import { Compare } from "./compare.js";
import { Playback } from "./playback.js";
import type { AnimatedElement, Clip, CompositionDetails, CompositionWindow, PageError, ProjectInfo } from "./types.js";

const READY_TIMEOUT_MS = 15000;

class PreviewApp extends Playback {
  info: ProjectInfo | null = null;
  details: CompositionDetails | null = null;
  comp = "";
  vars: Record<string, unknown> = {};
  token = 0;
  loads = 0;
  errors: PageError[] = [];
  clips: Clip[] = [];
  animated: AnimatedElement[] = [];
  lastCopied = "";
  readonly renders: RenderPanel;
  readonly compare: Compare;
  private frame: HTMLIFrameElement | null = null;
  private pending: { token: number; frame: HTMLIFrameElement } | null = null;

  private readonly box = $("frame-box");
  private readonly stage = $("stage");
  private readonly loading = $("loading");
  private readonly overlay = new ErrorOverlay();
  private readonly picker = new CompositionPicker((file) => void this.switchComposition(file));
  private readonly panel = new VariablesPanel($("vars"), $("vars-count"), (o) => this.onVariables(o));
  private readonly lint = new LintPanel({ onElement: (id) => pickElement(this, id) });
  private readonly timeline = new Timeline({
    onSeek: (t, final) => this.seek(t, final),
    onClip: (c) => this.seek(c.start ?? 0, true),
    onSpan: (t) => {
      if (this.playing) this.pause();
      this.seek(t, true);
    },
  });

  constructor() {
    super();
    bindTheme();
    this.renders = new RenderPanel(() => ({ composition: this.comp, variables: this.vars, fps: this.fps, sub: this.details?.kind === "sub" }));
    bindSnapshot(
      () => ({ composition: this.comp, variables: this.vars, frame: Math.round(this.time * this.fps), sub: this.details?.kind === "sub" }),
      () => void this.renders.history.refresh(),
    );
    this.compare = new Compare(
      this.box,
      async () => (await this.renders.history.refresh(), this.renders.history.files),
      () => this.comp,
    );
    bindTransport(this);
    $("vars-reset").addEventListener("click", () => this.panel.reset());
    $("vars-copy").addEventListener("click", () => void this.copyVariables());
    // a new iframe needs the current scale
    new MutationObserver(() => this.layout()).observe(this.box, { childList: true });
    new ResizeObserver(() => this.layout()).observe(this.stage);
    window.addEventListener("message", (ev) => this.onMessage(ev));
    connectHmr({ onReload: () => void this.hotReload(), onConnection: showConnection });
    this.wake();
  }

  async start(): Promise<void> {
    const url = readUrlState();
    this.time = url.time;
    this.vars = url.vars;
    await this.fetchInfo(url.comp);
    if (!this.details) {
      if (!this.errors.length) this.loading.textContent = "No composition found in this folder.";
      return;
    }
    this.panel.setSchema(this.details.variables, this.vars);
    this.load(this.time, false);
  }

  // ------------------------------------------------------------------ project info
  private async fetchInfo(comp?: string): Promise<void> {
    const r = await fetch(`/__hyperframes/api/project${comp ? `?comp=${encodeURIComponent(comp)}` : ""}`, { cache: "no-store" });
    const info = (await r.json()) as ProjectInfo;
    this.info = info;
    this.details = info.composition;
    this.comp = info.composition?.file ?? comp ?? "";
    this.picker.fill(info.compositions, this.comp);
    if (info.error) {
      // a link to a composition the project lacks: say so, never show another one in its place
      this.loading.style.display = "none";
      this.addError({ kind: "unknown-composition", message: `${info.error.message}${info.error.hint ? ` — ${info.error.hint}` : ""}` });
    }
    if (this.details) {
      if (!this.ready) {
        this.duration = this.details.duration;
        this.fps = this.details.fps;
        this.clips = this.details.clips;
        this.timeline.setData(this.duration, this.fps, this.clips);
      }
      this.layout();
      this.drawMeta();
    }
    this.lint.update(this.details?.lint);
  }

  private drawMeta(): void {
    const d = this.details;
    $("comp-meta").textContent = d ? `${d.width}×${d.height} · ${this.fps} fps · ${this.duration.toFixed(2)} s` : "";
  }

  // ------------------------------------------------------------------ loading the composition
  private compUrl(token: number): string {
    const q = new URLSearchParams();
    if (Object.keys(this.vars).length) q.set("hf-vars", JSON.stringify(this.vars));
    // a sub-composition opens alone in the page the server makes for it
    if (this.details?.kind === "sub") q.set("hf-solo", "");
    q.set("hf-load", String(token));
    return `/${this.comp.split("/").map(encodeURIComponent).join("/")}?${q}`;
  }

  /** (Re)load the iframe, then restore `restoreTime` and, if asked, resume playback. The old frame stays up until the new one is ready. */
  load(restoreTime: number, resume: boolean): void {
    const token = ++this.token;
    this.ready = false;
    this.errors = [];
    const frame = h("iframe", { title: "composition", allow: "autoplay; fullscreen", "data-token": String(token) });
    this.size(frame);
    frame.style.visibility = this.frame ? "hidden" : "visible";
    frame.addEventListener("load", () => void this.attach(token, frame, restoreTime, resume), { once: true });
    frame.src = this.compUrl(token);
    this.box.prepend(frame);
    this.pending = { token, frame };
  }

  private async attach(token: number, frame: HTMLIFrameElement, restoreTime: number, resume: boolean): Promise<void> {
    const win = frame.contentWindow as CompositionWindow | null;
    const stale = () => token !== this.token;
    const fail = (e: PageError) => {
      if (stale()) return;
      this.swap(frame, win);
      this.addError(e);
    };
    if (!win) return fail({ kind: "exception", message: "the composition frame has no window" });
    for (const e of win.__hfPreviewErrors ?? []) this.addError(e, false);
    win.addEventListener("keydown", (ev) => onKey(this, ev));
    const hf = win.__hf;
    if (!hf || !win.__player) return fail({ kind: "exception", message: "the HyperFrames runtime did not start in this page (window.__hf is missing)" });
    let timer = 0;
    try {
      await Promise.race([
        hf.ready,
        new Promise((_, rej) => (timer = window.setTimeout(() => rej(Object.assign(new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s`), { timeout: true })), READY_TIMEOUT_MS))),
      ]);
    } catch (e) {
      const err = e as Error & { timeout?: boolean };
      return fail({ kind: err.timeout ? "timeout" : "exception", message: err.timeout ? `${err.message}: ${JSON.stringify(hf.pendingReady ?? {})}` : err.message ?? String(e) });
    } finally {
      clearTimeout(timer);
    }
    if (stale()) return;
    const player = win.__player;
    this.duration = hf.duration || player.getDuration() || this.details?.duration || 0;
    this.fps = hf.fps || this.details?.fps || 30;
    try {
      this.clips = hf.clips();
    } catch {
      this.clips = this.details?.clips ?? [];
    }
    try {
      this.animated = hf.animated?.() ?? [];
    } catch {
      this.animated = [];
    }
    this.timeline.setData(this.duration, this.fps, this.clips, this.animated);
    player.setPlaybackRate(this.rate);
    player.setLoop?.(this.loop);
    const t = Math.max(0, Math.min(restoreTime, this.lastFrameTime()));
    try {
      await player.seek(t);
    } catch (e) {
      return fail({ kind: "exception", message: `seek failed: ${(e as Error).message}` });
    }
    if (stale()) return;
    this.time = player.getTime();
    this.swap(frame, win);
    this.ready = true;
    this.loads++;
    if (resume) player.play();
    this.wake();
    if (hf.error && !this.errors.length) this.addError({ kind: "exception", message: hf.error }, false);
    // files outside the project: the server answered 403; say which reference asked for them
    for (const f of this.details?.lint?.findings ?? [])
      if (f.severity === "error" && /outside_project$/.test(f.code)) this.addError({ kind: "forbidden", message: f.message, file: f.file, line: f.line }, false);
    if (this.errors.length) this.overlay.show(this.errors, this.details);
    else this.overlay.hide();
    this.drawMeta();
    this.render();
    if (this.renders.open) this.renders.showTarget();
  }

  /** Make `frame` the visible one; drop the others. */
  private swap(frame: HTMLIFrameElement, win: CompositionWindow | null): void {
    for (const f of Array.from(this.box.querySelectorAll("iframe"))) if (f !== frame) f.remove();
    frame.style.visibility = "visible";
    this.frame = frame;
    this.win = win;
    this.pending = null;
    this.loading.style.display = "none";
  }

  private addError(e: PageError, show = true): void {
    // the page's bridge and the runtime both report a page error (the runtime's message ends with its place):
    // keep one, the one that names a file
    const same = this.errors.findIndex((x) => e.message.startsWith(x.message) || x.message.startsWith(e.message));
    if (same >= 0 && (this.errors[same]!.file || !e.file)) return;
    if (same >= 0) this.errors[same] = e;
    else this.errors.push(e);
    if (show) {
      this.overlay.show(this.errors, this.details);
      // the page may be stuck loading: show it now rather than the previous version
      if (this.pending && !this.ready) this.swap(this.pending.frame, this.pending.frame.contentWindow as CompositionWindow);
    }
  }

  private onMessage(ev: MessageEvent): void {
    const d = ev.data;
    if (!d || typeof d !== "object") return;
    const current = this.pending?.frame.contentWindow ?? this.frame?.contentWindow;
    if (ev.source !== current) return;
    if ((d.source === "hf-preview-bridge" || d.source === "hf-preview") && d.type === "error") {
      this.addError({ kind: d.kind ?? "exception", message: String(d.message), file: d.file, line: d.line, column: d.column, stack: d.stack });
    } else if (d.source === "hf-preview" && d.type === "media-autoplay-blocked") {
      toast("The browser blocked media playback: click play once more to allow sound");
    }
  }

  private async hotReload(): Promise<void> {
    const wasPlaying = this.playing;
    const t = this.time;
    if (this.win?.__player && wasPlaying) this.win.__player.pause();
    const info = this.fetchInfo(this.comp).catch(() => undefined);
    this.load(t, wasPlaying);
    await info;
    if (this.details) {
      const before = JSON.stringify(this.panel.schema);
      if (before !== JSON.stringify(this.details.variables)) this.panel.setSchema(this.details.variables, this.vars);
      if (this.errors.length) this.overlay.show(this.errors, this.details);
    }
  }

  private onVariables(overrides: Record<string, unknown>): void {
    this.vars = overrides;
    if (this.renders.open) this.renders.showTarget();
    this.writeUrl();
    this.load(this.time, this.playing);
  }

  // ------------------------------------------------------------------ transport (playback.ts)
  protected render(): void {
    showTransport(this);
    this.timeline.setTime(this.time);
    this.compare.setTime(this.time);
  }

  protected writeUrl(): void {
    // the default composition (the first page) goes without saying; any other one is named
    const first = this.info?.compositions.find((c) => c.kind === "entry")?.file;
    writeUrlState({ comp: this.comp === first && this.comp === "index.html" ? undefined : this.comp, time: this.time, vars: this.vars });
  }

  // ------------------------------------------------------------------ layout and controls
  private size(frame: HTMLIFrameElement): void {
    if (this.details) sizeFrame(frame, this.details);
  }

  private layout(): void {
    if (this.details) fitFrames(this.box, this.stage, this.details);
  }

  private async switchComposition(file: string): Promise<void> {
    if (this.playing) this.pause();
    this.vars = {};
    this.time = 0;
    this.ready = false;
    this.errors = [];
    this.overlay.hide();
    this.compare.set("off");
    await this.fetchInfo(file);
    this.panel.setSchema(this.details?.variables ?? [], {});
    this.writeUrl();
    this.load(0, false);
  }

  private async copyVariables(): Promise<void> {
    this.lastCopied = await copyVariablesArgument(this.vars);
  }

  /** Snapshot for tests and debugging. */
  snapshot() {
    return {
      comp: this.comp,
      time: this.time,
      duration: this.duration,
      fps: this.fps,
      playing: this.playing,
      loop: this.loop,
      rate: this.rate,
      shuttle: this.shuttleSpeed,
      ready: this.ready,
      token: this.token,
      loads: this.loads,
      vars: { ...this.vars },
      errors: this.errors.map((e) => ({ ...e })),
      overlay: this.overlay.visible,
      clips: this.clips.length,
      animated: this.animated.length,
      compare: this.compare.mode,
      lastCopied: this.lastCopied,
      scale: Number(this.box.dataset.scale || 0),
    };
  }

  /** The iframe window currently shown. */
  get compositionWindow(): CompositionWindow | null {
    return this.win;
  }
}

const app = new PreviewApp();
(window as any).__hfPreview = app;
app.start().catch((e) => {
  $("loading").textContent = `Could not start the preview: ${(e as Error).message}`;
});
