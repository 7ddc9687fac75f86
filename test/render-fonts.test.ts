/**
 * Deterministic fonts on real renders: a `font-family: Arial` page draws the bundled Inter (byte for byte
 * the glyphs of a page that loads Inter's file itself), while a page that names Arial only in the `font:`
 * shorthand keeps the system/Liberation face, as the official renderer does.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { cleanupProjects, makeProject } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames, maxFrameDifference } from "./helpers/media.js";
import { bundledFontFile } from "../src/render/fonts.js";
import { buildCompositionPage } from "../src/preview/compose-page.js";

afterAll(() => cleanupProjects());

const doc = (css: string) => `<!doctype html><html><head><style>
  body { margin: 0 } #root { position: relative; width: 320px; height: 90px; background: #fff; color: #000; overflow: hidden }
  h1 { position: absolute; left: 8px; top: 10px; margin: 0; font-size: 40px; font-weight: 700 }
  ${css}
</style></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="90" data-duration="0.1" data-fps="10"><h1>Hamburg 1920</h1></div>
</body></html>`;

async function firstFrame(files: Record<string, string | Buffer>) {
  const r = await renderProject(makeProject(files, { gsap: false }), { quality: "high" });
  return decodeFrames(r.output);
}

describe("deterministic fonts in renders", () => {
  it("font-family: Arial draws Inter Bold; the font shorthand alone keeps Liberation Sans", async () => {
    const inter = readFileSync(bundledFontFile("inter-latin-700-normal.woff2")!);
    const mapped = await firstFrame({ "index.html": doc(`h1 { font-family: Arial, sans-serif }`) });
    const reference = await firstFrame({
      "index.html": doc(`@font-face { font-family: "Ref"; src: url(ref.woff2) format("woff2"); font-weight: 700; font-display: block } h1 { font-family: Ref }`),
      "ref.woff2": inter,
    });
    const shorthand = await firstFrame({ "index.html": doc(`h1 { font: bold 40px Arial, sans-serif }`) });
    expect(maxFrameDifference(mapped, reference, 0), "Arial should draw exactly the bundled Inter").toBeLessThanOrEqual(8);
    expect(maxFrameDifference(shorthand, mapped, 0), "the shorthand should keep Liberation Sans").toBeGreaterThan(100);
  });

  // Inlined as data: the face has loaded by the time a script that ran after a <script src> measures a caption
  // it built (vignelli's captions, centred with translateX(-50%), which GSAP reads as pixels): behind a URL it
  // was still loading and the caption sat 10 px off the official frame (real-world corpus: vignelli).
  it("the preview page gets the same faces, inlined as data: URIs, and no Liberation face for a mapped family", () => {
    const html = buildCompositionPage(doc(`h1 { font-family: Arial }`));
    expect(html).toContain(`@font-face{font-family:"Arial";src:url("data:font/woff2;base64,${readFileSync(bundledFontFile("inter-latin-700-normal.woff2")!).toString("base64")}")`);
    expect(html).not.toMatch(/font-family:"Arial";src:url\("[^"]*Liberation/);
    expect(html).toMatch(/font-family:"Times New Roman";src:url\("\/__hyperframes\/fonts\/LiberationSerif/);
  });

  // registry captions link Google Fonts: the official renders them (bundled families drawn with its faces,
  // the others with a fallback); here that request failed the render with network_request_blocked
  it("a Google Fonts <link> or @import is not fetched and does not fail the render: Montserrat draws the bundled face, Gabarito is warned about", async () => {
    const sheet = "https://fonts.googleapis.com/css2?family=Montserrat:wght@700&amp;family=Gabarito:wght@900&amp;display=swap";
    const page = (css: string, head: string) => doc(css).replace("<style>", `${head}<style>`);
    const linked = await renderProject(
      makeProject({ "index.html": page(`h1 { font-family: Montserrat }`, `<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin><link href="${sheet}" rel="stylesheet">`) }, { gsap: false }),
      { quality: "high" },
    );
    const imported = await renderProject(
      makeProject({ "index.html": doc(`@import url("https://fonts.googleapis.com/css?family=Montserrat:700|Gabarito"); h1 { font-family: Montserrat }`) }, { gsap: false }),
      { quality: "high" },
    );
    // a project CSS file's @import reaches the browser: the render's request interception answers it
    const fromFile = await renderProject(
      makeProject(
        { "index.html": page(`h1 { font-family: Montserrat }`, `<link rel="stylesheet" href="fonts.css">`), "fonts.css": `@import url("${sheet.replace(/&amp;/g, "&")}");\n` },
        { gsap: false },
      ),
      { quality: "high" },
    );
    const reference = await firstFrame({
      "index.html": doc(`@font-face { font-family: "Ref"; src: url(ref.woff2) format("woff2"); font-weight: 700; font-display: block } h1 { font-family: Ref }`),
      "ref.woff2": readFileSync(bundledFontFile("montserrat-latin-700-normal.woff2")!),
    });
    for (const r of [linked, imported, fromFile]) {
      expect(maxFrameDifference(await decodeFrames(r.output), reference, 0), "Montserrat should draw the bundled face").toBeLessThanOrEqual(8);
      const w = r.warnings.filter((x) => x.includes("Google Fonts"));
      expect(w).toHaveLength(1);
      expect(w[0]).toContain("loads Gabarito from Google Fonts");
      expect(w[0]).not.toContain("Montserrat");
    }
  });

  it("a family asked for only by the Google Fonts link (a script names it) still gets the bundled face", () => {
    const html = buildCompositionPage(doc("").replace("<style>", `<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Outfit:wght@900">\n<style>`));
    expect(html).toContain('@font-face{font-family:"Outfit"');
    expect(html).not.toContain('href="https://fonts.googleapis.com');
  });
});
