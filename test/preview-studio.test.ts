/**
 * The preview as a studio (issue 17): sub-compositions opened alone, the transport, every animated element
 * on the timeline, render settings and history, the theme. A real Vite server and a real headless Chrome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "puppeteer-core";
import { startPreview, type PreviewServer } from "../src/preview/index.js";
import { ARTIFACTS, compositionPixel, makeProject, near, openPreview, snapshot, waitFor, type PreviewSession } from "./preview-helpers.js";

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

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let dir: string;
let session: PreviewSession;
let server: PreviewServer;
let page: Page;
let base: string;

beforeAll(async () => {
  dir = makeProject();
  mkdirSync(path.join(dir, "compositions"), { recursive: true });
  writeFileSync(path.join(dir, "compositions", "intro.html"), INTRO_HTML);
  session = await openPreview(dir);
  ({ server, page, base } = session);
}, 60_000);

afterAll(() => session?.close());

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

describe("transport (issue 17)", () => {
  const frame = (s: { time: number }) => Math.round(s.time * 30);

  it("Tab reaches the play controls before the variable inputs", async () => {
    await open();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const order: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      order.push(await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        return a?.closest("#vars") ? "vars" : (a?.id ?? "");
      }));
    }
    const play = order.indexOf("btn-play");
    const vars = order.indexOf("vars");
    expect(play, order.join(",")).toBeGreaterThanOrEqual(0);
    expect(vars, order.join(",")).toBeGreaterThan(play);
    expect(order.indexOf("jump")).toBeLessThan(vars);
    // the layout did not move: the transport is under the stage, the variables on the right
    const r = await page.evaluate(() => {
      const box = (e: Element) => e.getBoundingClientRect().toJSON() as { top: number; bottom: number; left: number; right: number };
      return { t: box(document.getElementById("transport")!), a: box(document.querySelector("aside")!), s: box(document.getElementById("stage")!) };
    });
    expect(r.t.top).toBeGreaterThanOrEqual(r.s.bottom - 1);
    expect(r.a.left).toBeGreaterThanOrEqual(r.t.right - 1);
  }, 30_000);

  it("Shift+arrows move ten frames, Home/End the ends; the readout gives seconds and the frame", async () => {
    await open();
    await seekTo(0.1);
    await page.keyboard.down("Shift");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.up("Shift");
    await waitFor(page, (s) => frame(s) === 13, "frame 13");
    await page.keyboard.down("Shift");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.up("Shift");
    await waitFor(page, (s) => frame(s) === 0, "frame 0 (clamped)");
    await page.keyboard.press("End");
    await waitFor(page, (s) => frame(s) === 29, "the last frame");
    expect(await page.$eval("#time", (e) => e.textContent)).toBe("0.97 s / 1.00 s");
    expect(await page.$eval("#frameno", (e) => e.textContent)).toBe("frame 29 · 30 frames");
    await page.keyboard.press("Home");
    await waitFor(page, (s) => s.time === 0, "the start");
  }, 30_000);

  it("J/K/L shuttle: L plays forward (again: 2x), K stops, J plays backward (again: 2x) down to the first frame", async () => {
    await open();
    await seekTo(0);
    await page.keyboard.press("l");
    await waitFor(page, (s) => s.playing && s.shuttle === 1 && s.time > 0.1, "forward playback");
    await page.keyboard.press("l");
    await waitFor(page, (s) => s.shuttle === 2 && s.rate === 2, "2x forward");
    await page.keyboard.press("k");
    const stopped = await waitFor(page, (s) => !s.playing && s.shuttle === 0, "K to stop");
    expect(stopped.rate, "the speed from before the shuttle").toBe(1);
    await page.keyboard.press("End");
    await waitFor(page, (s) => frame(s) === 29, "the last frame");
    await page.keyboard.press("j");
    const back = await waitFor(page, (s) => s.playing && s.shuttle === -1 && frame(s) < 25, "backward playback");
    expect(await page.$eval("#shuttle", (e) => e.textContent)).toBe("◀◀ 1×");
    // the page shows what the player says: the composition's own time went back too
    const pageTime = await page.evaluate(() => (window as any).__hfPreview.compositionWindow.__player.getTime());
    expect(pageTime).toBeLessThan(0.97);
    await page.keyboard.press("j");
    await waitFor(page, (s) => s.shuttle === -2 && s.time < back.time, "2x backward");
    await page.keyboard.press("k");
    const held = await waitFor(page, (s) => !s.playing && s.shuttle === 0, "K to stop backward play");
    expect(held.time).toBeLessThan(back.time);
    await new Promise((r) => setTimeout(r, 200));
    expect((await snapshot(page)).time, "stopped means stopped").toBe(held.time);
    // L while going backward turns forward
    await page.keyboard.press("j");
    const rev = await waitFor(page, (s) => s.playing && s.shuttle === -1 && s.time < held.time, "backward again");
    await page.keyboard.press("l");
    await waitFor(page, (s) => s.playing && s.shuttle === 1 && s.time > rev.time, "forward after backward");
    await page.keyboard.press("k");
    await waitFor(page, (s) => !s.playing, "stop");
    await page.keyboard.press("j");
    const end = await waitFor(page, (s) => !s.playing && s.time === 0, "backward play to stop at the first frame", 5000);
    expect(end.shuttle).toBe(0);
  }, 30_000);

  it("the go-to box takes a frame or a time", async () => {
    await open();
    const go = async (text: string) => {
      await page.click("#jump", { clickCount: 3 });
      await page.type("#jump", text);
      await page.keyboard.press("Enter");
    };
    await go("12");
    await waitFor(page, (s) => frame(s) === 12, "frame 12");
    await go("0.5s");
    await waitFor(page, (s) => frame(s) === 15, "0.5 s");
    await go("0:00.9");
    await waitFor(page, (s) => frame(s) === 27, "0:00.9");
    expect(await page.$eval("#frameno", (e) => e.textContent)).toBe("frame 27 · 30 frames");
    await go("soon");
    expect(await page.$eval("#jump", (e) => e.classList.contains("bad"))).toBe(true);
    expect(frame(await snapshot(page))).toBe(27);
  }, 30_000);
});

describe("every animated element on the timeline (issue 17), on the data-chart template", () => {
  let chartDir: string;
  let chart: PreviewServer;
  let chartBase: string;
  const MOTION = `<!doctype html>
<html><head><meta charset="utf-8">
<style>
  @keyframes spin { from { transform: rotate(0deg); } to { transform: rotate(90deg); } }
  #spinner { position: absolute; left: 10px; top: 10px; width: 40px; height: 40px; background: #fff; animation: spin 1s linear 0.5s both; }
  #wa { position: absolute; left: 100px; top: 10px; width: 40px; height: 40px; background: #f0f; }
</style></head>
<body>
  <div id="root" data-composition-id="motion" data-width="320" data-height="180" data-duration="3" data-no-timeline>
    <div id="scene" class="clip" data-start="1" data-duration="2" data-track-index="0"><div id="spinner"></div></div>
    <div id="wa"></div>
  </div>
  <script>document.getElementById("wa").animate([{ opacity: 0 }, { opacity: 1 }], { duration: 800, delay: 200, fill: "both", id: "fade" });</script>
</body></html>`;

  beforeAll(async () => {
    chartDir = makeProject();
    copyFileSync(path.join(REPO, "templates", "data-chart", "index.html"), path.join(chartDir, "index.html"));
    writeFileSync(path.join(chartDir, "motion.html"), MOTION);
    chart = await startPreview({ project: chartDir, port: 0 });
    chartBase = `http://127.0.0.1:${chart.port}`;
  }, 60_000);
  afterAll(async () => {
    await chart?.close();
  });

  const rows = (group: string) =>
    page.$$eval(`#lanes .lane.anim[data-group="${group}"]`, (els) =>
      els.map((e) => ({ label: e.getAttribute("data-element")!, spans: Array.from(e.querySelectorAll(".span")).map((s) => ({ start: Number(s.getAttribute("data-start")), kind: s.className.replace("span k-", "") })) })),
    );

  it("lists the elements the GSAP timeline animates under an expandable lane; a span click seeks to its start", async () => {
    // first frame: the best of three opens (the machine is shared); the 1.5 s target is measured on a
    // quiet machine, this bound only catches a hang
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await page.goto(`${chartBase}/`, { waitUntil: "domcontentloaded" });
      await waitFor(page, (s) => s.ready, "the data-chart composition");
      best = Math.min(best, Date.now() - t0);
    }
    console.log(`data-chart first frame: ${best} ms (best of 3)`);
    expect(best).toBeLessThan(4000);
    const s = await snapshot(page);
    expect(s.animated).toBeGreaterThanOrEqual(20);
    // collapsed until asked: one clip lane (bg) and the Root group
    expect(await rows("root")).toEqual([]);
    await page.click('#lanes [data-toggle="root"]');
    const list = await rows("root");
    const labels = list.map((r) => r.label);
    for (const l of ["#title", "#title-rule", "#axis", "#chart", "div.gridline 1", "div.gridline 4", "div.bar 1", "div.bar 5", "div.label 3", "span.num 2", "div.value 5"]) expect(labels).toContain(l);
    // staggered tweens land per element: bar 3 grows from 0.9 + 2 x 0.15 s
    const bar3 = list.find((r) => r.label === "div.bar 3")!;
    expect(bar3.spans).toHaveLength(1);
    expect(bar3.spans[0]!.kind).toBe("gsap");
    expect(bar3.spans[0]!.start).toBeCloseTo(1.2, 5);
    // the value label has two tweens (rise and fade), both at 0.9 + 4 x 0.15
    expect(list.find((r) => r.label === "div.value 5")!.spans.map((x) => x.start)).toEqual([expect.closeTo(1.5, 5), expect.closeTo(1.5, 5)]);
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-animated-lanes.png") });
    await page.click('#lanes .lane.anim[data-element="div.bar 3"] .span');
    await waitFor(page, (x) => Math.round(x.time * 30) === 36, "the seek to bar 3's start (frame 36)");
    await page.click('#lanes .lane.anim[data-element="#chart"] .span');
    await waitFor(page, (x) => Math.round(x.time * 30) === 126, "the seek to the chart fade (4.2 s)");
  }, 60_000);

  it("hot reload keeps the expanded lanes, quickly (the 0.5 s target is measured on a quiet machine; this bound only catches a hang)", async () => {
    await page.goto(`${chartBase}/`, { waitUntil: "load" });
    await waitFor(page, (s) => s.ready, "ready");
    if (!(await rows("root")).length) await page.click('#lanes [data-toggle="root"]');
    const file = path.join(chartDir, "index.html");
    const original = readFileSync(file, "utf8");
    let best = Infinity;
    try {
      for (let i = 0; i < 3; i++) {
        const before = await snapshot(page);
        const t0 = Date.now();
        writeFileSync(file, original.replace("#0f172a", i % 2 ? "#0f172b" : "#101827"));
        await waitFor(page, (s) => s.loads > before.loads && s.ready, "the reload", 10_000);
        best = Math.min(best, Date.now() - t0);
      }
    } finally {
      writeFileSync(file, original);
    }
    console.log(`data-chart hot reload: ${best} ms (best of 3)`);
    // a loaded CI machine (2 cores shared with renders) measured 728 ms once; a quiet one ~150 ms
    expect(best).toBeLessThan(2000);
    expect((await rows("root")).length).toBeGreaterThanOrEqual(20);
  }, 60_000);

  it("CSS animations sit under their clip's lane at the clip's time, WAAPI ones where they were created", async () => {
    await page.goto(`${chartBase}/?comp=motion.html`, { waitUntil: "load" });
    await waitFor(page, (s) => s.ready && s.comp === "motion.html", "motion.html");
    await page.click('#lanes [data-toggle="0"]');
    const track = await rows("0");
    expect(track).toEqual([{ label: "#spinner", spans: [{ start: 1.5, kind: "css" }] }]);
    await page.click('#lanes [data-toggle="root"]');
    const root = await rows("root");
    expect(root).toEqual([{ label: "#wa", spans: [{ start: expect.closeTo(0.2, 5), kind: "waapi" }] }]);
    await page.click('#lanes .lane.anim[data-element="#spinner"] .span');
    await waitFor(page, (x) => Math.abs(x.time - 1.5) < 1e-6, "the seek to the CSS animation's start");
  }, 60_000);
});

describe("render settings and history (issue 17)", () => {
  const token = () => page.evaluate(() => String((window as any).__HF_API_TOKEN));
  const history = () => page.$$eval("#render-history li[data-file]", (els) => els.map((e) => e.getAttribute("data-file")!));

  it("Render opens the settings with the current variables; a WebM at 10 fps renders with them and lands in the history", async () => {
    await open(`?v=${encodeURIComponent(JSON.stringify({ accent: "#ff8800" }))}`);
    expect(await page.$eval("#render-panel", (e) => e.classList.contains("show"))).toBe(false);
    await page.click("#render-btn");
    await page.waitForSelector("#render-panel.show");
    expect(JSON.parse(await page.$eval("#render-vars", (e) => e.textContent!))).toEqual({ accent: "#ff8800" });
    expect(await page.$eval("#render-fps", (e) => (e as HTMLInputElement).placeholder)).toBe("30");
    await page.select("#render-format", "webm");
    await page.type("#render-fps", "10");
    await page.click("#render-start");
    const link = await page.waitForSelector("#render-link", { timeout: 120_000 });
    const href = await link!.evaluate((a) => a.getAttribute("href")!);
    expect(href).toMatch(/^\/renders\/index-preview-.*\.webm$/);
    expect(await page.$eval("#render-progress", (e) => e.textContent)).toContain("10 frames");
    await page.waitForFunction((f) => !!document.querySelector(`#render-history li[data-file="${f}"]`), { timeout: 10_000 }, decodeURIComponent(href).slice(1));
  }, 180_000);

  it("Compare shows the last render over the live preview at the player's time: overlay, then split (render on the right)", async () => {
    // live: the default blue accent; the render above used orange
    await open();
    const shown = async (t: number) => {
      await seekTo(t);
      await page.waitForFunction(
        (tt) => {
          const v = document.getElementById("compare-video") as HTMLVideoElement | null;
          return !!v && v.readyState >= 2 && !v.seeking && Math.abs(v.currentTime - tt) < 0.01;
        },
        { timeout: 10_000 },
        t,
      );
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    };
    expect(near(await compositionPixel(page, 290, 30), [0, 0, 255])).toBe(true);
    await page.click("#compare-btn");
    await waitFor(page, (s) => (s as any).compare === "overlay", "overlay");
    await shown(0.8);
    // half the render's orange over the live blue
    expect(near(await compositionPixel(page, 290, 30), [128, 68, 128], 30)).toBe(true);
    await page.click("#compare-btn");
    await waitFor(page, (s) => (s as any).compare === "split", "split");
    await shown(0.8);
    expect(near(await compositionPixel(page, 290, 30), [255, 136, 0], 24), "the right half is the render").toBe(true);
    expect(near(await compositionPixel(page, 190, 140), [255, 255, 255], 24), "its frame at 0.8 s: the box at x 160-200").toBe(true);
    await shown(0.3);
    expect(near(await compositionPixel(page, 190, 140), [255, 0, 0], 24), "its frame at 0.3 s: scene A behind").toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-compare-split.png") });
    await page.click("#compare-btn");
    await waitFor(page, (s) => (s as any).compare === "off", "off");
    expect(await page.$("#compare-video")).toBe(null);
    await seekTo(0.8);
    expect(near(await compositionPixel(page, 290, 30), [0, 0, 255])).toBe(true);
  }, 60_000);

  it("a running render can be cancelled: nothing is left in renders/", async () => {
    await open("?comp=alt.html");
    const before = await history();
    await page.click("#render-btn");
    await page.waitForSelector("#render-panel.show");
    await page.select("#render-format", "mp4");
    await page.click("#render-fps", { clickCount: 3 });
    await page.type("#render-fps", "240");
    await page.click("#render-start");
    const cancel = await page.waitForSelector("#render-cancel", { timeout: 30_000 });
    await cancel!.click();
    await page.waitForFunction(() => document.getElementById("render-progress")!.textContent!.includes("Render cancelled"), { timeout: 30_000 });
    await page.waitForFunction(() => !(document.getElementById("render-start") as HTMLButtonElement).disabled);
    await new Promise((r) => setTimeout(r, 300));
    await page.evaluate(() => (window as any).__hfPreview.renders.history.refresh());
    expect(await history()).toEqual(before);
    expect(readdirSync(path.join(dir, "renders")).filter((n) => n.startsWith("alt"))).toEqual([]);
  }, 120_000);

  it("the history survives a reload; play, download and delete (a second click confirms)", async () => {
    await open();
    await page.click("#render-btn");
    await page.waitForSelector("#render-history li[data-file]", { timeout: 10_000 });
    const files = await history();
    const webm = files.find((f) => f.endsWith(".webm"))!;
    expect(webm).toBeTruthy();
    const item = `#render-history li[data-file="${webm}"]`;
    // play in the panel's player
    await page.click(`${item} [data-action="play"]`);
    await page.waitForFunction(() => {
      const v = document.getElementById("render-player") as HTMLVideoElement;
      return v.classList.contains("show") && v.readyState >= 1 && v.duration > 0.9;
    }, { timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-render-history.png") });
    // download: a same-origin link with the download attribute, served by the dev server
    const dl = await page.$eval(`${item} [data-action="download"]`, (a) => ({ href: (a as HTMLAnchorElement).href, download: a.getAttribute("download") }));
    expect(dl.download).toBe(path.basename(webm));
    expect((await fetch(dl.href)).status).toBe(200);
    // delete: the first click only arms it
    await page.click(`${item} [data-action="delete"]`);
    expect(existsSync(path.join(dir, webm))).toBe(true);
    await page.click(`${item} [data-action="delete"]`);
    await page.waitForFunction((sel) => !document.querySelector(sel), { timeout: 10_000 }, item);
    expect(existsSync(path.join(dir, webm))).toBe(false);
  }, 60_000);

  it("delete is refused to other pages and for anything but a file directly in renders/", async () => {
    await open();
    const t = await token();
    writeFileSync(path.join(dir, "renders", "keep.mp4"), "not really a video");
    mkdirSync(path.join(dir, "renders", "sub"), { recursive: true });
    writeFileSync(path.join(dir, "renders", "sub", "deep.mp4"), "x");
    const outside = path.join(path.dirname(dir), `hf-outside-${path.basename(dir)}.mp4`);
    writeFileSync(outside, "outside");
    symlinkSync(outside, path.join(dir, "renders", "link.mp4"));
    const del = (file: string, headers: Record<string, string>) =>
      fetch(`${base}/__hyperframes/renders/delete`, { method: "POST", headers, body: JSON.stringify({ file }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const good = { "Content-Type": "application/json", Origin: base, "x-hyperframes-token": t };
    // not the player: no token, another origin, a cross-site fetch, a form post
    expect((await del("renders/keep.mp4", { ...good, "x-hyperframes-token": "nope" })).status).toBe(403);
    expect((await del("renders/keep.mp4", { ...good, Origin: "http://evil.example" })).status).toBe(403);
    expect((await del("renders/keep.mp4", { ...good, "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect((await del("renders/keep.mp4", { ...good, "Content-Type": "text/plain" })).status).toBe(403);
    // not a file of renders/
    for (const f of ["index.html", "renders/../index.html", "renders/sub/deep.mp4", "renders/sub", "renders/link.mp4", "/etc/passwd", `renders/${encodeURIComponent("../index.html")}`]) {
      const r = await del(f, good);
      expect(r.status, f).toBe(400);
      expect(r.body.error.code, f).toBe("preview_delete_refused");
    }
    expect(existsSync(path.join(dir, "index.html"))).toBe(true);
    expect(existsSync(path.join(dir, "renders", "sub", "deep.mp4"))).toBe(true);
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(path.join(dir, "renders", "link.mp4"))).toBe(true);
    // the player's own request for a listed file works
    const ok = await del("renders/keep.mp4", good);
    expect(ok.status).toBe(200);
    expect(existsSync(path.join(dir, "renders", "keep.mp4"))).toBe(false);
    expect((await del("renders/keep.mp4", good)).status).toBe(404);
  }, 30_000);
});

describe("light and dark theme (issue 17)", () => {
  const DARK_BG = "rgb(12, 13, 16)";
  const LIGHT_BG = "rgb(243, 244, 246)";
  const look = () =>
    page.evaluate(() => ({
      bg: getComputedStyle(document.body).backgroundColor,
      attr: document.documentElement.dataset.theme ?? null,
      stored: localStorage.getItem("hf-preview-theme"),
    }));

  it("follows the system until toggled; the toggle is remembered across a reload, and toggling back follows the system again", async () => {
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
    await open();
    await page.evaluate(() => localStorage.removeItem("hf-preview-theme"));
    await open();
    expect(await look()).toEqual({ bg: DARK_BG, attr: null, stored: null });
    await page.click("#theme-toggle");
    expect(await look()).toEqual({ bg: LIGHT_BG, attr: "light", stored: "light" });
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-light.png") });
    await open();
    expect(await look(), "after a reload").toEqual({ bg: LIGHT_BG, attr: "light", stored: "light" });
    await page.click("#theme-toggle");
    expect(await look(), "back to what the system prefers: follows it").toEqual({ bg: DARK_BG, attr: null, stored: null });
    // the system preference changes: the player follows
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
    expect((await look()).bg).toBe(LIGHT_BG);
    await page.click("#theme-toggle");
    expect(await look()).toEqual({ bg: DARK_BG, attr: "dark", stored: "dark" });
    await page.click("#theme-toggle");
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  }, 60_000);

  it("is usable 1024 px wide: nothing overflows, every control is on screen", async () => {
    await page.setViewport({ width: 1024, height: 700 });
    try {
      for (const theme of ["dark", "light"]) {
        await open();
        if ((await look()).bg !== (theme === "dark" ? DARK_BG : LIGHT_BG)) await page.click("#theme-toggle");
        await page.click("#render-btn");
        await page.waitForSelector("#render-panel.show");
        const r = await page.evaluate(() => {
          const ids = ["comp-picker", "lint-badge", "theme-toggle", "snapshot-btn", "render-btn", "btn-start", "btn-play", "btn-end", "jump", "compare-btn", "btn-loop", "rate", "render-start", "vars-reset"];
          const off = ids.filter((id) => {
            const b = document.getElementById(id)!.getBoundingClientRect();
            return !(b.width > 0 && b.height > 0 && b.left >= 0 && b.right <= innerWidth && b.top >= 0 && b.bottom <= innerHeight);
          });
          const overflowing = ["header", "#transport"].filter((sel) => {
            const e = document.querySelector(sel)!;
            return e.scrollWidth > e.clientWidth + 1;
          });
          const stage = document.getElementById("stage")!.getBoundingClientRect();
          return { off, overflowing, page: document.documentElement.scrollWidth, stage: { w: stage.width, h: stage.height } };
        });
        expect(r.off, theme).toEqual([]);
        expect(r.overflowing, theme).toEqual([]);
        expect(r.page).toBeLessThanOrEqual(1024);
        expect(r.stage.w).toBeGreaterThan(600);
        await page.screenshot({ path: path.join(ARTIFACTS, `preview-1024-${theme}.png`) });
      }
    } finally {
      await page.evaluate(() => localStorage.removeItem("hf-preview-theme"));
      await page.setViewport({ width: 1280, height: 800 });
    }
  }, 60_000);
});

describe("beyond the studio (issue 17): snapshot", () => {
  it("Snapshot saves the frame on screen as a full-resolution PNG made by the render pipeline, listed in the history", async () => {
    await open(`?v=${encodeURIComponent(JSON.stringify({ accent: "#ff8800" }))}&t=0.8`);
    await page.click("#snapshot-btn");
    await page.waitForFunction(() => !!document.getElementById("snapshot-btn")!.dataset.last, { timeout: 120_000 });
    const file = await page.$eval("#snapshot-btn", (b) => (b as HTMLElement).dataset.last!);
    expect(file).toMatch(/^renders\/index-frame-0024-\d{8}-\d{6}\.png$/);
    expect(existsSync(path.join(dir, file))).toBe(true);
    // the PNG: the composition's own size (not the player's scale), the variables and the moment on screen
    const png = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const px = (x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
      return { w: img.naturalWidth, h: img.naturalHeight, swatch: px(290, 30), scene: px(5, 5), box: px(180, 140), left: px(100, 140) };
    }, `/${file}`);
    expect([png.w, png.h]).toEqual([320, 180]);
    expect(near(png.swatch, [255, 136, 0])).toBe(true);
    expect(near(png.scene, [0, 255, 0])).toBe(true);
    expect(near(png.box, [255, 255, 255])).toBe(true);
    expect(near(png.left, [0, 255, 0])).toBe(true);
    await page.click("#render-btn");
    await page.waitForSelector(`#render-history li[data-file="${file}"]`, { timeout: 10_000 });
    // only the player may ask for one
    const r = await fetch(`${base}/__hyperframes/snapshot`, { method: "POST", headers: { "Content-Type": "application/json", Origin: base }, body: JSON.stringify({ composition: "index.html", frame: 0 }) });
    expect(r.status).toBe(403);
  }, 180_000);
});

describe("issue 17 defect 1, verified: error positions are the author's lines", () => {
  it("a syntax error in the page and an exception in a sub-composition script are reported at their own file and line", async () => {
    writeFileSync(
      path.join(dir, "broken.html"),
      [
        "<!doctype html>",
        '<html><head><meta charset="utf-8"></head>',
        "<body>",
        '  <div id="b" data-composition-id="broken" data-width="160" data-height="90" data-duration="1" data-no-timeline>',
        '    <div data-composition-id="thrower" data-composition-src="compositions/thrower.html" data-start="0" data-duration="1"></div>',
        "  </div>",
        "  <script>",
        "    window.__timelines = window.__timelines || {};",
        "    const x = 1;",
        "    const broken = ;",
        "  </script>",
        // a script file between them: the sub-composition's script (moved to the end of <body>) is not in the
        // broken script's run of inline scripts, which runs as one script and stops at its error (as in the official)
        '  <script src="gsap.min.js"></script>',
        "</body></html>",
      ].join("\n"),
    );
    writeFileSync(
      path.join(dir, "compositions", "thrower.html"),
      ['<template id="thrower-template">', '  <div data-composition-id="thrower" data-width="160" data-height="90">', "    <script>", "      function boom() {", '        throw new Error("boom from the sub-composition");', "      }", "      boom();", "    </script>", "  </div>", "</template>"].join("\n"),
    );
    await open("?comp=broken.html", false);
    const s = await waitFor(page, (x) => x.errors.length >= 2, "both errors", 15_000);
    const at = s.errors.map((e: any) => `${String(e.file ?? "").replace(/^.*\/(?=compositions\/)|^.*\/(?=broken\.html)/, "")}:${e.line} ${e.message}`);
    expect(at.some((a) => a.startsWith("broken.html:10 ") && /SyntaxError|Unexpected/.test(a)), at.join("\n")).toBe(true);
    expect(at.some((a) => a.startsWith("compositions/thrower.html:5 ") && a.includes("boom from the sub-composition")), at.join("\n")).toBe(true);
    expect(await page.$eval("#overlay .where", (e) => e.textContent)).toMatch(/^(broken\.html:10|compositions\/thrower\.html:5)\b/);
  }, 30_000);
});
