/**
 * Same-origin iframes run on the composition's clock in a render, as in the official renderer (its
 * producer test `iframe-render-compat`): requestAnimationFrame timestamps, performance.now() and Date.now()
 * inside the iframe are the rendered frame's time, so a page embedded in an iframe moves with the video
 * instead of with the wall clock. Real Chrome + FFmpeg; positions read back from the decoded MP4.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject, type TestRender } from "./helpers/render.js";
import { decodeFrames, leftEdge, type DecodedFrames } from "./helpers/media.js";

afterAll(() => cleanupProjects());

const box = (id: string, row: number, colour: string) =>
  `<div id="${id}" style="position:absolute;left:0;top:${row * 45}px;width:40px;height:40px;background:${colour}"></div>`;

/** Each box's left edge is 100 px per second of the clock it reads. */
const INNER = `<!doctype html><html><head><style>html,body{margin:0;background:#000;overflow:hidden}</style></head><body>
${box("raf", 0, "#f00")}${box("perf", 1, "#0f0")}${box("date", 2, "#00f")}
<script>
  const t0 = Date.now();
  function tick(ts) {
    document.getElementById("raf").style.left = ts / 10 + "px";
    document.getElementById("perf").style.left = performance.now() / 10 + "px";
    document.getElementById("date").style.left = (Date.now() - t0) / 10 + "px";
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
</script></body></html>`;

/** The same with a srcdoc iframe (no URL of its own, the parent's origin). */
const SRCDOC = `<div id="s" style="position:absolute;left:0;top:0;width:40px;height:40px;background:#ff0"></div>
<script>function f(ts){document.getElementById('s').style.left=ts/10+'px';requestAnimationFrame(f)}requestAnimationFrame(f)</script>`;

describe("render: iframes follow the composition's clock", () => {
  let r: TestRender;
  let d: DecodedFrames;
  beforeAll(async () => {
    const project = makeProject({
      "inner.html": INNER,
      "index.html": page({
        duration: 1,
        gsap: false,
        body: `<iframe src="inner.html" width="320" height="135" style="position:absolute;left:0;top:0;border:0" class="clip" data-start="0" data-duration="1" data-track-index="0"></iframe>
    <iframe srcdoc="${SRCDOC.replace(/"/g, "&quot;")}" width="320" height="45" style="position:absolute;left:0;top:135px;border:0;background:#000"></iframe>`,
      }),
    });
    r = await renderProject(project, { quality: "high" });
    d = await decodeFrames(r.output);
  }, 120_000);

  it("rAF timestamps, performance.now() and Date.now() in an iframe are the frame's time (100 px per second)", () => {
    for (const frame of [6, 15, 27]) {
      const x = (frame / 30) * 100;
      expect(Math.abs(leftEdge(d, frame, 20, [255, 0, 0]) - x), `rAF box at frame ${frame}`).toBeLessThanOrEqual(2);
      expect(Math.abs(leftEdge(d, frame, 65, [0, 255, 0]) - x), `performance.now box at frame ${frame}`).toBeLessThanOrEqual(2);
      expect(Math.abs(leftEdge(d, frame, 110, [0, 0, 255]) - x), `Date.now box at frame ${frame}`).toBeLessThanOrEqual(2);
      expect(Math.abs(leftEdge(d, frame, 155, [255, 255, 0]) - x), `srcdoc rAF box at frame ${frame}`).toBeLessThanOrEqual(2);
    }
  });
});
