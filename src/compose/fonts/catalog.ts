/**
 * The fonts every render gets, on every machine (contract: deterministic fonts, as the official renderer
 * does them). A composition that names one of these families, or a system family mapped onto one, in a
 * `font-family` declaration gets an `@font-face` for the bundled file, so "Arial" draws Inter everywhere.
 *
 * Pure data, shared by the page builder (render and preview), `info` and scripts/vendor-fonts.mjs.
 * The files are the latin subsets of the @fontsource packages at the versions below (fonts/mapped/).
 */

export interface BundledFamily {
  /** @fontsource package name without the scope, also the file prefix */
  slug: string;
  /** the family's own name */
  name: string;
  /** @fontsource version the files come from */
  version: string;
  /** weights shipped (normal style only) */
  weights: readonly number[];
}

const f = (slug: string, name: string, version: string, weights: number[]): BundledFamily => ({ slug, name, version, weights });
const W3 = [400, 700, 900];
const W2 = [400, 700];

export const BUNDLED_FAMILIES: readonly BundledFamily[] = [
  f("inter", "Inter", "5.2.8", W3),
  f("montserrat", "Montserrat", "5.2.8", W3),
  f("outfit", "Outfit", "5.2.8", W3),
  f("nunito", "Nunito", "5.2.7", W3),
  f("oswald", "Oswald", "5.2.8", W2),
  f("league-gothic", "League Gothic", "5.2.8", [400]),
  f("archivo-black", "Archivo Black", "5.2.8", [400]),
  f("space-mono", "Space Mono", "5.2.9", W2),
  f("ibm-plex-mono", "IBM Plex Mono", "5.2.7", W2),
  f("jetbrains-mono", "JetBrains Mono", "5.2.8", W2),
  f("eb-garamond", "EB Garamond", "5.2.7", W2),
  f("playfair-display", "Playfair Display", "5.2.8", W3),
  f("source-code-pro", "Source Code Pro", "5.2.7", W2),
  f("noto-sans-jp", "Noto Sans JP", "5.2.9", W2),
  f("roboto", "Roboto", "5.2.10", W3),
  f("open-sans", "Open Sans", "5.2.7", W2),
  f("lato", "Lato", "5.2.7", W3),
  f("poppins", "Poppins", "5.2.7", W3),
];

const bySlug = new Map(BUNDLED_FAMILIES.map((b) => [b.slug, b]));

const aliases = (slug: string, names: string[]): [string, string][] => names.map((n) => [n, slug]);

/** Lower-case family name → bundled slug: the bundled families themselves, then system families mapped onto them. */
export const FAMILY_MAP: ReadonlyMap<string, string> = new Map<string, string>([
  ...BUNDLED_FAMILIES.map((b): [string, string] => [b.name.toLowerCase(), b.slug]),
  ...aliases("inter", [
    "helvetica neue", "helvetica", "arial", "helvetica bold",
    "sf pro", "sf pro display", "sf pro text", "sf pro rounded", "avenir", "avenir next", "lucida grande", "geneva", "optima",
    "verdana", "tahoma", "trebuchet ms", "calibri", "candara", "corbel", "lucida sans", "lucida sans unicode",
    "noto sans", "dejavu sans", "liberation sans",
  ]),
  ...aliases("montserrat", ["futura", "din alternate", "arial black"]),
  ...aliases("league-gothic", ["bebas neue"]),
  ...aliases("jetbrains-mono", [
    "courier new", "courier", "sf mono", "menlo", "monaco", "consolas", "lucida console", "lucida sans typewriter",
    "andale mono", "dejavu sans mono", "liberation mono",
  ]),
  ...aliases("eb-garamond", [
    "garamond", "georgia", "palatino", "palatino linotype", "book antiqua", "cambria", "times", "times new roman",
    "dejavu serif", "liberation serif",
  ]),
  ...aliases("noto-sans-jp", ["noto sans japanese"]),
  ...aliases("roboto", ["segoe ui"]),
]);

/** Generic and host-UI family keywords (lower case): never mapped themselves; a stack starting with one gets Inter first. */
export const GENERIC_FAMILIES: ReadonlySet<string> = new Set([
  "sans-serif", "serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif", "ui-serif", "ui-monospace",
  "emoji", "math", "fangsong", "-apple-system", "blinkmacsystemfont",
]);

/** The family put first in a stack that starts with a generic family. */
export const DEFAULT_PRIMARY_FAMILY = "Inter";

/** The bundled family a name resolves to, or undefined. */
export function bundledFamilyFor(name: string): BundledFamily | undefined {
  const slug = FAMILY_MAP.get(name.trim().toLowerCase());
  return slug ? bySlug.get(slug) : undefined;
}

/** File name of a bundled face in fonts/mapped/. */
export function bundledFaceFile(slug: string, weight: number): string {
  return `${slug}-latin-${weight}-normal.woff2`;
}

/** Whether `name` is one of the bundled face files (safe to serve by name). */
export function isBundledFaceFile(name: string): boolean {
  const m = /^([a-z-]+)-latin-(\d+)-normal\.woff2$/.exec(name);
  return !!m && !!bySlug.get(m[1]!)?.weights.includes(Number(m[2]));
}
