/**
 * The composition picker: every composition of the project, the entries and then the sub-compositions
 * (which open alone, at their own size and duration), each with its id.
 */
import { $, h } from "./dom.js";
import type { CompositionEntry } from "./types.js";

export class CompositionPicker {
  readonly el = $<HTMLSelectElement>("comp-picker");

  constructor(onPick: (file: string) => void) {
    this.el.addEventListener("change", () => onPick(this.el.value));
  }

  /** List `compositions` and select `current` (a file the project lacks is shown as missing, selected). */
  fill(compositions: CompositionEntry[], current: string): void {
    this.el.textContent = "";
    const groups: [string, CompositionEntry[]][] = [
      ["Compositions", compositions.filter((c) => c.kind !== "sub")],
      ["Sub-compositions (open alone)", compositions.filter((c) => c.kind === "sub")],
    ];
    for (const [label, list] of groups) {
      if (!list.length) continue;
      const group = h("optgroup", { label });
      for (const c of list) group.append(h("option", { value: c.file, "data-kind": c.kind }, `${c.file}  ·  #${c.id}`));
      this.el.append(group);
    }
    if (current && !compositions.some((c) => c.file === current)) this.el.append(h("option", { value: current, disabled: true }, `${current} (not found)`));
    this.el.value = current;
    this.el.disabled = compositions.length < 2 && compositions[0]?.file === current;
  }
}
