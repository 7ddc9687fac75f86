/**
 * Progress the whole way (issue 15): every stage of a render (load, capture, encode, verify; decode and
 * audio with media) is reported with its own label and progress, through onProgress, on a terminal and in
 * --json events; the first report already knows the number of frames (never 0/0), also when the length
 * comes from the page; the encoder's progress (frames encoded) is reported through to the end.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RenderProgress } from "../src/render/render.js";
import { progressReporter } from "../src/cli/progress.js";
import { cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";
import { renderProject } from "./helpers/render.js";
import { makeTone } from "./helpers/media.js";

afterAll(() => cleanupProjects());

const SCRIPT = `
  const tl = gsap.timeline({ paused: true });
  tl.to("#box", { x: 200, duration: 0.5, ease: "none" }, 0);
  window.__timelines = { main: tl };`;
const BOX = `<div id="box" class="cell" style="left:0;top:0;background:#fff"></div>`;

/** The distinct stages in the order they were reported. */
const stagesOf = (events: RenderProgress[]) => events.map((e) => e.stage).filter((s, i, a) => i === 0 || a[i - 1] !== s);

function checkEvents(events: RenderProgress[], frames: number): void {
  expect(events.length).toBeGreaterThan(0);
  expect(events[0]).toMatchObject({ stage: "load", total: frames });
  for (const e of events) {
    expect(e.total, JSON.stringify(e)).toBe(frames);
    expect(e.stageProgress).toBeGreaterThanOrEqual(0);
    expect(e.stageProgress).toBeLessThanOrEqual(1);
    expect(e.frame).toBeLessThanOrEqual(frames);
    expect(e.encoded).toBeLessThanOrEqual(frames);
    expect(Number.isFinite(e.etaSeconds) && e.etaSeconds >= 0, JSON.stringify(e)).toBe(true);
  }
  const last = events[events.length - 1]!;
  expect(last).toMatchObject({ stage: "done", phase: "done", frame: frames, encoded: frames, stageProgress: 1 });
  const capture = events.filter((e) => e.stage === "capture");
  expect(capture[capture.length - 1]).toMatchObject({ frame: frames, stageProgress: 1 });
}

describe("onProgress", () => {
  it("reports load, capture, encode, verify and done, each with its progress, the first with the frame count", async () => {
    const events: RenderProgress[] = [];
    await renderProject(makeProject({ "index.html": page({ duration: 0.5, body: BOX, script: SCRIPT }) }), { onProgress: (p) => events.push(p) });
    checkEvents(events, 15);
    expect(stagesOf(events).filter((s) => s !== "load")).toEqual(["capture", "encode", "verify", "done"]);
    // phases as before: prepare, capture, encode, verify, done
    expect([...new Set(events.map((e) => e.phase))]).toEqual(["prepare", "capture", "encode", "verify", "done"]);
  });

  it("never starts with 0/0 when the length comes from the page (no data-duration)", async () => {
    const html = page({ duration: 1, body: BOX, script: SCRIPT }).replace(/ data-duration="1"/, "");
    expect(html).not.toMatch(/data-duration/);
    const events: RenderProgress[] = [];
    const r = await renderProject(makeProject({ "index.html": html }), { onProgress: (p) => events.push(p) });
    expect(r.frames).toBe(15);
    checkEvents(events, 15);
  });

  it("reports the audio mix as its own stage", async () => {
    const dir = makeProject({
      "index.html": page({ duration: 0.5, body: `${BOX}<audio id="a" src="tone.wav" data-start="0" data-duration="0.5" data-track-index="1"></audio>`, script: SCRIPT }),
    });
    makeTone(path.join(dir, "tone.wav"), 1);
    const events: RenderProgress[] = [];
    const r = await renderProject(dir, { onProgress: (p) => events.push(p) });
    expect(r.hasAudio).toBe(true);
    checkEvents(events, 15);
    expect(stagesOf(events)).toContain("audio");
    expect(stagesOf(events).indexOf("audio")).toBeLessThan(stagesOf(events).indexOf("capture"));
  });
});

/** A terminal as the reporter sees it: isTTY and a width; what is written is kept. */
function fakeTerminal() {
  let text = "";
  const stream = { isTTY: true, columns: 120, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe("the terminal progress line", () => {
  it("shows each stage with its label and percentage, the encoder's tail included, and clears itself at the end", async () => {
    const term = fakeTerminal();
    const reporter = progressReporter(false, "render", false, term.stream);
    reporter.start();
    await renderProject(makeProject({ "index.html": page({ duration: 0.5, body: BOX, script: SCRIPT }) }), { onProgress: reporter.onProgress });
    reporter.stop();
    const frames = term.text().split("\r\x1b[2K").filter(Boolean);
    expect(frames[0]).toMatch(/^render load +\[░+\] +0% \| starting the browser/);
    expect(frames.some((f) => /^render capture +\[[█░]+\] +\d+% \| \d+\/15 frames \| [\d.]+ fps/.test(f))).toBe(true);
    expect(frames.some((f) => /^render encode +\[[█░]+\] +\d+% \| \d+\/15 frames encoded/.test(f))).toBe(true);
    expect(frames.some((f) => /^render verify +\[[█░]+\] +\d+% \| checking the output/.test(f))).toBe(true);
    // the line is cleared at the end: nothing is left after the last clear
    expect(term.text().endsWith("\r\x1b[2K")).toBe(true);
  });
});

describe("the CLI", () => {
  const project = () => makeProject({ "index.html": page({ duration: 0.5, body: BOX, script: SCRIPT }) });

  it("--json: progress events for every stage, the first with the frame count", () => {
    const out = path.join(tempDir("hf-cli-out-"), "p.mp4");
    const r = cli(["render", project(), "-o", out, "--quality", "draft", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const progress = events.filter((e) => e.type === "progress") as unknown as RenderProgress[];
    checkEvents(progress, 15);
    expect(stagesOf(progress).filter((s) => s !== "load")).toEqual(["capture", "encode", "verify", "done"]);
    const result = events[events.length - 1]!;
    expect(result).toMatchObject({ type: "result", captureMethod: expect.any(String), captureReason: expect.any(String), browserProcess: expect.stringMatching(/^(single|multi)$/) });
  });

  it("without a terminal: a line per stage and the capture every 10%; the last line says the capture method and why", () => {
    const out = path.join(tempDir("hf-cli-out-"), "p.mp4");
    const r = cli(["render", project(), "-o", out, "--quality", "draft"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^render: load starting the browser$/m);
    expect(r.stderr).toMatch(/^render: capture 15\/15 frames \(100%\)/m);
    expect(r.stderr).toMatch(/^render: encode finishing the encode \(\d+\/15 frames encoded/m);
    expect(r.stderr).toMatch(/^render: verify checking the output$/m);
    expect(r.stdout).toMatch(/^rendered .*p\.mp4 .* (beginframe \(probed(, multi-process)?\)|screenshot \(the browser lacks beginFrame\))$/m);
  });
});
