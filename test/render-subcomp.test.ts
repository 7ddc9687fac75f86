/**
 * Sub-composition timelines survive a parent script that replaces window.__timelines after the children
 * registered theirs (`window.__timelines = { root: tl }`), and nested hosts keep local starts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanupProjects, makeProject } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { lintProject } from "../src/compose/lint.js";
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

// A full-document sub-composition that loads GSAP itself and then uses it: its scripts run in the order of
// its own file, after the host page's scripts, even when the host page loads GSAP only at the end of <body>.
const countUp = `<!doctype html><html><head></head><body><template id="meter-template">
<div data-composition-id="meter" data-width="160" data-height="90">
<style>.bar{position:absolute;left:0;top:0;width:160px;height:90px;background:#ffffff;transform-origin:0 0}</style>
<div class="bar"></div>
<script src="../gsap.min.js"></script>
<script>
const tl = gsap.timeline({ paused: true });
tl.fromTo(".bar", { scaleX: 0 }, { scaleX: 1, duration: 1, ease: "none" });
window.__timelines = window.__timelines || {};
window.__timelines["meter"] = tl;
</script>
</div></template></body></html>`;

describe("sub-composition scripts", () => {
  it("run in the order of their own file, after a host page that loads GSAP at the end of <body>", async () => {
    const dir = makeProject({
      "compositions/meter.html": countUp,
      "index.html": `<!doctype html><html><head><style>html,body{background:#000}</style></head><body>
<div id="stage" data-composition-id="root" data-width="160" data-height="90" data-duration="1" data-fps="10">
<div id="host" class="clip" data-composition-id="meter" data-composition-src="compositions/meter.html" data-start="0" data-duration="1"></div>
</div>
<script src="gsap.min.js"></script>
<script>window.__timelines = window.__timelines || {}; window.__timelines["root"] = gsap.timeline({ paused: true });</script>
</body></html>`,
    });
    const r = await renderProject(dir, { workers: 1 });
    expect(r.warned.join("\n")).not.toMatch(/error|not defined|parseEase/i);
    const d = await decodeFrames(r.output);
    // the bar grows from the left over 1 s: x=120 is reached at 0.75 s
    expect(colourDistance(pixel(d, 2, 120, 45), [0, 0, 0]), "frame 2 (0.2 s) at x=120").toBeLessThan(60);
    expect(colourDistance(pixel(d, 2, 10, 45), [255, 255, 255]), "frame 2 (0.2 s) at x=10").toBeLessThan(60);
    expect(colourDistance(pixel(d, 9, 120, 45), [255, 255, 255]), "frame 9 (0.9 s) at x=120").toBeLessThan(60);
  });
});

// Templates whose CSS styles their own root by id, or through html/body, style the mounted root only: the
// host is a clip placed by its own class (left/top without position), like any direct child of the root.
// A bare `*` rule of a template is global, as in the official compiler.
const cardById = `<!doctype html><html><body><template id="card-a-template">
<div id="card-a-root" data-composition-id="card-a" data-width="40" data-height="20">
<style>#card-a-root{position:absolute;left:0;top:0;width:100%;height:100%;overflow:hidden} .fill{position:absolute;inset:0;background:#ff0000}</style>
<div class="fill"></div>
</div></template></body></html>`;
const cardByBody = `<!doctype html><html><body><template id="card-b-template">
<div data-composition-id="card-b" data-width="40" data-height="20">
<style>html, body{margin:0;position:absolute;left:0;top:0;width:100%;height:100%;overflow:hidden} .fill{position:absolute;inset:0;background:#00ff00}
* { box-sizing: border-box; }</style>
<div class="fill"></div>
</div></template></body></html>`;

describe("sub-composition hosts", () => {
  it("a tween first rendered while its in-flow host is out of its window starts from what Chrome reports there (no CSS transform), as in the official", async () => {
    // measured with the official CLI 0.8.170 (overlay-montage-prod's reveal forms): a host that is a direct child
    // of the root is positioned by the runtime and never display:none, so the bar grows from its CSS scale(0.5);
    // a host inside a wrapper stays in the flow, is display:none until its start, GSAP reads no transform, and
    // the bar is full width from the first frame
    const sub = `<template><div data-composition-id="r" data-width="200" data-height="100" data-start="0.319" data-duration="0.8">
<div class="content"><div class="forms"><div class="bar"></div></div></div>
<style>[data-composition-id="r"] .bar { position:absolute; left:0; top:0; width:200px; height:100px; background:#fff; transform-origin:0 0; transform: scale(0.5) }</style>
<script>(function(){ const tl = gsap.timeline({paused:true}); tl.to(document.querySelectorAll('[data-composition-id="r"] .bar'), {scale:1, duration:0.5, ease:'none'}, 0); window.__timelines["r"] = tl; })();</script>
</div></template>`;
    const host = `<div data-composition-src="compositions/r.html" data-start="0.319" data-track-index="1"></div>`;
    const widthAt = async (hostMarkup: string) => {
      const dir = makeProject({
        "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>body{margin:0;background:#000} #root{position:relative;width:200px;height:100px;background:#000}</style></head><body>
<div id="root" data-composition-id="main" data-width="200" data-height="100" data-duration="1.2" data-fps="30">${hostMarkup}</div>
<script>const tl = gsap.timeline({paused:true}); tl.to({}, {duration:1.2}); window.__timelines = window.__timelines || {}; window.__timelines.main = tl;</script></body></html>`,
        "compositions/r.html": sub,
      });
      const d = await decodeFrames((await renderProject(dir, { workers: 1, quality: "high" })).output);
      return [10, 15].map((f) => Array.from({ length: 180 }, (_, x) => x).filter((x) => colourDistance(pixel(d, f, x, 20), [255, 255, 255]) < 80).length);
    };
    const direct = await widthAt(host);
    const wrapped = await widthAt(`<div style="position:absolute;width:100%;height:100%">${host}</div>`);
    expect(direct.map((w, i) => Math.abs(w - [103, 136][i]!) <= 3), `direct host: widths ${direct}`).toEqual([true, true]);
    expect(wrapped, "wrapped host").toEqual([180, 180]);
  });

  it("a host without data-duration shows until its parent ends: not cut at its timeline's length nor at the sub-composition's data-duration", async () => {
    const sub = (id: string, dur: string) => `<template><div data-composition-id="${id}" data-width="100" data-height="100" data-start="0.3"${dur}>
<div class="bar" style="position:absolute;left:0;top:0;width:100px;height:100px;background:#fff"></div>
<script>(function(){ const tl = gsap.timeline({paused:true}); tl.to(document.querySelector('[data-composition-id="${id}"] .bar'), {opacity:1, duration:0.5}, 0); window.__timelines["${id}"] = tl; })();</script>
</div></template>`;
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>body{margin:0;background:#000} #root{position:relative;width:200px;height:100px;background:#000}</style></head><body>
<div id="root" data-composition-id="main" data-width="200" data-height="100" data-duration="1.2" data-fps="30">
<div data-composition-src="compositions/a.html" data-start="0.319" data-track-index="1" style="position:absolute;left:0;top:0"></div>
<div data-composition-src="compositions/b.html" data-start="0.319" data-track-index="2" style="position:absolute;left:100px;top:0"></div>
</div>
<script>const tl = gsap.timeline({paused:true}); tl.to({}, {duration:1.2}); window.__timelines = window.__timelines || {}; window.__timelines.main = tl;</script></body></html>`,
      "compositions/a.html": sub("a", ""),
      "compositions/b.html": sub("b", ' data-duration="0.8"'),
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    const lane = (x: number) => Array.from({ length: 36 }, (_, i) => (colourDistance(pixel(d, i, x, 50), [255, 255, 255]) < 60 ? "W" : ".")).join("");
    // measured with the official CLI 0.8.170 on the same page: shown from frame 10 (0.333 s) to the last
    const want = ".".repeat(10) + "W".repeat(26);
    expect(lane(50), "host without durations").toBe(want);
    expect(lane(150), "host whose sub-composition says data-duration=0.8").toBe(want);
  });

  it("a mounted root's own data-start is not added to its host's start (overlay-montage-prod; the official shows it at the host's start)", async () => {
    const dir = makeProject({
      "index.html": `<!doctype html><html><head><style>body{margin:0;background:#000} #root{position:relative;width:160px;height:90px;background:#000}</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="2" data-fps="10" data-no-timeline>
<div id="host" data-composition-src="compositions/box.html" data-start="0.5" data-duration="1" data-track-index="1" style="position:absolute;inset:0"></div>
</div></body></html>`,
      "compositions/box.html": `<template><div data-composition-id="box" data-width="160" data-height="90" data-start="0.3" data-duration="1">
<div style="position:absolute;left:0;top:0;width:160px;height:90px;background:#f00"></div></div></template>`,
    }, { gsap: false });
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    const red = Array.from({ length: 20 }, (_, i) => (colourDistance(pixel(d, i, 80, 45), [255, 0, 0]) < 60 ? "R" : ".")).join("");
    // measured with the official CLI 0.8.170 on the same page: red in frames 5..14
    expect(red).toBe(".....RRRRRRRRRR.....");
  });

  it("are positioned by their own CSS like any clip, whatever the template's root rules say", async () => {
    const dir = makeProject({
      "compositions/card-a.html": cardById,
      "compositions/card-b.html": cardByBody,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{background:#000}
.mount-a{left:50%;top:0%} .mount-b{left:25%;top:50%}</style></head><body>
<div id="stage" data-composition-id="root" data-width="160" data-height="90" data-duration="0.2" data-fps="10">
<div id="a" class="mount-a clip" data-composition-id="card-a" data-composition-src="compositions/card-a.html" data-start="0" data-duration="0.2"></div>
<div id="b" class="mount-b clip" data-composition-id="card-b" data-composition-src="compositions/card-b.html" data-start="0" data-duration="0.2"></div>
<div id="pad" class="clip" data-start="0" data-duration="0.2" style="left:0;top:70px;width:40px;height:20px;padding:0 10px;background:#0000ff"></div>
</div>
<script>window.__timelines = window.__timelines || {}; window.__timelines["root"] = gsap.timeline({ paused: true });</script>
</body></html>`,
    });
    const r = await renderProject(dir, { workers: 1 });
    const d = await decodeFrames(r.output);
    expect(colourDistance(pixel(d, 0, 5, 5), [0, 0, 0]), "nothing at the top-left corner").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 100, 10), [255, 0, 0]), "card A at (80,0)").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 60, 55), [0, 255, 0]), "card B at (40,45)").toBeLessThan(60);
    // a bare * rule of a sub-composition is not scoped (official): #pad is 40 px wide border-box, not 60
    expect(colourDistance(pixel(d, 0, 30, 80), [0, 0, 255]), "#pad inside its 40 px").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 50, 80), [0, 0, 0]), "#pad is 40 px wide, border-box").toBeLessThan(60);
  });

  it("a mounted root authored with id=\"root\" fills its host, even when the page sizes its own #root", async () => {
    const card = `<!doctype html><html><body><template><div id="root" data-composition-id="card" data-duration="0.2">
<style>#root { position: absolute; inset: 0; background: #00ff00 }</style></div></template></body></html>`;
    const dir = makeProject({
      "compositions/card.html": card,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{background:#000}
#root { position: relative; width: 160px; height: 90px; overflow: hidden } .mount { left: 40px; top: 30px; width: 40px; height: 20px }</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="0.2" data-fps="10">
<div id="m" class="mount clip" data-composition-id="card" data-composition-src="compositions/card.html" data-start="0" data-duration="0.2"></div>
</div>
<script>window.__timelines = window.__timelines || {}; window.__timelines["main"] = gsap.timeline({ paused: true });</script>
</body></html>`,
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    expect(colourDistance(pixel(d, 0, 60, 40), [0, 255, 0]), "the card inside its host").toBeLessThan(60);
    // the page's #root rule (160x90) must not size the mounted root: nothing green outside the 40x20 host
    expect(colourDistance(pixel(d, 0, 100, 60), [0, 0, 0]), "nothing right of / below the host").toBeLessThan(60);
  });

  it("a host without data-composition-id takes the sub-composition root's id: its scoped CSS and timeline apply", async () => {
    const child = `<template id="t"><div data-composition-id="card" data-width="160" data-height="90" data-duration="0.2">
<div class="label"></div>
<style>[data-composition-id="card"] { width: 100%; height: 100%; background: rgb(0, 0, 255) }
[data-composition-id="card"] .label { position: absolute; left: 0; top: 0; width: 40px; height: 40px; background: rgb(255, 255, 0) }</style>
<script>const tl = gsap.timeline({ paused: true }); tl.to("[data-composition-id=card] .label", { x: 100, duration: 0.2, ease: "none" }, 0);
window.__timelines = window.__timelines || {}; window.__timelines["card"] = tl;</script></div></template>`;
    const dir = makeProject({
      "compositions/card.html": child,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{background:#000}</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="0.2" data-fps="10">
<div id="host" data-composition-src="compositions/card.html" data-start="0" data-duration="0.2" data-track-index="1"></div>
</div>
<script>window.__timelines = window.__timelines || {}; window.__timelines["main"] = gsap.timeline({ paused: true });</script>
</body></html>`,
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    expect(colourDistance(pixel(d, 0, 20, 20), [255, 255, 0]), "the styled label at frame 0").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 120, 60), [0, 0, 255]), "the card's own background").toBeLessThan(60);
    expect(colourDistance(pixel(d, 1, 70, 20), [255, 255, 0]), "the card's timeline moved the label at frame 1").toBeLessThan(60);
  });

  it("a page rule on #root does not style a mounted root authored as id=\"root\", whose own CSS and scripts still find it (svg-mask-reveal; as in the official)", async () => {
    const card = `<!doctype html><html><body><template><div id="root" data-composition-id="card" data-width="160" data-height="90" data-duration="0.2">
<style>#root { position: absolute; inset: 0; background: var(--bg) } #root .dot { position: absolute; left: 0; top: 0; width: 20px; height: 20px; background: #fff }</style>
<div class="dot"></div>
<script>document.getElementById("root").style.outline = "0px solid transparent";
gsap.set("#root .dot", { x: 100 });
document.querySelector("#root").setAttribute("data-found", "yes");</script></div></template></body></html>`;
    const dir = makeProject({
      "compositions/card.html": card,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{margin:0;background:#000}
#root { --bg: #ff0000; position: relative; width: 160px; height: 90px; background: linear-gradient(#ff0000, #ff0000) } .mount { --bg: #0000ff; width: 160px; height: 90px }</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="0.2" data-fps="10">
<div id="m" class="mount clip" data-composition-id="card" data-composition-src="compositions/card.html" data-start="0" data-duration="0.2"></div>
</div>
<script>window.__timelines = window.__timelines || {}; window.__timelines["main"] = gsap.timeline({ paused: true });</script>
</body></html>`,
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1, quality: "high" })).output);
    expect(colourDistance(pixel(d, 0, 60, 60), [0, 0, 255]), "the card's own background from the host's --bg, not the page's #root").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 110, 10), [255, 255, 255]), "the card's script moved its #root .dot").toBeLessThan(60);
  });

  it("a host's data-variable-values reach the mounted root as custom properties, over a page #root rule (ink-bleed-reveal); a page rule that does match the mounted root wins, as in the official", async () => {
    const panel = (rootAttr: string, sel: string) => `<!doctype html><html><body>
<div data-composition-id="panel" data-composition-variables='[{"id":"accent","type":"color","label":"Accent","default":"#0000ff"}]'>
<template><div ${rootAttr} data-composition-id="panel" data-width="160" data-height="90" data-duration="0.2">
<style>${sel} .box { position: absolute; left: 10px; top: 10px; width: 60px; height: 60px; background: var(--accent) }</style>
<div class="box"></div></div></template></div></body></html>`;
    const project = (rootAttr: string, sel: string, pageRule: string) => makeProject({
      "compositions/panel.html": panel(rootAttr, sel),
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{background:#000}
${pageRule} #root { position: relative; width: 160px; height: 90px }</style></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="0.2" data-fps="10">
<div id="host" data-composition-id="panel" data-composition-src="compositions/panel.html" data-variable-values='{"accent":"#00ff00"}'
  data-start="0" data-duration="0.2" data-track-index="0" data-width="160" data-height="90"></div>
</div>
<script>window.__timelines = window.__timelines || {}; window.__timelines["main"] = gsap.timeline({ paused: true });</script>
</body></html>`,
    });
    const dir = project('id="root"', "#root", "#root { --accent: #ff0000 }");
    const d = await decodeFrames((await renderProject(dir, { workers: 1 })).output);
    expect(colourDistance(pixel(d, 0, 40, 40), [0, 255, 0]), "the host's value, not the page's #root --accent").toBeLessThan(60);
    // the value is the host's custom property, inherited: a page rule on the mounted root's own class is nearer
    const byClass = await decodeFrames((await renderProject(project('class="panel-root"', ".panel-root", ".panel-root { --accent: #ff0000 }"), { workers: 1 })).output);
    expect(colourDistance(pixel(byClass, 0, 40, 40), [255, 0, 0]), "the page's .panel-root --accent, as the official shows").toBeLessThan(60);
  });
});

describe("any file name", () => {
  it("renders files whose names hold spaces and a lone % (an image, a sub-composition), which the page asks for as /img%2050%.svg, and a sub-composition named with # (a file path, not a URL)", async () => {
    // before: the render server decoded the path with decodeURIComponent, which refuses a lone %: 404, no image
    const project = makeProject(
      {
        "my 100% project/index.html": `<!doctype html><html><head><meta charset="utf-8"></head><body>
<div id="root" data-composition-id="root" data-width="160" data-height="90" data-duration="0.5" data-fps="10" data-no-timeline style="background:#000">
  <div data-composition-id="pct" data-composition-src="compositions/50% off.html" data-start="0" data-duration="0.5"></div>
  <img src="img 50%.svg" style="position:absolute;left:0;top:0">
  <div data-composition-id="hash" data-composition-src="compositions/take#2.html" data-start="0" data-duration="0.5"></div>
</div></body></html>`,
        "my 100% project/compositions/take#2.html": `<template><div data-composition-id="hash" data-width="160" data-height="90" style="position:absolute;inset:0"><div style="position:absolute;left:0;top:0;width:20px;height:20px;background:#0000ff"></div></div></template>`,
        "my 100% project/compositions/50% off.html": `<template id="pct-template"><div data-composition-id="pct" data-width="160" data-height="90" style="position:absolute;inset:0"><div style="position:absolute;right:0;top:0;width:80px;height:90px;background:#00ff00"></div></div></template>`,
        "my 100% project/img 50%.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="90"><rect width="80" height="90" fill="#ff0000"/></svg>`,
      },
      { gsap: false },
    );
    // lint (the CLI's render gate) reads data-composition-src as the compiler does: a path, `#` and all
    const lint = await lintProject(`${project}/my 100% project`);
    expect(lint.findings.filter((f) => f.severity === "error").map((f) => f.message)).toEqual([]);
    const r = await renderProject(`${project}/my 100% project`, { workers: 1 });
    const d = await decodeFrames(r.output);
    expect(colourDistance(pixel(d, 2, 20, 45), [255, 0, 0]), "the image 'img 50%.svg'").toBeLessThan(60);
    expect(colourDistance(pixel(d, 2, 140, 45), [0, 255, 0]), "the sub-composition '50% off.html'").toBeLessThan(60);
    expect(colourDistance(pixel(d, 2, 10, 10), [0, 0, 255]), "the sub-composition 'take#2.html'").toBeLessThan(60);
  });

  it("a sub-composition mounted twice draws its own SVG gradient, clip and <use> in each instance; its scripts and #id rules still find them (as in the official; it drew the first instance's twice)", async () => {
    const badge = `<template id="badge-template"><div data-composition-id="badge" data-width="100" data-height="100" data-duration="1">
<svg width="100" height="100" viewBox="0 0 100 100"><defs>
<linearGradient id="g"><stop offset="0" style="stop-color: var(--accent)"/><stop offset="1" style="stop-color: var(--accent)"/></linearGradient>
<linearGradient id="s"><stop offset="0"/><stop offset="1"/></linearGradient>
<clipPath id="half"><rect x="0" y="0" width="100" height="50"/></clipPath><rect id="shape" width="100" height="50"/><rect id="dot" width="20" height="20"/></defs>
<style>#dot { fill: #ff00ff }</style>
<rect x="0" y="0" width="100" height="50" fill="url(#g)" clip-path="url(#half)"/>
<use href="#shape" y="50" style="fill: url('#s')"/><use href="#dot" x="80" y="80"/></svg>
<script>var c = window.__hyperframes.getVariables().second;
document.querySelectorAll("#s stop").forEach(function (s) { s.setAttribute("stop-color", c); });
window.__timelines = window.__timelines || {}; window.__timelines["badge"] = gsap.timeline({ paused: true });</script>
</div></template>`;
    const host = (id: string, left: number, accent: string, second: string) =>
      `<div id="${id}" data-composition-id="badge" data-composition-src="badge.html" data-variable-values='{"second":"${second}"}' data-start="0" data-duration="1" data-track-index="${left}" style="position:absolute;left:${left}px;top:0;width:100px;height:100px;--accent:${accent}"></div>`;
    const dir = makeProject({
      "badge.html": badge,
      "index.html": `<!doctype html><html><head><script src="gsap.min.js"></script><style>html,body{margin:0;background:#000}</style></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="100" data-duration="0.2" data-fps="10">
${host("a", 0, "#ff0000", "#00ff00")}${host("b", 150, "#0000ff", "#ffff00")}
<script>window.__timelines = window.__timelines || {}; window.__timelines["main"] = gsap.timeline({ paused: true });</script>
</div></body></html>`,
    });
    const d = await decodeFrames((await renderProject(dir, { workers: 1, quality: "high" })).output);
    expect(colourDistance(pixel(d, 0, 50, 25), [255, 0, 0]), "first: its gradient, red").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 200, 25), [0, 0, 255]), "second: its own gradient, blue").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 50, 75), [0, 255, 0]), "first: <use> filled with the gradient its script coloured").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 200, 75), [255, 255, 0]), "second: its script found its own #s").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 240, 90), [255, 0, 255]), "second: the component's #dot rule styles its renamed dot").toBeLessThan(60);
    expect(colourDistance(pixel(d, 0, 90, 90), [255, 0, 255]), "first: and the first's").toBeLessThan(60);
  });
});
