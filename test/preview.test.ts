/**
 * `hyperframes dev`: a real Vite server on loopback and a real headless Chrome driving the player page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import http from "node:http";
import type { Browser, Page } from "puppeteer-core";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { startPreview, type PreviewServer } from "../src/preview/index.js";
import { resolveFfmpeg } from "../src/render/ffmpeg.js";
import { ARTIFACTS, chipHtml, compositionPixel, indexHtml, makeProject, near, openPreview, snapshot, subHtml, waitFor, type PreviewSession } from "./preview-helpers.js";

const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const WHITE = [255, 255, 255];
const BLUE = [0, 0, 255];

let dir: string;
let session: PreviewSession;
let server: PreviewServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = makeProject();
  session = await openPreview(dir);
  ({ server, browser, page } = session);
}, 60_000);

afterAll(() => session?.close());

function getText(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

async function open(query = ""): Promise<void> {
  await page.goto(`http://127.0.0.1:${server.port}/${query}`, { waitUntil: "load" });
  await waitFor(page, (s) => s.ready, "the composition to be ready");
}

async function seekTo(t: number): Promise<void> {
  await page.evaluate((tt) => (window as any).__hfPreview.seek(tt), t);
  await waitFor(page, (s) => Math.abs(s.time - t) < 1e-6, `time ${t}`);
  // let the frame paint
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe("preview server", () => {
  it("serves the player, the project info and the composition with the runtime injected", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const player = await fetch(`${base}/`).then((r) => r.text());
    expect(player).toContain('id="comp-frame"');
    expect(player, "an inline icon: no /favicon.ico request (it 404ed, the only console error)").toMatch(/<link rel="icon" href="data:/);
    const info = (await fetch(`${base}/__hyperframes/api/project`).then((r) => r.json())) as any;
    expect(info.compositions.filter((c: any) => c.kind === "entry").map((c: any) => c.file)).toEqual(["index.html", "alt.html", "sub.html"]);
    expect(info.composition).toMatchObject({ file: "index.html", id: "main", width: 320, height: 180, duration: 1, fps: 30 });
    expect(info.composition.variables.map((v: any) => v.id)).toContain("accent");
    const comp = await fetch(`${base}/index.html?hf-vars=${encodeURIComponent('{"accent":"#ff0000"}')}`).then((r) => r.text());
    const head = comp.slice(comp.indexOf("<head>"), comp.indexOf("gsap.min.js"));
    expect(head).toContain("/__hyperframes/runtime.js");
    expect(head).toContain('"accent":"#ff0000"');
    // classic scripts are served as written (not turned into modules by Vite)
    const gsapSrc = await getText(`${base}/gsap.min.js`, { "sec-fetch-dest": "script", "sec-fetch-mode": "no-cors" });
    expect(gsapSrc).toBe(readFileSync(path.join(dir, "gsap.min.js"), "utf8"));
    // nothing outside the project
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd.html`)).status).not.toBe(200);
  });

  it("moves to the next free port when the port is taken, and says so", async () => {
    const other = await startPreview({ project: dir, port: server.port });
    try {
      expect(other.requestedPort).toBe(server.port);
      expect(other.port).not.toBe(server.port);
      expect(other.url).toBe(`http://localhost:${other.port}/`);
      expect(other.host).toBe("127.0.0.1");
    } finally {
      await other.close();
    }
  });

  it("refuses a folder without a composition", async () => {
    await expect(startPreview({ project: path.join(dir, "nope") })).rejects.toMatchObject({ code: "preview_project_missing" });
  });
});

describe("player in headless Chrome", () => {
  it("loads the composition at its aspect ratio and shows the right frame after a seek", async () => {
    await open();
    const s = await snapshot(page);
    expect(s).toMatchObject({ comp: "index.html", duration: 1, fps: 30, overlay: false });
    expect(s.clips).toBeGreaterThanOrEqual(3);
    const box = await page.evaluate(() => {
      const r = document.getElementById("frame-box")!.getBoundingClientRect();
      return { w: r.width, h: r.height };
    });
    expect(Math.abs(box.w / box.h - 320 / 180)).toBeLessThan(0.02);
    expect(box.w).toBeGreaterThan(320); // scaled up to fit the stage

    await seekTo(0.2);
    expect(near(await compositionPixel(page, 5, 5), RED)).toBe(true);
    // box: x = 200 * t → at t=0.2 its left edge is 40, so composition x=60 is inside it
    expect(near(await compositionPixel(page, 60, 140), WHITE)).toBe(true);
    expect(near(await compositionPixel(page, 20, 140), RED)).toBe(true);
    await seekTo(0.8);
    expect(near(await compositionPixel(page, 5, 5), GREEN)).toBe(true);
    expect(near(await compositionPixel(page, 180, 140), WHITE)).toBe(true);
    expect(near(await compositionPixel(page, 290, 30), BLUE)).toBe(true); // the accent swatch, default #0000ff
    const txt = await page.$eval("#frameno", (e) => e.textContent);
    expect(txt).toBe("frame 24 · 30 frames");
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-player.png") });
  }, 60_000);

  it("keyboard: frame step, Home/End, space plays and pauses", async () => {
    await open();
    await seekTo(0.5);
    await page.keyboard.press("ArrowRight");
    await waitFor(page, (s) => Math.round(s.time * 30) === 16, "frame 16");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await waitFor(page, (s) => Math.round(s.time * 30) === 14, "frame 14");
    await page.keyboard.press("End");
    await waitFor(page, (s) => Math.round(s.time * 30) === 29, "last frame");
    await page.keyboard.press("Home");
    await waitFor(page, (s) => s.time === 0, "start");
    await page.keyboard.press("Space");
    await waitFor(page, (s) => s.playing && s.time > 0.1, "playback to advance");
    await page.keyboard.press("Space");
    const s = await waitFor(page, (x) => !x.playing, "pause");
    expect(s.time).toBeGreaterThan(0.1);
    // the URL keeps the time
    expect(new URL(page.url()).searchParams.get("t")).toBe(String(Math.round(s.time * 1000) / 1000));
    // loop (R): playback wraps around at the end instead of stopping
    await page.keyboard.press("r");
    await seekTo(0.8);
    await page.keyboard.press("Space");
    await waitFor(page, (x) => x.playing && x.time > 0.9, "playback near the end");
    await waitFor(page, (x) => x.playing && x.time < 0.5, "playback to wrap around", 5000);
    await page.keyboard.press("Space");
    await page.keyboard.press("r");
    // speed: 2x plays about twice as fast as real time
    await page.select("#rate", "2");
    await seekTo(0);
    const t0 = Date.now();
    await page.keyboard.press("Space");
    const fast = await waitFor(page, (x) => x.time >= 0.6, "2x playback");
    const wall = (Date.now() - t0) / 1000;
    await page.keyboard.press("Space");
    expect(fast.time / wall).toBeGreaterThan(1.15); // at 1x it can never exceed 1
    await page.select("#rate", "1");
  }, 60_000);

  it("paused, the player schedules no animation frames and the page is idle (< 2% CPU over 5 s); playing, it follows the time", async () => {
    await open();
    await seekTo(0.2);
    // count the player's own animation-frame callbacks from now on
    await page.evaluate(() => {
      const w = window as any;
      w.__rafCount = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => raf((t) => (w.__rafCount++, cb(t)));
    });
    await new Promise((r) => setTimeout(r, 1500));
    await page.evaluate(() => ((window as any).__rafCount = 0));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await page.evaluate(() => (window as any).__rafCount), "animation frames while paused").toBe(0);
    // and the page's main thread (player and composition frame share the renderer) is busy under 2% over 5 s
    const busy = async () => (await page.metrics()).TaskDuration ?? 0;
    const before = await busy();
    await new Promise((r) => setTimeout(r, 5000));
    const share = ((await busy()) - before) / 5;
    console.log(`paused page: main thread busy ${(share * 100).toFixed(2)}% of 5 s`);
    expect(share, "paused CPU share of the page").toBeLessThan(0.02);
    await page.keyboard.press("Space");
    await waitFor(page, (s) => s.playing && s.time > 0.3, "playback to advance");
    await page.keyboard.press("Space");
    await waitFor(page, (s) => !s.playing, "pause");
  });

  it("lint findings show in the lint panel on every save, even when the composition does not fail", async () => {
    await open();
    expect(await page.$eval("#lint-badge", (e) => e.textContent)).toBe("Lint ✓");
    const file = path.join(dir, "index.html");
    const original = readFileSync(file, "utf8");
    try {
      const before = await snapshot(page);
      writeFileSync(file, original.replace("</body>", "<script>window.__jitter = Math.random();</script></body>"));
      await waitFor(page, (s) => s.loads > before.loads && s.ready, "the reload after the edit", 10_000);
      await page.waitForFunction(() => document.getElementById("lint-badge")!.textContent !== "Lint ✓", { timeout: 10_000 });
      expect(await page.$eval("#overlay", (e) => e.classList.contains("show")), "the page did not fail").toBe(false);
      await page.click("#lint-badge");
      const items = await page.$$eval("#lint-panel.show #lint-list li", (els) => els.map((e) => e.textContent ?? ""));
      expect(items.some((t) => t.includes("non_deterministic_code") && /index\.html:\d+/.test(t) && t.includes("seeded PRNG"))).toBe(true);
    } finally {
      writeFileSync(file, original);
    }
    await page.waitForFunction(() => document.getElementById("lint-badge")!.textContent === "Lint ✓", { timeout: 10_000 });
  });

  it("clicking a clip seeks to its start", async () => {
    await open();
    await page.click('.clip[data-clip="sceneB"]');
    await waitFor(page, (s) => Math.abs(s.time - 0.5) < 1e-6, "seek to sceneB start");
  }, 30_000);

  it("a file edit reaches the page without restarting the server, keeping the time", async () => {
    await open();
    await seekTo(0.8);
    const before = await snapshot(page);
    const edited = Date.now();
    writeFileSync(path.join(dir, "style.css"), "#box { background: rgb(0, 0, 255); }\n");
    const after = await waitFor(page, (s) => s.loads > before.loads && s.ready, "a reload after the CSS edit", 10_000);
    const latency = Date.now() - edited;
    console.log(`hot reload: edit → reloaded page at the same time in ${latency} ms`);
    expect(latency).toBeLessThan(2500);
    expect(Math.abs(after.time - 0.8)).toBeLessThan(1e-6);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(near(await compositionPixel(page, 180, 140), BLUE)).toBe(true);
    // and an edit of index.html itself
    writeFileSync(path.join(dir, "index.html"), indexHtml().replace("rgb(0, 255, 0)", "rgb(255, 255, 0)"));
    await waitFor(page, (s) => s.loads > after.loads && s.ready, "a reload after the HTML edit", 10_000);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(near(await compositionPixel(page, 5, 5), [255, 255, 0])).toBe(true);
    writeFileSync(path.join(dir, "style.css"), "#box { background: rgb(255, 255, 255); }\n");
    writeFileSync(path.join(dir, "index.html"), indexHtml());
    await new Promise((r) => setTimeout(r, 400));
  }, 60_000);

  it("a variables change re-renders the preview, keeps the time and lands in the URL", async () => {
    await open();
    await seekTo(0.8);
    const before = await snapshot(page);
    // type a new colour in the accent's text field
    const input = await page.$("#var-accent");
    await input!.click({ clickCount: 3 });
    await input!.type("#ff8800");
    const after = await waitFor(page, (s) => s.loads > before.loads && s.ready && (s.vars as any).accent === "#ff8800", "a reload with the new variable", 10_000);
    expect(Math.abs(after.time - 0.8)).toBeLessThan(1e-6);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(near(await compositionPixel(page, 290, 30), [255, 136, 0])).toBe(true);
    const url = new URL(page.url());
    expect(JSON.parse(url.searchParams.get("v")!)).toEqual({ accent: "#ff8800" });
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-variables.png") });

    // copy as --variables
    await page.click("#vars-copy");
    await waitFor(page, (s) => s.lastCopied !== "", "the copy");
    expect((await snapshot(page)).lastCopied).toBe(`--variables '{"accent":"#ff8800"}'`);

    // a link with the state reopens the same frame and variables
    await open(url.search);
    const reopened = await snapshot(page);
    expect(reopened.vars).toEqual({ accent: "#ff8800" });
    expect(Math.abs(reopened.time - 0.8)).toBeLessThan(1e-6);
    expect(near(await compositionPixel(page, 290, 30), [255, 136, 0])).toBe(true);
    expect(await page.$eval("#var-accent", (e) => (e as HTMLInputElement).value)).toBe("#ff8800");

    // reset to defaults
    const n = reopened.loads;
    await page.click("#vars-reset");
    await waitFor(page, (s) => s.loads > n && s.ready && Object.keys(s.vars).length === 0, "reset");
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(near(await compositionPixel(page, 290, 30), BLUE)).toBe(true);
  }, 60_000);

  it("an invalid edit shows the error overlay, and the next save recovers", async () => {
    await open();
    await seekTo(0.3);
    const before = await snapshot(page);
    writeFileSync(path.join(dir, "index.html"), indexHtml({ script: "const noise = Math.random(); const broken = ;" }));
    const bad = await waitFor(page, (s) => s.overlay && s.token > before.token, "the error overlay", 10_000);
    expect(bad.errors[0]!.message).toMatch(/SyntaxError|Unexpected token/);
    const text = await page.$eval("#overlay", (e) => e.textContent ?? "");
    expect(text).toContain("The composition failed");
    expect(text).toMatch(/index\.html:\d+/);
    // the lint findings of the file come with it
    expect(text).toContain("non_deterministic_code");
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-error-overlay.png") });
    writeFileSync(path.join(dir, "index.html"), indexHtml());
    const good = await waitFor(page, (s) => !s.overlay && s.ready && s.token > bad.token, "recovery", 10_000);
    expect(good.errors).toEqual([]);
    expect(Math.abs(good.time - 0.3)).toBeLessThan(1e-6);
  }, 60_000);

  it("inlines sub-compositions like the renderer, reloads on a sub-composition edit, and reports a missing one", async () => {
    await open("?comp=sub.html");
    const frame = async () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(near(await compositionPixel(page, 50, 50), [0, 200, 200])).toBe(true);
    expect(near(await compositionPixel(page, 150, 50), [20, 20, 20])).toBe(true);
    const s0 = await snapshot(page);
    writeFileSync(path.join(dir, "compositions", "chip.html"), chipHtml("rgb(200, 0, 200)"));
    const s1 = await waitFor(page, (s) => s.loads > s0.loads && s.ready, "a reload after the sub-composition edit", 10_000);
    await frame();
    expect(near(await compositionPixel(page, 50, 50), [200, 0, 200])).toBe(true);
    writeFileSync(path.join(dir, "sub.html"), subHtml("compositions/missing.html"));
    const bad = await waitFor(page, (s) => s.overlay && s.token > s1.token, "the overlay for a missing sub-composition", 10_000);
    expect(bad.errors.map((e) => e.message).join("\n")).toMatch(/missing\.html/);
    writeFileSync(path.join(dir, "sub.html"), subHtml());
    await waitFor(page, (s) => !s.overlay && s.ready && s.token > bad.token, "recovery", 10_000);
  }, 60_000);

  it("offers a picker for several compositions in the folder", async () => {
    await open();
    const options = await page.$$eval("#comp-picker option", (os) => os.map((o) => (o as HTMLOptionElement).value));
    // the entries, then the sub-compositions (test/preview-studio.test.ts opens those)
    expect(options).toEqual(["index.html", "alt.html", "sub.html", "card.html", "compositions/chip.html"]);
    await page.select("#comp-picker", "alt.html");
    const s = await waitFor(page, (x) => x.comp === "alt.html" && x.ready, "alt.html", 10_000);
    expect(s.duration).toBe(2);
    const box = await page.evaluate(() => {
      const r = document.getElementById("frame-box")!.getBoundingClientRect();
      return { w: r.width, h: r.height };
    });
    expect(Math.abs(box.w / box.h - 180 / 320)).toBeLessThan(0.02);
    expect(near(await compositionPixel(page, 90, 160), [255, 0, 255])).toBe(true);
    expect(new URL(page.url()).searchParams.get("comp")).toBe("alt.html");
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-picker-portrait.png") });
  }, 60_000);

  it("Render runs a draft render of the current state, shows progress and links the result, which matches the preview", async () => {
    await open(`?v=${encodeURIComponent(JSON.stringify({ accent: "#ff8800" }))}&t=0.8`);
    const previewSwatch = await compositionPixel(page, 290, 30);
    const previewScene = await compositionPixel(page, 5, 5);
    const previewBox = await compositionPixel(page, 180, 140);
    await page.click("#render-btn");
    await page.waitForSelector("#render-panel.show", { timeout: 5000 });
    // every text the progress line shows while the render runs
    await page.evaluate(() => {
      const seen: string[] = ((window as any).__progressSeen = []);
      new MutationObserver(() => {
        const t = document.querySelector("#render-progress .info")?.textContent;
        if (t && seen[seen.length - 1] !== t) seen.push(t);
      }).observe(document.getElementById("render-progress")!, { subtree: true, childList: true, characterData: true });
    });
    // the settings default to a draft MP4 at the composition's fps, with the current variables
    await page.click("#render-start");
    const link = await page.waitForSelector("#render-link", { timeout: 120_000 });
    // each stage with its own label and progress, the encoder's tail included (not "100%" while it still works)
    const seen = await page.evaluate(() => (window as any).__progressSeen as string[]);
    expect(seen.some((t) => /^capture: \d+\/\d+ frames \| [\d.]+ fps/.test(t)), seen.join("\n")).toBe(true);
    expect(seen.some((t) => /^encode: \d+\/\d+ frames encoded/.test(t)), seen.join("\n")).toBe(true);
    const href = await link!.evaluate((a) => (a as HTMLAnchorElement).getAttribute("href")!);
    expect(href).toMatch(/^\/renders\/index-preview-.*\.mp4$/);
    await page.screenshot({ path: path.join(ARTIFACTS, "preview-render-done.png") });
    const file = path.join(dir, decodeURIComponent(href));
    expect(existsSync(file)).toBe(true);
    // the server serves the result
    const r = await fetch(`http://127.0.0.1:${server.port}${href}`);
    expect(r.status).toBe(200);
    expect(Number(r.headers.get("content-length"))).toBeGreaterThan(1000);
    // frame 24 (t = 0.8 s) of the render against the preview at 0.8 s
    const ff = spawnSync(resolveFfmpeg().path, ["-v", "error", "-i", file, "-vf", "select=eq(n\\,24)", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], { maxBuffer: 1 << 24 });
    expect(ff.status).toBe(0);
    const raw = ff.stdout as Buffer;
    expect(raw.length).toBe(320 * 180 * 3);
    const px = (x: number, y: number) => [raw[(y * 320 + x) * 3]!, raw[(y * 320 + x) * 3 + 1]!, raw[(y * 320 + x) * 3 + 2]!];
    expect(near(px(290, 30), previewSwatch, 24)).toBe(true);
    expect(near(px(5, 5), previewScene, 24)).toBe(true);
    expect(near(px(180, 140), previewBox, 24)).toBe(true);
    // the render output does not trigger a preview reload
    const s = await snapshot(page);
    await new Promise((res) => setTimeout(res, 300));
    expect((await snapshot(page)).token).toBe(s.token);
  }, 180_000);
});
