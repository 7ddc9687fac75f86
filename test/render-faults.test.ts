/**
 * Faults in real renders, through the render() API: page script errors, pages that never become ready
 * (an image or a web font whose server never answers), a composition with no timeline, a missing
 * sub-composition file, and the browser killed mid-render. Each must end in a typed error (or a clear
 * warning) and leave no output file, temp file or child process behind.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { render } from "../src/render/render.js";
import { CompositionError, OutputVerificationError, RenderError, RenderTimeoutError } from "../src/errors.js";
import { cell, cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { isBrowserProcess, isFfmpegProcess, listChildProcesses, waitFor } from "./helpers/processes.js";
import { useHangServer } from "./helpers/hang-server.js";

afterAll(() => cleanupProjects());

const hang = useHangServer();

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the render to fail, but it succeeded");
}

/** No leftovers next to the output: neither the output nor a .hf-tmp- partial file. */
function expectNoOutput(output: string): void {
  expect(existsSync(output), `${output} should not exist`).toBe(false);
  const dir = path.dirname(output);
  const partial = existsSync(dir) ? readdirSync(dir).filter((f) => f.includes(".hf-tmp-")) : [];
  expect(partial, "partial .hf-tmp- files").toEqual([]);
}

async function expectNoChildren(): Promise<void> {
  const left = await waitFor(() => {
    const kids = listChildProcesses().filter((p) => isBrowserProcess(p) || isFfmpegProcess(p));
    return kids.length === 0 ? [] : null;
  }, 8000);
  if (!left) {
    const kids = listChildProcesses().filter((p) => isBrowserProcess(p) || isFfmpegProcess(p));
    expect(kids.map((k) => `${k.pid} ${k.comm}`), "Chrome/FFmpeg processes left behind").toEqual([]);
  }
}

describe("page errors", () => {
  it("a script error that leaves every frame black fails verification with output_all_black, naming the page error", async () => {
    const project = makeProject(
      {
        "index.html": page({
          rootAttrs: "data-no-timeline",
          gsap: false,
          body: `<div id="content"></div>`,
          script: `throw new Error("boom: the scene builder failed");
            document.getElementById("content").style.cssText = "position:absolute;inset:0;background:#fff";`,
        }),
      },
      { gsap: false },
    );
    const output = path.join(tempDir("hf-render-out-"), "black.mp4");
    const warned: string[] = [];
    const err = await rejection(render({ project, output, quality: "draft", onWarning: (m) => warned.push(m) }));
    expect(err).toBeInstanceOf(OutputVerificationError);
    expect(err.code).toBe("output_all_black");
    expect(`${err.message} ${err.hint ?? ""}`).toMatch(/boom: the scene builder failed/);
    expect(warned.join("\n")).toMatch(/page errors during load: .*boom/);
    expectNoOutput(output);
  });

  it("a script error after the scene is drawn renders, with the page error as a warning", async () => {
    const project = makeProject(
      {
        "index.html": page({
          rootAttrs: "data-no-timeline",
          gsap: false,
          body: cell("ok", 0, 0, "rgb(255,255,255)"),
          script: `undefinedFunctionCall();`,
        }),
      },
      { gsap: false },
    );
    const r = await renderProject(project, { frames: "0:3" });
    expect(r.frames).toBe(3);
    expect(r.warned.join("\n")).toMatch(/page errors during load: .*undefinedFunctionCall/);
  });

  it("are reported at the author's file and line, in the page and in a sub-composition (not at a line of the injected page)", async () => {
    const index = page({
      rootAttrs: "data-no-timeline",
      gsap: false,
      body: `${cell("ok", 0, 0, "rgb(255,255,255)")}\n<div id="h" data-composition-id="part" data-composition-src="parts/part.html" data-start="0" data-duration="1"></div>`,
      script: `// the page's own script\npageFunctionMissing();`,
      // a script file after it: the sub-composition's script (moved to the end of <body>) is not in the page
      // script's run of inline scripts, which runs as one script and stops at its error (as in the official)
    }).replace("</body>", '<script src="noop.js"></script>\n</body>');
    const part = `<!doctype html><html><body><template id="part-template">
<div data-composition-id="part" data-width="40" data-height="40" data-no-timeline>
<script>
const a = 1;
partFunctionMissing();
</script>
</div></template></body></html>`;
    const project = makeProject({ "index.html": index, "parts/part.html": part, "noop.js": "" }, { gsap: false });
    const line = index.split("\n").findIndex((l) => l.includes("pageFunctionMissing()")) + 1;
    const r = await renderProject(project, { frames: "0:2" });
    const warned = r.warned.join("\n");
    expect(warned).toContain(`pageFunctionMissing is not defined (index.html:${line})`);
    expect(warned).toContain("partFunctionMissing is not defined (parts/part.html:5)");
  });

  it("a script that throws while seeking fails with seek_failed naming the author's file and line", async () => {
    const index = page({
      body: cell("ok", 0, 0, "rgb(255,255,255)"),
      script: `const tl = gsap.timeline({ paused: true });
tl.to("#ok", { x: 10, duration: 1, onUpdate() {
  if (tl.time() > 0.5) throw new TypeError("the update failed");
} });
window.__timelines = { main: tl };`,
    });
    const project = makeProject({ "index.html": index });
    const line = index.split("\n").findIndex((l) => l.includes("the update failed")) + 1;
    const output = path.join(tempDir("hf-render-out-"), "seek.mp4");
    const err = await rejection(render({ project, output, quality: "draft", workers: 1 }));
    expect(err).toBeInstanceOf(RenderError);
    expect(err.code).toBe("seek_failed");
    expect(err.message).toContain(`TypeError: the update failed (index.html:${line})`);
    expectNoOutput(output);
  });

  it("a composition that registers no timeline (and no data-no-timeline) renders with a warning saying so", async () => {
    const project = makeProject(
      { "index.html": page({ gsap: false, body: cell("ok", 0, 0, "rgb(255,255,255)"), script: `/* nothing registered */` }) },
      { gsap: false },
    );
    const r = await renderProject(project, { frames: "0:3" });
    expect(r.warned.join("\n")).toMatch(/no timeline was registered on window\.__timelines.*data-no-timeline/);
  });
});

describe("pages that never become ready", () => {
  it("an image whose server never answers: RenderTimeoutError saying an image never loaded", async () => {
    const project = makeProject(
      {
        "index.html": page({
          rootAttrs: "data-no-timeline",
          gsap: false,
          body: `<img id="pic" src="${hang()}/hang/picture.png" style="position:absolute;left:0;top:0;width:40px;height:40px">`,
        }),
      },
      { gsap: false },
    );
    const output = path.join(tempDir("hf-render-out-"), "img.mp4");
    const t0 = Date.now();
    // the image is on "the network" (renders block it unless allowed: then it is refused at once, see sandbox-render.test.ts)
    const err = await rejection(render({ project, output, quality: "draft", readyTimeoutMs: 1500, allowNetwork: true }));
    expect(err).toBeInstanceOf(RenderTimeoutError);
    expect(err.code).toBe("page_not_ready");
    console.log(`image never loads → ${err.message}`);
    expect(err.message).toMatch(/image is still loading: http:\/\/127\.0\.0\.1:\d+\/hang\/picture\.png/);
    expect(err.message, "it must not blame the timeline (the composition declares data-no-timeline)").not.toMatch(/timeline/);
    expect(Date.now() - t0, "the timeout is honoured").toBeLessThan(15_000);
    expectNoOutput(output);
    await expectNoChildren();
  });

  it("a web font that never loads: RenderTimeoutError saying the fonts never finished loading", async () => {
    const project = makeProject(
      {
        "index.html": page({
          rootAttrs: "data-no-timeline",
          gsap: false,
          head: `<style>
            @font-face { font-family: "Never"; src: url("${hang()}/hang/never.woff2") format("woff2"); font-display: block; }
            #t { position: absolute; left: 0; top: 0; font: 30px "Never"; color: #fff; }
          </style>`,
          body: `<div id="t">Hello</div>`,
        }),
      },
      { gsap: false },
    );
    const err = await rejection(render({ project, output: path.join(tempDir("hf-render-out-"), "font.mp4"), quality: "draft", readyTimeoutMs: 1500, allowNetwork: true }));
    expect(err).toBeInstanceOf(RenderTimeoutError);
    console.log(`font never loads → ${err.message}`);
    expect(err.message).toMatch(/font.*Never/);
  });
});

describe("missing assets", () => {
  it("a missing sub-composition file is a CompositionError naming the file, raised before any browser starts", async () => {
    const project = makeProject(
      {
        "index.html": page({
          rootAttrs: "data-no-timeline",
          gsap: false,
          body: `<div id="host" data-composition-id="card" data-composition-src="compositions/missing-card.html" data-start="0" data-duration="1"></div>`,
        }),
      },
      { gsap: false },
    );
    const output = path.join(tempDir("hf-render-out-"), "missing.mp4");
    // a browser path that cannot start: if the renderer got as far as launching, the error would be about it
    const err = await rejection(render({ project, output, browser: path.join(project, "no-such-browser"), quality: "draft" }));
    expect(err).toBeInstanceOf(CompositionError);
    expect(err.code).toBe("subcomposition_file_missing");
    expect(`${err.file ?? ""} ${err.message}`).toMatch(/compositions\/missing-card\.html/);
    expectNoOutput(output);
  });
});

describe("the browser killed mid-render", () => {
  const longProject = () =>
    makeProject({
      "index.html": page({
        duration: 20,
        body: `<div id="box" style="position:absolute;left:0;top:0;width:40px;height:40px;background:#fff"></div>`,
        script: `
          const tl = gsap.timeline({ paused: true });
          tl.to("#box", { x: 280, duration: 20, ease: "none" }, 0);
          window.__timelines = window.__timelines || {};
          window.__timelines["main"] = tl;`,
      }),
    });
  /** SIGKILL every Chrome process started by this test process; returns their pids. */
  const killChrome = (): number[] => {
    const killed: number[] = [];
    for (const c of listChildProcesses().filter(isBrowserProcess)) {
      try {
        process.kill(c.pid, "SIGKILL");
        killed.push(c.pid);
      } catch {
        /* already gone */
      }
    }
    return killed;
  };

  it("a browser that keeps dying fails with browser_crashed, leaving no output, partial file or FFmpeg", async () => {
    const output = path.join(tempDir("hf-render-out-"), "killed.mp4");
    const killed: number[] = [];
    let ffmpegSeen = false;
    let lastFrame = -1;
    const err = await rejection(
      render({
        project: longProject(),
        output,
        quality: "draft",
        workers: 1,
        onProgress: (p) => {
          // kill at the first captured frame, and again whenever capture resumes (the renderer retries once)
          if (p.phase !== "capture" || p.frame === lastFrame) return;
          lastFrame = p.frame;
          ffmpegSeen ||= listChildProcesses().some(isFfmpegProcess);
          killed.push(...killChrome());
        },
      }),
    );
    expect(killed.length, "Chrome processes were found and killed").toBeGreaterThan(0);
    expect(ffmpegSeen, "FFmpeg was encoding while capturing").toBe(true);
    expect(err).toBeInstanceOf(RenderError);
    expect(err.code).toBe("browser_crashed");
    expect(err.message).toMatch(/browser/);
    expectNoOutput(output);
    await expectNoChildren();
  });

  it("FFmpeg dying mid-render fails with encoder_failed (no hang), leaving no output, partial file or Chrome", async () => {
    const output = path.join(tempDir("hf-render-out-"), "no-encoder.mp4");
    let killed = 0;
    const err = await rejection(
      render({
        project: longProject(),
        output,
        quality: "draft",
        workers: 2,
        onProgress: (p) => {
          if (p.phase !== "capture" || p.frame < 5 || killed) return;
          for (const f of listChildProcesses().filter(isFfmpegProcess)) {
            process.kill(f.pid, "SIGKILL");
            killed++;
          }
        },
      }),
    );
    expect(killed, "an FFmpeg process was found and killed").toBeGreaterThan(0);
    expect(err).toBeInstanceOf(RenderError);
    expect(err.code).toBe("encoder_failed");
    expectNoOutput(output);
    await expectNoChildren();
  });

  it("a browser killed once is replaced, the render completes with a warning", async () => {
    let killedOnce = false;
    const r = await renderProject(longProject(), {
      workers: 1,
      frames: "0:90",
      onProgress: (p) => {
        if (p.phase !== "capture" || killedOnce) return;
        killedOnce = killChrome().length > 0;
      },
    });
    expect(killedOnce).toBe(true);
    expect(r.frames).toBe(90);
    expect(r.warned.join("\n")).toMatch(/crashed.*retrying/);
    await expectNoChildren();
  });
});
