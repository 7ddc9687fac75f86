/**
 * What a browser can do is probed, never guessed from its file name (issue 15): a headless shell under any
 * name captures with beginFrame; a browser without HeadlessExperimental.beginFrame captures by screenshot,
 * whatever it is called; a browser that dies at launch in single-process mode is retried once with separate
 * processes, and that is remembered for the binary. The browsers are the resolved one renamed or wrapped
 * (test/helpers/browsers.ts): no other browser is needed.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { launchBrowser, probeBrowser } from "../src/render/launch.js";
import { cachedCapabilities, rememberCapabilities } from "../src/render/capabilities.js";
import { browserDyingInSingleProcess, browserWithoutBeginFrame, renamedBrowser } from "./helpers/browsers.js";
import { cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";
import { renderProject } from "./helpers/render.js";
import { probeFile } from "./helpers/media.js";

afterAll(() => cleanupProjects());

const project = () =>
  makeProject({
    "index.html": page({
      duration: 0.2,
      body: `<div id="box" class="cell" style="left:0;top:0;background:#fff"></div>`,
      script: `
        const tl = gsap.timeline({ paused: true });
        tl.to("#box", { x: 200, duration: 0.2, ease: "none" }, 0);
        window.__timelines = { main: tl };`,
    }),
  });

/** A private capabilities cache for one test. */
const cacheFile = () => path.join(tempDir("hf-caps-"), "browser-capabilities.json");

describe("capture method: probed, not taken from the file name", () => {
  it("a headless shell under an arbitrary name captures with beginFrame", async () => {
    const browser = renamedBrowser("my-renderer");
    const caps = await probeBrowser(browser, { cacheFile: cacheFile() });
    expect(caps).toMatchObject({ beginFrame: true, cached: false });
    expect(caps.beginFrameReason).toMatch(/drew a test frame/);

    const r = await renderProject(project(), { browser });
    expect(r.captureMethod).toBe("beginframe");
    expect(r.captureReason).toMatch(/supports it/);
    expect(probeFile(r.output).frames).toBe(6);
  });

  it("a browser without HeadlessExperimental.beginFrame captures by screenshot, even named chrome-headless-shell", async () => {
    const browser = browserWithoutBeginFrame("chrome-headless-shell");
    const caps = await probeBrowser(browser, { cacheFile: cacheFile() });
    expect(caps.beginFrame).toBe(false);
    expect(caps.beginFrameReason).toMatch(/wasn't found/);
    expect(caps.singleProcess).toBe(false);

    const r = await renderProject(project(), { browser });
    expect(r.captureMethod).toBe("screenshot");
    expect(r.captureReason).toMatch(/lacks begin-frame capture/);
    expect(r.browserProcess).toBe("multi");
    expect(probeFile(r.output).frames).toBe(6);
  });

  it("--capture beginframe on such a browser warns and captures by screenshot", async () => {
    const r = await renderProject(project(), { browser: browserWithoutBeginFrame(), capture: "beginframe" });
    expect(r.captureMethod).toBe("screenshot");
    expect(r.warned.join("\n")).toMatch(/--capture beginframe is not possible here/);
  });

  it("the probe is remembered per binary: a second probe reads the cache, a changed file is probed again", async () => {
    const browser = renamedBrowser("another-name");
    const file = cacheFile();
    const first = await probeBrowser(browser, { cacheFile: file });
    expect(first.cached).toBe(false);
    expect(existsSync(file)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).browsers)).toContain(browser);
    const again = cachedCapabilities(browser, file);
    expect(again).toMatchObject({ beginFrame: true, cached: true, version: first.version });
    // another binary at the same path (different size): the entry no longer applies
    const wrapper = browserDyingInSingleProcess();
    expect(cachedCapabilities(wrapper, file)).toBeUndefined();
  });
});

describe("single-process mode: a browser that dies at launch is retried with separate processes", () => {
  it("the probe finds out, and beginFrame capture still works", async () => {
    const browser = browserDyingInSingleProcess("chrome-headless-shell");
    const caps = await probeBrowser(browser, { cacheFile: cacheFile() });
    expect(caps).toMatchObject({ beginFrame: true, singleProcess: false });
    expect(caps.singleProcessReason).toMatch(/died at start with --single-process/);
  });

  it("a launch that dies in single-process mode retries in multi-process mode and remembers it", async () => {
    const browser = browserDyingInSingleProcess("chrome-headless-shell");
    const file = cacheFile();
    // a cache that (wrongly, e.g. written before a browser update) says single-process works
    rememberCapabilities(
      browser,
      { beginFrame: true, beginFrameReason: "seeded", singleProcess: true, singleProcessReason: "seeded", probedAt: new Date().toISOString(), probeMs: 0, cached: false },
      file,
    );
    const launched = await launchBrowser({ browserPath: browser, beginFrame: true, width: 320, height: 180, cacheFile: file });
    try {
      expect(launched.singleProcess).toBe(false);
      expect(launched.beginFrame).toBe(true);
      expect(launched.browser.connected).toBe(true);
      const pid = launched.browser.process()!.pid!;
      expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).not.toContain("--single-process");
    } finally {
      await launched.close();
    }
    expect(cachedCapabilities(browser, file)).toMatchObject({ singleProcess: false, beginFrame: true });
    expect(cachedCapabilities(browser, file)!.singleProcessReason).toMatch(/died at start with --single-process/);
  });

  it("a render with such a browser succeeds with beginFrame in multi-process mode", async () => {
    const r = await renderProject(project(), { browser: browserDyingInSingleProcess() });
    expect(r.captureMethod).toBe("beginframe");
    expect(r.browserProcess).toBe("multi");
    expect(r.browserProcessReason).toMatch(/--single-process/);
    expect(probeFile(r.output).frames).toBe(6);
  });
});

describe("hyperframes doctor", () => {
  const doctor = (browser: string, json: boolean) =>
    cli(["doctor", "--browser", browser, ...(json ? ["--json"] : [])]);

  it("says which capture method and process mode a browser gets, and why", () => {
    const dying = browserDyingInSingleProcess("chromium");
    const j = JSON.parse(doctor(dying, true).stdout) as { browser: Record<string, unknown> };
    expect(j.browser).toMatchObject({ ok: true, kind: "unknown", capture: "beginframe", process: "multi" });
    expect(j.browser.processReason).toMatch(/died at start with --single-process/);
    const human = doctor(dying, false).stdout;
    expect(human).toMatch(/capture beginframe: HeadlessExperimental\.beginFrame drew a test frame/);
    expect(human).toMatch(/process multi-process: the browser died at start with --single-process/);

    const none = JSON.parse(doctor(browserWithoutBeginFrame(), true).stdout) as { browser: Record<string, unknown> };
    expect(none.browser).toMatchObject({ ok: true, capture: "screenshot", process: "multi" });
    expect(none.browser.captureReason).toMatch(/wasn't found/);
  });
});
