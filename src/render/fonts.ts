/**
 * Font configuration for renders. Chrome reads fonts through fontconfig; we hand it a config of our own
 * that includes the system's (so every installed font is found: Arial → Liberation Sans, etc.) and
 * turns hinting off. Unhinted outlines place text the same way on every machine and match the
 * official renderer's frames best (measured on the conformance corpus: hintslight, the Debian default,
 * shifts large text by up to 2 px). It also adds the package's bundled Liberation fonts (fonts/liberation),
 * so Arial, Times New Roman and Courier New resolve the same way on every machine.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { findPackageRoot } from "../package-root.js";
import { createHash } from "node:crypto";
import { isBundledFaceFile } from "../compose/fonts/catalog.js";
import { writeFileAtomicSync } from "../fs-atomic.js";
import { mappedFacePath } from "../compose/page.js";

const conf = (bundled: string) => `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- written by hyperframes-toolkit: system fonts + bundled Liberation fonts, unhinted, greyscale antialiasing -->
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${bundled}</dir>
  <match target="font">
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
  </match>
</fontconfig>
`;

/** Environment variables to launch the browser with (empty when the system has no fontconfig). */
export function fontEnvironment(): Record<string, string> {
  if (process.platform !== "linux" || !existsSync("/etc/fonts/fonts.conf")) return {};
  const dir = path.join(process.env.XDG_CACHE_HOME || path.join(homedir() || tmpdir(), ".cache"), "hyperframes-toolkit");
  const CONF = conf(bundledFontsDir());
  // one file per content: two checkouts (different bundled paths) never overwrite each other's
  const file = path.join(dir, `fonts-${createHash("sha256").update(CONF).digest("hex").slice(0, 10)}.conf`);
  try {
    if (!existsSync(file) || readFileSync(file, "utf8") !== CONF) {
      // concurrent renders never see a half-written file
      writeFileAtomicSync(file, CONF);
    }
  } catch {
    return {};
  }
  return { FONTCONFIG_FILE: file };
}

/** The package's fonts/liberation folder. */
export function bundledFontsDir(): string {
  return path.join(findPackageRoot(), "fonts", "liberation");
}

const FACE_FILES: Record<string, string[]> = {
  Sans: ["Arial", "Helvetica", "Liberation Sans"],
  Serif: ["Times New Roman", "Times", "Liberation Serif"],
  Mono: ["Courier New", "Courier", "Liberation Mono"],
};
const VARIANTS = [
  { suffix: "Regular", weight: 400, style: "normal" },
  { suffix: "Bold", weight: 700, style: "normal" },
  { suffix: "Italic", weight: 400, style: "italic" },
  { suffix: "BoldItalic", weight: 700, style: "italic" },
];

/**
 * @font-face rules that map Arial/Helvetica, Times New Roman/Times and Courier New/Courier to the bundled
 * Liberation files (served under `urlPrefix`). The preview injects them so the author's browser shows the
 * same glyphs as the render, whatever fonts the author's machine has. Families in `skip` (those the page
 * maps onto a bundled family, see compose/fonts) get no Liberation face.
 */
export function fontFaceCss(urlPrefix: string, skip: Iterable<string> = []): string {
  const skipped = new Set([...skip].map((f) => f.toLowerCase()));
  const rules: string[] = [];
  for (const [kind, families] of Object.entries(FACE_FILES)) {
    for (const v of VARIANTS) {
      const file = `Liberation${kind}-${v.suffix}.ttf`;
      for (const fam of families.filter((f) => !skipped.has(f.toLowerCase())))
        rules.push(`@font-face{font-family:"${fam}";src:url("${urlPrefix}${file}") format("truetype");font-weight:${v.weight === 700 ? "600 900" : "100 500"};font-style:${v.style};font-display:block}`);
    }
  }
  return rules.join("\n");
}

/** Path of a bundled font file by name (no directories): a Liberation face or a mapped face (fonts/mapped), or undefined. */
export function bundledFontFile(name: string): string | undefined {
  let p: string | undefined;
  if (/^Liberation(Sans|Serif|Mono)-(Regular|Bold|Italic|BoldItalic)\.ttf$/.test(name)) p = path.join(bundledFontsDir(), name);
  else if (isBundledFaceFile(name)) p = mappedFacePath(name);
  return p && existsSync(p) ? p : undefined;
}
