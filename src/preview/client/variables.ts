/** The variables panel: one input per declared variable, generated from `data-composition-variables`. */
import { h, copyText, toast } from "./dom.js";
import type { VariableDecl } from "./types.js";

const FONTS = ["Inter", "Roboto", "Montserrat", "Poppins", "Open Sans", "Lato", "Arial", "Helvetica", "Georgia", "Times New Roman", "Courier New", "DejaVu Sans", "system-ui", "sans-serif", "serif", "monospace"];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Value shown for a font/image variable that may be an object ({name, source} / {url}). */
function plainValue(d: VariableDecl, v: unknown): unknown {
  if (v && typeof v === "object") {
    if (d.type === "font" && typeof (v as any).name === "string") return (v as any).name;
    if (d.type === "image" && typeof (v as any).url === "string") return (v as any).url;
  }
  return v;
}

function toHex(c: string): string {
  const s = c.trim();
  if (/^#[0-9a-f]{6}$/i.test(s)) return s.toLowerCase();
  if (/^#[0-9a-f]{3}$/i.test(s)) return `#${s.slice(1).split("").map((x) => x + x).join("")}`.toLowerCase();
  if (/^#[0-9a-f]{8}$/i.test(s)) return s.slice(0, 7).toLowerCase();
  const m = /^rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(s);
  if (m) return `#${[m[1], m[2], m[3]].map((n) => Math.min(255, Number(n)).toString(16).padStart(2, "0")).join("")}`;
  return "#000000";
}

export class VariablesPanel {
  private decls: VariableDecl[] = [];
  private values: Record<string, unknown> = {};
  private timer = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly countEl: HTMLElement,
    private readonly onChange: (overrides: Record<string, unknown>) => void,
  ) {}

  get schema(): VariableDecl[] {
    return this.decls;
  }

  /** Only the values that differ from their defaults (undeclared keys from a link are kept). */
  overrides(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.values)) {
      const d = this.decls.find((x) => x.id === k);
      if (!d || !same(d.default, v)) out[k] = v;
    }
    return out;
  }

  setSchema(decls: VariableDecl[], overrides: Record<string, unknown>): void {
    this.decls = decls;
    this.values = {};
    for (const d of decls) this.values[d.id] = d.default;
    for (const [k, v] of Object.entries(overrides)) this.values[k] = v;
    this.render();
  }

  reset(): void {
    this.values = {};
    for (const d of this.decls) this.values[d.id] = d.default;
    this.render();
    this.fire(0);
  }

  private fire(delay: number): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.onChange(this.overrides()), delay);
  }

  private set(d: VariableDecl, v: unknown, delay: number, row: HTMLElement): void {
    this.values[d.id] = v;
    row.classList.toggle("changed", !same(d.default, v));
    this.fire(delay);
  }

  private render(): void {
    this.root.textContent = "";
    this.countEl.textContent = this.decls.length ? String(this.decls.length) : "";
    if (!this.decls.length) {
      this.root.append(h("div", { class: "empty" }, "This composition declares no variables. Add a ", h("code", {}, "data-composition-variables"), " JSON array on <html> to get inputs here."));
      return;
    }
    for (const d of this.decls) this.root.append(this.row(d));
  }

  private row(d: VariableDecl): HTMLElement {
    const row = h("div", { class: `var${same(d.default, this.values[d.id]) ? "" : " changed"}`, "data-var": d.id });
    const inputId = `var-${d.id}`;
    row.append(h("label", { class: "name", for: inputId }, h("span", { class: "txt" }, d.label || d.id), h("span", { class: "id" }, d.id)));
    const editor = Object.hasOwn(EDITORS, d.type) ? EDITORS[d.type]! : textEditor;
    editor({ d, v: plainValue(d, this.values[d.id]), inputId, row, set: (value, delayMs) => this.set(d, value, delayMs, row) });
    if (d.description) row.append(h("div", { class: "desc" }, String(d.description)));
    return row;
  }
}

/** What a variable's editor gets: the declaration, the value shown, its row and how to set a new value. */
interface EditorContext {
  d: VariableDecl;
  v: unknown;
  inputId: string;
  row: HTMLElement;
  /** set the variable after `delayMs` of quiet (typing), 0 at once */
  set(value: unknown, delayMs: number): void;
}

/** a number: a slider too when it has min and max, its unit beside it */
function numberEditor(c: EditorContext): void {
  const { d, v, inputId, row } = c;
  const n = typeof v === "number" ? v : Number(v) || 0;
  const num = h("input", { type: "number", id: inputId, value: String(n), step: d.step !== undefined ? String(d.step) : "any" });
  if (d.min !== undefined) num.min = String(d.min);
  if (d.max !== undefined) num.max = String(d.max);
  const line = h("div", { class: "row" });
  if (d.min !== undefined && d.max !== undefined) {
    const range = h("input", { type: "range", min: String(d.min), max: String(d.max), step: String(d.step ?? ((d.max - d.min) / 100 || 1)), value: String(n), "aria-label": d.label });
    range.addEventListener("input", () => {
      num.value = range.value;
      c.set(Number(range.value), 120);
    });
    num.addEventListener("input", () => {
      if (num.value === "" || !Number.isFinite(Number(num.value))) return;
      range.value = num.value;
      c.set(Number(num.value), 300);
    });
    line.append(range);
  } else {
    num.addEventListener("input", () => {
      if (num.value === "" || !Number.isFinite(Number(num.value))) return;
      c.set(Number(num.value), 300);
    });
  }
  line.append(num);
  if (d.unit) line.append(h("span", { class: "kbd" }, String(d.unit)));
  row.append(line);
}

/** a colour: a picker and its text */
function colorEditor(c: EditorContext): void {
  const { d, v, inputId, row } = c;
  const str = typeof v === "string" ? v : String(v ?? "");
  const picker = h("input", { type: "color", value: toHex(str), "aria-label": d.label });
  const text = h("input", { type: "text", id: inputId, value: str, spellcheck: "false" });
  picker.addEventListener("input", () => {
    text.value = picker.value;
    c.set(picker.value, 120);
  });
  text.addEventListener("input", () => {
    picker.value = toHex(text.value);
    c.set(text.value, 350);
  });
  row.append(h("div", { class: "row" }, picker, text));
}

/** on/off */
function booleanEditor(c: EditorContext): void {
  const { d, v, inputId, row } = c;
  const cb = h("input", { type: "checkbox", id: inputId });
  cb.checked = v === true || v === "true";
  cb.addEventListener("change", () => c.set(cb.checked, 0));
  row.append(h("div", { class: "row" }, h("label", { class: "switch" }, cb, h("span")), h("span", { class: "kbd" }, cb.checked ? "on" : "off")));
  cb.addEventListener("change", () => ((row.querySelector(".row .kbd") as HTMLElement).textContent = cb.checked ? "on" : "off"));
}

/** one of the declared options (a value that is not one is kept and says so) */
function enumEditor(c: EditorContext): void {
  const { d, v, inputId, row } = c;
  const sel = h("select", { id: inputId });
  for (const o of d.options ?? []) sel.append(h("option", { value: o.value }, o.label ?? o.value));
  if (v !== undefined && ![...sel.options].some((o) => o.value === String(v))) sel.append(h("option", { value: String(v) }, `${String(v)} (not an option)`));
  sel.value = String(v ?? "");
  sel.addEventListener("change", () => c.set(sel.value, 0));
  row.append(sel);
}

/** a font family, with the bundled families suggested */
function fontEditor(c: EditorContext): void {
  const { d, v, inputId, row } = c;
  const listId = `fonts-${d.id}`;
  const input = h("input", { type: "text", id: inputId, value: String(v ?? ""), list: listId, spellcheck: "false" });
  input.style.fontFamily = `${String(v ?? "")}, sans-serif`;
  const list = h("datalist", { id: listId });
  for (const f of FONTS) list.append(h("option", { value: f }));
  input.addEventListener("input", () => {
    input.style.fontFamily = `${input.value}, sans-serif`;
    c.set(input.value, 400);
  });
  row.append(input, list);
}

/** an image URL or project path, with a thumbnail */
function imageEditor(c: EditorContext): void {
  const { d, v, inputId, row } = c;
  const input = h("input", { type: "url", id: inputId, value: String(v ?? ""), placeholder: "https://… or assets/image.png", spellcheck: "false" });
  const thumb = h("img", { class: "thumb", alt: "" });
  const showThumb = () => {
    thumb.style.display = input.value ? "" : "none";
    if (input.value) thumb.src = input.value;
  };
  thumb.addEventListener("error", () => (thumb.style.display = "none"));
  input.addEventListener("input", () => {
    showThumb();
    c.set(input.value, 500);
  });
  showThumb();
  row.append(input, thumb);
}

/** a string, or any other value as JSON (a red border while it does not parse) */
function textEditor(c: EditorContext): void {
  const { d, v, inputId, row } = c;
  const isString = typeof d.default === "string" || d.type === "string";
  const input = h("input", { type: "text", id: inputId, value: isString ? String(v ?? "") : JSON.stringify(v), spellcheck: "false" });
  if (d.placeholder) input.placeholder = String(d.placeholder);
  input.addEventListener("input", () => {
    if (isString) return c.set(input.value, 350);
    try {
      c.set(JSON.parse(input.value), 350);
      input.style.borderColor = "";
    } catch {
      input.style.borderColor = "var(--danger)";
    }
  });
  row.append(input);
}

const EDITORS: Record<string, (c: EditorContext) => void> = {
  number: numberEditor,
  color: colorEditor,
  boolean: booleanEditor,
  enum: enumEditor,
  font: fontEditor,
  image: imageEditor,
};

/** Copy the overrides as a shell-quoted `--variables '…'` argument (toast says so); returns the argument. */
export async function copyVariablesArgument(vars: Record<string, unknown>): Promise<string> {
  const arg = `--variables '${JSON.stringify(vars).replace(/'/g, "'\\''")}'`;
  const ok = await copyText(arg);
  toast(ok ? `Copied: ${arg}` : `Copy failed; the argument is: ${arg}`);
  return arg;
}
