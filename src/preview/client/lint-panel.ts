/**
 * The lint panel: a count badge in the top bar and the findings of the open composition (file:line, code,
 * message, fix hint) in the side panel, refreshed on every save whether or not the composition fails.
 * Clicking a finding that names an element selects it: the player seeks to the element's clip and outlines
 * the element in the frame.
 */
import { $, h } from "./dom.js";
import type { LintFinding, LintResult } from "./types.js";

export interface LintPanelHooks {
  /** the element with this id was picked: seek to it and show it */
  onElement(id: string): void;
}

/** The id an element description such as `<video id="intro">` names, if any. */
export function elementId(f: LintFinding): string | undefined {
  return /\bid="([^"]+)"/.exec(f.element ?? "")?.[1] ?? /#([A-Za-z][\w-]*)/.exec(f.element ?? "")?.[1];
}

export class LintPanel {
  private readonly badge = $<HTMLButtonElement>("lint-badge");
  private readonly panel = $("lint-panel");
  private readonly list = $("lint-list");
  private open = false;

  constructor(private readonly hooks: LintPanelHooks) {
    this.badge.addEventListener("click", () => this.toggle());
  }

  toggle(force?: boolean): void {
    this.open = force ?? !this.open;
    this.panel.classList.toggle("show", this.open);
    this.badge.setAttribute("aria-expanded", String(this.open));
  }

  update(lint: LintResult | null | undefined): void {
    const findings = lint?.findings ?? [];
    const errors = lint?.errorCount ?? 0;
    const warnings = lint?.warningCount ?? 0;
    this.badge.className = `btn lint-badge ${errors ? "err" : warnings ? "warn" : "ok"}`;
    this.badge.textContent = !lint ? "Lint ?" : findings.length ? `Lint ${errors ? `${errors}✕` : ""}${errors && warnings ? " " : ""}${warnings ? `${warnings}⚠` : ""}` : "Lint ✓";
    this.badge.title = !lint ? "lint did not run" : findings.length ? `${errors} error(s), ${warnings} warning(s): click for the list` : "no lint findings";
    this.list.textContent = "";
    if (!findings.length) {
      this.list.append(h("div", { class: "empty" }, lint ? "No findings: the composition follows the contract." : "Lint did not run."));
      return;
    }
    for (const f of findings) {
      const id = elementId(f);
      const item = h(
        "li",
        { class: id ? "pick" : "", title: id ? `select #${id}` : "" },
        h("div", { class: "row" }, h("span", { class: `sev ${f.severity}` }, f.severity), h("code", {}, f.code), h("span", { class: "loc" }, `${f.file}${f.line ? `:${f.line}` : ""}`)),
        h("div", { class: "msg" }, f.message),
        f.hint ? h("div", { class: "hint" }, `→ ${f.hint}`) : null,
      );
      if (id) item.addEventListener("click", () => this.hooks.onElement(id));
      this.list.append(item);
    }
  }
}

/** What picking an element needs from the player. */
export interface ElementPicker {
  readonly compositionWindow: Window | null;
  readonly clips: readonly { id?: string | null; start: number | null }[];
  readonly playing: boolean;
  pause(): void;
  seek(t: number, final?: boolean): void;
}

/** Seek to the clip of the element with this id (or of its nearest timed ancestor) and outline it briefly. */
export function pickElement(p: ElementPicker, id: string): void {
  const win = p.compositionWindow as (Window & typeof globalThis) | null;
  const el = win?.document.getElementById(id);
  const clip = p.clips.find((c) => c.id === id) ?? p.clips.find((c) => c.id && el?.closest(`#${CSS.escape(c.id)}`));
  if (clip?.start != null) {
    if (p.playing) p.pause();
    p.seek(clip.start, true);
  }
  if (win && el instanceof win.HTMLElement) {
    const prev = el.style.outline;
    el.style.outline = "3px solid #5b8cff";
    setTimeout(() => (el.style.outline = prev), 1200);
  }
}
