/**
 * Deterministic fonts (compose/fonts): which families a page gets bundled faces for, and which it does not,
 * as the official renderer decides it. Pure string-in, string-out: no browser.
 */
import { dropFontServices, fontServiceFamilies, fontServiceWarning, isFontServiceUrl } from "../src/compose/fonts/font-services.js";
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { applyDeterministicFonts, parseFontFamilyList } from "../src/compose/fonts/deterministic.js";
import { BUNDLED_FAMILIES, bundledFaceFile } from "../src/compose/fonts/catalog.js";
import { bundledFontFile } from "../src/render/fonts.js";

const url = (f: string) => `/f/${f}`;
const page = (css: string, body = "<p>x</p>") => `<!doctype html>\n<html>\n<head>\n<style>\n${css}\n</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
/** family → files of the injected @font-face rules */
function faces(html: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of html.matchAll(/@font-face\{font-family:"([^"]+)";src:url\("\/f\/([^"]+)"\)/g)) (out[m[1]!] ??= []).push(m[2]!);
  return out;
}

describe("deterministic fonts", () => {
  it("maps system sans, mono and serif families onto the bundled Inter, JetBrains Mono and EB Garamond, under the name as written", () => {
    const r = applyDeterministicFonts(page(`h1 { font-family: Arial, sans-serif } code { font-family: "Courier New", monospace } p { font-family: 'Times New Roman' } i { font-family: Segoe UI }`), url);
    expect(faces(r.html)).toEqual({
      Arial: ["inter-latin-400-normal.woff2", "inter-latin-700-normal.woff2", "inter-latin-900-normal.woff2"],
      "Courier New": ["jetbrains-mono-latin-400-normal.woff2", "jetbrains-mono-latin-700-normal.woff2"],
      "Times New Roman": ["eb-garamond-latin-400-normal.woff2", "eb-garamond-latin-700-normal.woff2"],
      "Segoe UI": ["roboto-latin-400-normal.woff2", "roboto-latin-700-normal.woff2", "roboto-latin-900-normal.woff2"],
    });
    expect(Object.fromEntries(r.mapped)).toEqual({ Arial: "Inter", "Courier New": "JetBrains Mono", "Times New Roman": "EB Garamond", "Segoe UI": "Roboto" });
  });

  it("bundled families map to themselves; unknown families are left to the system and reported", () => {
    const r = applyDeterministicFonts(page(`a { font-family: Montserrat } b { font-family: "Playfair Display", serif } c { font-family: "Space Grotesk", Inter }`), url);
    expect(Object.fromEntries(r.mapped)).toEqual({ Montserrat: "Montserrat", "Playfair Display": "Playfair Display", Inter: "Inter" });
    expect(r.unresolved).toEqual(["Space Grotesk"]);
  });

  it("a stack that starts with a generic family gets Inter first, in declarations and custom properties alike", () => {
    const r = applyDeterministicFonts(page(`:root { --mono: monospace; --color: red } p { font-family: system-ui, sans-serif } q { font-family: var(--mono) }`), url);
    expect(r.html).toContain("font-family: Inter, system-ui, sans-serif");
    expect(r.html).toContain("--mono: Inter, monospace");
    expect(r.html).toContain("--color: red");
    expect(Object.keys(faces(r.html))).toEqual(["Inter"]);
  });

  it("-apple-system stacks and style/data-font-family attributes are rewritten too", () => {
    const r = applyDeterministicFonts(page("", `<p style="color: red; font-family: -apple-system, Helvetica">a</p><div data-font-family='monospace'>b</div>`), url);
    expect(r.html).toMatch(/style="color: red; font-family: Inter, -apple-system, Helvetica;?"/);
    expect(r.html).toContain(`data-font-family='Inter, monospace'`);
    expect(Object.keys(faces(r.html)).sort()).toEqual(["Helvetica", "Inter"]);
  });

  it("font-family: var(--x) resolves the family through the page's custom properties", () => {
    const r = applyDeterministicFonts(page(`:root { --display: "Courier New", monospace } h1 { font-family: var(--display) }`), url);
    expect(Object.keys(faces(r.html))).toEqual(["Courier New"]);
  });

  it("a var() the page never sets draws its fallback: the fallback gets Inter first and its families get faces (apple-money-count)", () => {
    const r = applyDeterministicFonts(
      page(`#root { font-family: var(\n  --font-display,\n  -apple-system,\n  "Helvetica Neue",\n  Arial,\n  sans-serif\n) } b { font-family: var(--nope, Georgia, serif) }`),
      url,
    );
    expect(r.html).toMatch(/font-family: var\(--font-display, Inter, -apple-system,/);
    expect(r.html).toContain("font-family: var(--nope, Georgia, serif)");
    expect(Object.fromEntries(r.mapped)).toEqual({ Inter: "Inter", "Helvetica Neue": "Inter", Arial: "Inter", Georgia: "EB Garamond" });
    // a property the page does set wins over the fallback, and is itself what gets promoted
    const set = applyDeterministicFonts(page(`:root { --f: "Courier New" } p { font-family: var(--f, -apple-system, Arial) }`), url);
    expect(set.html).toContain("font-family: var(--f, -apple-system, Arial)");
    expect(Object.keys(faces(set.html))).toEqual(["Courier New"]);
  });

  it("leaves alone: the font shorthand, @font-face declarations, and families the page declares itself", () => {
    const shorthand = page(`h1 { font: bold 40px Arial, sans-serif }`);
    expect(applyDeterministicFonts(shorthand, url).html).toBe(shorthand);
    const own = page(`@font-face { font-family: "Inter"; src: url(inter.woff2) } h1 { font-family: Inter, Georgia }`);
    expect(Object.keys(faces(applyDeterministicFonts(own, url).html))).toEqual(["Georgia"]);
  });

  it("keeps the page's line numbers (injected rules on the <head> line, edits inside the declarations)", () => {
    const src = page(`p {\n  font-family: sans-serif;\n}\nh1 { font-family: Arial }`, `<p style="font-family: monospace">a</p>`);
    const out = applyDeterministicFonts(src, url).html;
    expect(out).not.toBe(src);
    expect(out.split("\n").length).toBe(src.split("\n").length);
    expect(out.split("\n").findIndex((l) => l.includes("<body>"))).toBe(src.split("\n").findIndex((l) => l.includes("<body>")));
  });

  it("parses family lists with quotes, escapes and var() fallbacks", () => {
    expect(parseFontFamilyList(`"A, B", 'C' , var(--x, Arial), serif`)).toEqual(["A, B", "C", "var(--x, Arial)", "serif"]);
  });

  it("every bundled face file ships with the package", () => {
    for (const fam of BUNDLED_FAMILIES) for (const w of fam.weights) expect(existsSync(bundledFontFile(bundledFaceFile(fam.slug, w)) ?? "")).toBe(true);
    expect(bundledFontFile("inter-latin-500-normal.woff2")).toBeUndefined();
    expect(bundledFontFile("../inter-latin-400-normal.woff2")).toBeUndefined();
  });

  it("font-service sheets: families read from css2 and css URLs; links and @imports point at an empty sheet, lines kept", () => {
    expect(fontServiceFamilies("https://fonts.googleapis.com/css2?family=Inter:wght@400&family=Playfair+Display:ital,wght@0,800;1,800&display=swap")).toEqual(["Inter", "Playfair Display"]);
    expect(fontServiceFamilies("//fonts.googleapis.com/css?family=Roboto:400,700|Open+Sans&amp;subset=latin")).toEqual(["Roboto", "Open Sans"]);
    expect(isFontServiceUrl("https://fonts.googleapis.com/icon?family=Material+Icons")).toBe(true);
    expect(isFontServiceUrl("https://fonts.gstatic.com/s/inter/v1/a.woff2")).toBe(false);
    expect(isFontServiceUrl("https://example.com/?fonts.googleapis.com/css2")).toBe(false);
    const src = `<html><head>
<link href='https://fonts.googleapis.com/css2?family=Gabarito:wght@900' rel="stylesheet">
<style>
@import url(https://fonts.googleapis.com/css2?family=Poppins);
@import "local.css";
</style></head><body><p>x</p></body></html>`;
    const { html, uses } = dropFontServices(src);
    expect(uses.map((u) => [u.families, u.missing])).toEqual([[["Gabarito"], ["Gabarito"]], [["Poppins"], []]]);
    expect(html.split("\n").length).toBe(src.split("\n").length);
    expect(html).not.toMatch(/https:\/\/fonts\.googleapis/);
    expect(html).toMatch(/href='data:text\/css,[^'\s]+'/);
    expect(html).toMatch(/@import url\(data:text\/css,[^)\s]+\);/);
    expect(html).toContain('@import "local.css"');
    expect(fontServiceWarning("index.html", uses)).toMatch(/^index\.html loads Gabarito from Google Fonts/);
    expect(fontServiceWarning("index.html", uses.slice(1))).toBeUndefined();
  });
});
