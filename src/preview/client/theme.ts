/**
 * Light and dark: the player follows the system's preference until the theme button is clicked. A click
 * flips what is shown; the choice is remembered (localStorage) unless it is what the system prefers anyway,
 * in which case the player follows the system again. player-css.ts has both themes and the boot script.
 */
import { $ } from "./dom.js";

const KEY = "hf-preview-theme";
const SUN = '<svg viewBox="0 0 16 16"><circle cx="8" cy="8" r="3.2"/><path d="M7.3 0h1.4v2.6H7.3zM7.3 13.4h1.4V16H7.3zM0 7.3h2.6v1.4H0zM13.4 7.3H16v1.4h-2.6zM2.1 3.1l1-1 1.8 1.8-1 1zM11.1 12.1l1-1 1.8 1.8-1 1zM2.1 12.9l1.8-1.8 1 1-1.8 1.8zM11.1 3.9l1.8-1.8 1 1-1.8 1.8z"/></svg>';
const MOON = '<svg viewBox="0 0 16 16"><path d="M6.2 1.2A7 7 0 1014.8 9.8 5.6 5.6 0 016.2 1.2z"/></svg>';

type Theme = "light" | "dark";

const systemTheme = (): Theme => (matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark");

function stored(): Theme | undefined {
  try {
    const t = localStorage.getItem(KEY);
    return t === "light" || t === "dark" ? t : undefined;
  } catch {
    return undefined;
  }
}

/** The theme shown now, and whether it was chosen (else it follows the system). */
export function currentTheme(): { theme: Theme; chosen: boolean } {
  const t = document.documentElement.dataset.theme;
  return t === "light" || t === "dark" ? { theme: t, chosen: true } : { theme: systemTheme(), chosen: false };
}

function apply(choice: Theme | undefined): void {
  const root = document.documentElement;
  if (choice) root.dataset.theme = choice;
  else delete root.dataset.theme;
  try {
    if (choice) localStorage.setItem(KEY, choice);
    else localStorage.removeItem(KEY);
  } catch {
    // storage refused: the choice lasts for this page
  }
  draw();
}

function draw(): void {
  const btn = $("theme-toggle");
  const { theme, chosen } = currentTheme();
  const other = theme === "dark" ? "light" : "dark";
  btn.innerHTML = theme === "dark" ? MOON : SUN;
  btn.dataset.theme = theme;
  btn.title = `${theme === "dark" ? "Dark" : "Light"} theme (${chosen ? "chosen" : "follows the system"}); click for ${other}`;
  btn.setAttribute("aria-label", btn.title);
}

export function bindTheme(): void {
  const btn = $("theme-toggle");
  btn.addEventListener("click", () => {
    const next: Theme = currentTheme().theme === "dark" ? "light" : "dark";
    apply(next === systemTheme() ? undefined : next);
  });
  matchMedia("(prefers-color-scheme: light)").addEventListener("change", draw);
  if (stored() !== document.documentElement.dataset.theme) apply(stored());
  else draw();
}
