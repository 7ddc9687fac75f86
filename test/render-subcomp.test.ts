/**
 * Sub-composition timelines survive a parent script that replaces window.__timelines after the children
 * registered theirs (`window.__timelines = { root: tl }`), and nested hosts keep local starts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames, pixel, colourDistance } from "./helpers/media.js";

afterAll(cleanupProjects);

const child = `<!doctype html><html><body><template id="panel-template">
<div data-composition-id="panel" data-width="320" data-height="120">
<style>.box{position:absolute;left:100px;top:20px;width:60px;height:60px;background:#ffffff}</style>
<div class="box"></div>
<script>const tl = gsap.timeline({ paused: true }); tl.to(".box", { rotation: 90, duration: 1, ease: "none" }); window.__timelines = window.__timelines || {}; window.__timelines["panel"] = tl;</script>
</div></template></body></html>`;

describe("sub-composition timelines", () => {
  it("are bound even when the parent replaces window.__timelines", async () => {
    const dir = makeProject({
      "compositions/panel.html": child,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{background:#000} #bg{background:#000}</style></head><body>
<div id="stage" data-composition-id="root" data-width="320" data-height="180" data-duration="2" data-fps="10">
<div id="bg" class="clip" data-start="0" data-duration="2"></div>
<div id="host" data-composition-id="panel" data-composition-src="compositions/panel.html" data-start="0.5" data-duration="1.5" style="left:0;top:0"></div>
</div>
<script>const tl = gsap.timeline({ paused: true }); tl.to("#bg", { opacity: 1, duration: 2 }); window.__timelines = { root: tl };</script>
</body></html>`,
    });
    const r = await renderProject(dir, { workers: 1 });
    expect(r.warned.join(" ")).not.toMatch(/freeze/);
    const d = await decodeFrames(r.output);
    const corner = (i: number) => pixel(d, i, 103, 23); // just inside the unrotated box's top-left corner
    // before the host starts: hidden
    expect(colourDistance(corner(2), [0, 0, 0])).toBeLessThan(60);
    // host start (local time 0): unrotated, the corner is white
    expect(colourDistance(corner(5), [255, 255, 255])).toBeLessThan(60);
    // local 0.5 s: rotated 45°, the corner is background
    expect(colourDistance(corner(10), [0, 0, 0])).toBeLessThan(60);
    // local ≥ 1 s: 90°, square again
    expect(colourDistance(corner(17), [255, 255, 255])).toBeLessThan(60);
  });
});
