/**
 * The composition's body scripts run after its web fonts (compose/script-gate.ts), as in the official renderer:
 * text a script measures or draws on a canvas at build time uses the page's face, and the script still sees
 * the DOM, events and script order a parser would give it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames, pixel, colourDistance } from "./helpers/media.js";
import { deferBodyScripts } from "../src/compose/defer-scripts.js";

afterAll(cleanupProjects);

const GREEN = [0, 255, 0];
const RED = [255, 0, 0];

describe("body scripts run after the web fonts", () => {
  it("a canvas drawn by a script at build time uses the page's web font, not the fallback (the official draws it in the face)", async () => {
    // "Bebas Neue" is drawn with the bundled League Gothic: "HELLO" at 60px is about 95 px wide in it, about 190 px in
    // the fallback sans. The script paints a bar as wide as measureText says, then the text itself.
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script>
<style>html,body{margin:0;background:#000} .lbl{font-family:"Bebas Neue",sans-serif;font-size:60px}</style></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="90" data-duration="0.2" data-fps="10">
<div class="lbl" id="l" style="position:absolute;left:0;top:0;opacity:0">HELLO</div>
<canvas id="c" width="320" height="90" style="position:absolute;left:0;top:0"></canvas>
</div>
<script>
var cs = getComputedStyle(document.getElementById("l"));
var ctx = document.getElementById("c").getContext("2d");
ctx.font = cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
ctx.fillStyle = "#00ff00";
ctx.fillRect(0, 60, Math.round(ctx.measureText("HELLO").width), 30);
window.__timelines = { main: gsap.timeline({ paused: true }) };
</script></body></html>`,
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1, quality: "high" })).output);
    expect(colourDistance(pixel(d, 0, 40, 75), GREEN), "the bar starts at 0").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 150, 75), [0, 0, 0]), "the bar is as wide as HELLO in League Gothic (~95 px), not in the fallback (~190 px)").toBeLessThan(60);
  });

  it("see the whole body, currentScript, their DOMContentLoaded and load listeners, and run in document order (files, inline, then modules)", async () => {
    const box = (i: number) => `<div id="b${i}" style="position:absolute;top:0;left:${i * 20}px;width:20px;height:20px;background:#f00"></div>`;
    const dir = makeProject({
      "one.js": `window.__order = (window.__order || "") + "1";`,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{margin:0;background:#000}</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="40" data-duration="0.2" data-fps="10">${[0, 1, 2, 3, 4, 5, 6].map(box).join("")}</div>
<script>
function ok(i, v) { document.getElementById("b" + i).style.background = v ? "#0f0" : "#f00"; }
window.__order = (window.__order || "") + "0";
ok(0, !!document.getElementById("after"));
ok(1, !!document.currentScript);
document.addEventListener("DOMContentLoaded", function () { ok(2, true); });
window.addEventListener("load", function () { ok(3, true); });
</script>
<script type="module">ok(5, window.__order === "012");</script>
<script src="one.js"></script>
<script>window.__order += "2"; ok(4, window.__order === "012"); window.__timelines = { main: gsap.timeline({ paused: true }) };</script>
<script>document.addEventListener("DOMContentLoaded", function () { ok(6, window.__order === "012"); });</script>
<div id="after"></div>
</body></html>`,
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1, quality: "high" })).output);
    const names = ["an element after the script exists", "document.currentScript", "its DOMContentLoaded listener ran", "its window load listener ran", "a <script src> ran in its place", "the module ran after the classic scripts", "DOMContentLoaded listeners run after every script"];
    for (let i = 0; i < 7; i++) expect(colourDistance(pixel(d, 0, i * 20 + 10, 10), GREEN), names[i]).toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 150, 30), RED)).toBeGreaterThan(60);
  });

  it("see timed elements but media hidden while they run, and shown again for their DOMContentLoaded listeners (as the official runtime does)", async () => {
    // thermal-distortion copies its scenes to a canvas at build time, skipping what getComputedStyle calls hidden:
    // the official's copy is empty because its scenes sit in a timed root
    const box = (i: number) => `<div id="b${i}" style="position:absolute;top:0;left:${i * 20}px;width:20px;height:20px;background:#f00"></div>`;
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{margin:0;background:#000}</style></head><body>
<div id="root" data-start="0" data-composition-id="main" data-width="160" data-height="40" data-duration="0.2" data-fps="10">${[0, 1, 2, 3, 4, 5].map(box).join("")}
<div id="clip" class="clip" data-start="0" data-duration="0.2" data-track-index="0" style="position:absolute;top:20px;left:0;width:20px;height:20px"><span id="inside">x</span></div>
<img id="pic" data-start="0" data-duration="0.2" data-track-index="1" style="position:absolute;top:20px;left:40px;width:1px;height:1px;visibility:visible" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div id="plain" style="position:absolute;top:20px;left:60px;width:1px;height:1px"></div>
</div>
<script>
function ok(i, v) { document.getElementById("b" + i).style.background = v ? "#0f0" : "#f00"; }
function vis(id) { return getComputedStyle(document.getElementById(id)).visibility; }
ok(0, vis("root") === "hidden" && vis("clip") === "hidden");
ok(1, vis("inside") === "hidden");
ok(2, vis("pic") === "visible" && vis("plain") === "hidden");
document.addEventListener("DOMContentLoaded", function () { ok(4, vis("root") === "visible" && vis("clip") === "visible"); });
window.__timelines = { main: gsap.timeline({ paused: true }) };
</script>
<script type="module">ok(3, vis("clip") === "hidden");</script>
<script>document.getElementById("root").setAttribute("data-x", "1"); ok(5, getComputedStyle(document.getElementById("plain")).visibility === "hidden");</script>
</body></html>`,
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1, quality: "high" })).output);
    const names = ["a timed root and clip are hidden", "so is what they hold", "a timed <img> is not (its own visibility: visible holds; an untimed div inherits the root's)", "a module sees them hidden too", "DOMContentLoaded listeners see them shown", "the last script still sees them hidden"];
    for (let i = 0; i < 6; i++) expect(colourDistance(pixel(d, 0, i * 20 + 10, 10), GREEN), names[i]).toBeLessThan(60);
  });
});

describe("consecutive inline scripts run as one, as the official compiler merges them", () => {
  it("a function declared in a later one is there for an earlier one; an error stops the rest of its run, not the scripts after the next file", async () => {
    const box = (i: number) => `<div id="b${i}" style="position:absolute;top:0;left:${i * 20}px;width:20px;height:20px;background:#f00"></div>`;
    const dir = makeProject({
      "one.js": `ok(2, true);`,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><script>function ok(i, v) { document.getElementById("b" + i).style.background = v ? "#0f0" : "#00f"; }</script>
<style>html,body{margin:0;background:#000}</style></head><body>
<div id="root" data-composition-id="main" data-width="120" data-height="20" data-duration="0.2" data-fps="10">${[0, 1, 2, 3, 4].map(box).join("")}</div>
<script>ok(0, typeof later === "function"); window.__timelines = { main: gsap.timeline({ paused: true }) };</script>
<script>function later() {} notDefinedAnywhere(); ok(1, false);</script>
<script>ok(1, false);</script>
<script src="one.js"></script>
<script>ok(3, true);</script>
</body></html>`,
    });
    const r = await renderProject(dir, { workers: 1, quality: "high" });
    const d = await decodeFrames(r.output);
    // the merged run keeps each member on its page line
    const line = readFileSync(path.join(dir, "index.html"), "utf8").split("\n").findIndex((l) => l.includes("notDefinedAnywhere")) + 1;
    expect(r.warned.join("\n")).toContain(`notDefinedAnywhere is not defined (index.html:${line})`);
    expect(colourDistance(pixel(d, 0, 10, 10), GREEN), "later() hoisted across the run").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 30, 10), RED), "nothing after the error in its run ran (the next inline script is in the run)").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 50, 10), GREEN), "the file after the run").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 70, 10), GREEN), "the run after the file").toBeLessThan(60);
  });
});

describe("deferBodyScripts", () => {
  it("marks classic and module scripts of the body with their line, and leaves head, injected, data and nomodule scripts and every line as they were", () => {
    const page = `<html><head><script>a()</script><script data-hf-injected>b()</script></head><body>
<div></div>
<script>c()</script><script type="text/javascript" src="x.js"></script>
<script type='module'>d()</script><script type="application/json">{}</script><script nomodule>e()</script>
<svg><script>f()</script></svg><template><script>g()</script></template>
<script
  src="late.js" defer/>
</body></html>`;
    const out = deferBodyScripts(page);
    expect(out.split("\n").length).toBe(page.split("\n").length);
    expect(out).toContain(`<script>a()</script><script data-hf-injected>b()</script>`);
    expect(out).toContain(`<script type="text/hf-after-fonts" data-hf-line="3">c()</script><script type="text/hf-after-fonts" src="x.js" data-hf-line="3"></script>`);
    expect(out).toContain(`<script type='text/hf-after-fonts+module' data-hf-line="4">d()</script><script type="application/json">{}</script><script nomodule>e()</script>`);
    expect(out).toContain(`<svg><script>f()</script></svg><template><script>g()</script></template>`);
    expect(out).toContain(`<script\n  src="late.js" defer type="text/hf-after-fonts" data-hf-line="7"/>`);
  });
});
