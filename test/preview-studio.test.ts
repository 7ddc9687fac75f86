/**
 * The preview as a studio (issue 17): sub-compositions opened alone, the transport, every animated element
 * on the timeline, render settings and history, the theme. A real Vite server and a real headless Chrome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { startPreview, type PreviewServer } from "../src/preview/index.js";
import { compositionPixel, launch, makeProject, near, snapshot, waitFor } from "./preview-helpers.js";

/** compositions/intro.html: 200x120, 2 s at 25 fps, a "tint" colour variable, a GSAP-moved dot. */
export const INTRO_HTML = `<template id="intro-template">
  <div data-composition-id="intro" data-width="200" data-height="120" data-duration="2" data-fps="25"
       data-composition-variables='[{"id":"tint","type":"color","label":"Tint","default":"#00ff00"}]'>
    <style>
      .panel { position: absolute; left: 0; top: 0; width: 200px; height: 120px; background: var(--tint); }
      #dot { position: absolute; left: 0; top: 80px; width: 20px; height: 20px; background: rgb(255, 255, 255); }
    </style>
    <div class="panel"></div>
    <div id="dot"></div>
    <script>
      const tl = gsap.timeline({ paused: true });
      tl.to("#dot", { x: 160, duration: 2, ease: "none" }, 0);
      window.__timelines = window.__timelines || {};
      window.__timelines["intro"] = tl;
    </script>
  </div>
</template>
`;

let dir: string;
let server: PreviewServer;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  dir = makeProject();
  mkdirSync(path.join(dir, "compositions"), { recursive: true });
  writeFileSync(path.join(dir, "compositions", "intro.html"), INTRO_HTML);
  server = await startPreview({ project: dir, port: 0 });
  base = `http://127.0.0.1:${server.port}`;
  browser = await launch();
  page = await browser.newPage();
  page.on("pageerror", (e) => console.error("player page error:", e));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query = "", ready = true): Promise<void> {
  await page.goto(`${base}/${query}`, { waitUntil: "load" });
  if (ready) await waitFor(page, (s) => s.ready, "the composition to be ready");
}

async function seekTo(t: number): Promise<void> {
  await page.evaluate((tt) => (window as any).__hfPreview.seek(tt), t);
  await waitFor(page, (s) => Math.abs(s.time - t) < 1e-6, `time ${t}`);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

function boxRatio(): Promise<number> {
  return page.evaluate(() => {
    const r = document.getElementById("frame-box")!.getBoundingClientRect();
    return r.width / r.height;
  });
}

describe("sub-compositions open alone (issue 17 defect 4)", () => {
  it("the project info lists every composition, entries and sub-compositions, with their ids", async () => {
    const info = (await fetch(`${base}/__hyperframes/api/project`).then((r) => r.json())) as any;
    const list = info.compositions.map((c: any) => `${c.kind}:${c.file}#${c.id}`);
    expect(list).toEqual(["entry:index.html#main", "entry:alt.html#alt", "entry:sub.html#sub", "sub:card.html#card", "sub:compositions/chip.html#chip", "sub:compositions/intro.html#intro"]);
    // the dev server reports the entries it serves
    expect(server.compositions.map((c) => c.file)).toEqual(["index.html", "alt.html", "sub.html"]);
  });

  it("?comp=compositions/intro.html opens it alone at its own size, duration and fps, with its variable defaults", async () => {
    await open("?comp=compositions/intro.html");
    const s = await snapshot(page);
    expect(s).toMatchObject({ comp: "compositions/intro.html", duration: 2, fps: 25, overlay: false });
    expect(Math.abs((await boxRatio()) - 200 / 120)).toBeLessThan(0.02);
    expect(await page.$eval("#comp-picker", (e) => (e as HTMLSelectElement).value)).toBe("compositions/intro.html");
    // the declared variable, at its default (the panel tints with it)
    expect(await page.$eval("#var-tint", (e) => (e as HTMLInputElement).value)).toBe("#00ff00");
    await seekTo(1);
    expect(near(await compositionPixel(page, 5, 5), [0, 255, 0])).toBe(true);
    // its own GSAP timeline drives it: at 1 s the dot is at x = 80
    expect(near(await compositionPixel(page, 90, 90), [255, 255, 255])).toBe(true);
    expect(near(await compositionPixel(page, 40, 90), [0, 255, 0])).toBe(true);
    // a variable override reaches it like a page's data-variable-values
    const before = await snapshot(page);
    const input = await page.$("#var-tint");
    await input!.click({ clickCount: 3 });
    await input!.type("#ff00ff");
    await waitFor(page, (x) => x.loads > before.loads && x.ready && (x.vars as any).tint === "#ff00ff", "a reload with the override", 10_000);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(near(await compositionPixel(page, 5, 5), [255, 0, 255])).toBe(true);
    expect(new URL(page.url()).searchParams.get("comp")).toBe("compositions/intro.html");
  }, 60_000);

  it("the picker opens a sub-composition alone and says so in the URL", async () => {
    await open();
    const groups = await page.$$eval("#comp-picker optgroup", (gs) => gs.map((g) => `${(g as HTMLOptGroupElement).label}: ${Array.from(g.children).map((o) => o.textContent).join(" | ")}`));
    expect(groups[1]).toContain("compositions/chip.html  ·  #chip");
    await page.select("#comp-picker", "compositions/chip.html");
    const s = await waitFor(page, (x) => x.comp === "compositions/chip.html" && x.ready, "chip alone", 10_000);
    expect(s.overlay).toBe(false);
    expect(Math.abs((await boxRatio()) - 1)).toBeLessThan(0.02);
    expect(near(await compositionPixel(page, 50, 50), [0, 200, 200])).toBe(true);
    expect(new URL(page.url()).searchParams.get("comp")).toBe("compositions/chip.html");
  }, 60_000);

  it("an unknown composition in the URL is an error that names it, not another composition", async () => {
    await open("?comp=compositions/nope.html", false);
    await page.waitForSelector("#overlay.show", { timeout: 10_000 });
    const text = await page.$eval("#overlay", (e) => e.textContent ?? "");
    expect(text).toContain("No such composition");
    expect(text).toContain("compositions/nope.html is not a composition of this project");
    const s = await snapshot(page);
    expect(s.comp).toBe("compositions/nope.html");
    expect(s.ready).toBe(false);
    expect(await page.$$eval("#frame-box iframe[data-token]", (fs) => fs.length), "no composition page loaded").toBe(0);
    const r = await fetch(`${base}/__hyperframes/api/project?comp=compositions/nope.html`);
    expect(r.status).toBe(404);
  }, 30_000);
});
