import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { bundledFontFile, bundledFontsDir, fontEnvironment, fontFaceCss } from "../src/render/fonts.js";

describe("fonts", () => {
  it("bundles Liberation Sans/Serif/Mono and exposes only those files", () => {
    for (const f of ["LiberationSans-Regular.ttf", "LiberationSerif-BoldItalic.ttf", "LiberationMono-Bold.ttf"]) {
      const p = bundledFontFile(f);
      expect(p && existsSync(p)).toBeTruthy();
    }
    expect(bundledFontFile("../package.json")).toBeUndefined();
    expect(bundledFontFile("LiberationSans-Regular.ttf/../../x")).toBeUndefined();
  });

  it("the render fontconfig includes the system config, the bundled fonts and turns hinting off", () => {
    const env = fontEnvironment();
    if (process.platform !== "linux" || !existsSync("/etc/fonts/fonts.conf")) return;
    const conf = readFileSync(env.FONTCONFIG_FILE!, "utf8");
    expect(conf).toContain("<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>");
    expect(conf).toContain(`<dir>${bundledFontsDir()}</dir>`);
    expect(conf).toMatch(/hintnone/);
  });

  it("preview @font-face rules map the web-safe families to the same files", () => {
    const css = fontFaceCss("/f/");
    for (const fam of ["Arial", "Helvetica", "Times New Roman", "Courier New"]) expect(css).toContain(`font-family:"${fam}"`);
    expect(css).toContain('url("/f/LiberationSans-Bold.ttf")');
    expect(css).toContain('url("/f/LiberationMono-Italic.ttf")');
  });
});
