/** Timing: the data-start grammar, reference/cycle resolution and sub-composition local offsets, on real HTML. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { frameCount, parseStartExpression, parseTimingNumber } from "../src/compose/timing.js";
import { analyzeProject, loadComposition } from "../src/compose/model.js";

let tmp: string;
let n = 0;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "hf-timing-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Write a project whose root contains `body`; extra files by relative path. */
function project(body: string, files: Record<string, string> = {}): string {
  const dir = path.join(tmp, `p${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "index.html"),
    `<!doctype html><html><body>\n<div id="stage" data-composition-id="main" data-width="320" data-height="180" data-duration="10">\n${body}\n</div>\n<script>window.__timelines={};</script></body></html>\n`,
  );
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

async function starts(dir: string): Promise<Record<string, [number | null, number | null]>> {
  const m = await loadComposition(dir);
  return Object.fromEntries(m.clips.map((c) => [c.id, [c.start, c.duration]]));
}

describe("parseStartExpression", () => {
  it("parses numbers, references and offsets", () => {
    expect(parseStartExpression("1.5")).toEqual({ kind: "absolute", value: 1.5 });
    expect(parseStartExpression(" 2 ")).toEqual({ kind: "absolute", value: 2 });
    expect(parseStartExpression("intro")).toEqual({ kind: "reference", refId: "intro", offset: 0 });
    expect(parseStartExpression("a + 0.5")).toEqual({ kind: "reference", refId: "a", offset: 0.5 });
    expect(parseStartExpression("a+0.25")).toEqual({ kind: "reference", refId: "a", offset: 0.25 });
    expect(parseStartExpression("b - 0.5")).toEqual({ kind: "reference", refId: "b", offset: -0.5 });
    expect(parseStartExpression("scene.one:x - 2")).toEqual({ kind: "reference", refId: "scene.one:x", offset: -2 });
    // an id may contain "-": without spaces this is one id, as in the reference parser
    expect(parseStartExpression("a-0.5")).toEqual({ kind: "reference", refId: "a-0.5", offset: 0 });
  });
  it("rejects what is neither", () => {
    for (const bad of ["", "   ", "a + b", "a * 2", "#x + 1", "a + ", "(a) + 1"]) expect(parseStartExpression(bad)).toBeNull();
  });
  it("parses strict numbers only", () => {
    expect(parseTimingNumber("3")).toBe(3);
    expect(parseTimingNumber("-1.25")).toBe(-1.25);
    expect(parseTimingNumber("1e1")).toBe(10);
    expect(parseTimingNumber("1.5s")).toBeNull();
    expect(parseTimingNumber("")).toBeNull();
    expect(parseTimingNumber(undefined)).toBeNull();
  });
  it("counts frames like the producer", () => {
    expect(frameCount(2.5, 30)).toBe(75);
    expect(frameCount(1.00001, 30)).toBe(30);
    expect(frameCount(1.01, 30)).toBe(31);
    expect(frameCount(10 / 3, 30)).toBe(100);
  });
});

describe("start resolution", () => {
  it("numeric, relative (with and without spaces) and chains, clamped at 0", async () => {
    const dir = project(`
      <div id="intro" data-start="0" data-duration="0.5"></div>
      <div id="a" data-start="intro" data-duration="0.5"></div>
      <div id="b" data-start="a + 0.5" data-duration="0.5"></div>
      <div id="c" data-start="b - 0.5" data-duration="1"></div>
      <div id="d" data-start="a+0.25" data-duration="0.5"></div>
      <div id="e" data-start="d - 1.25" data-duration="1.5"></div>
      <div id="f" data-start="intro - 5" data-duration="1"></div>
      <div id="g" data-start="-3" data-end="2"></div>
      <div id="h" data-start="2"></div>`);
    expect(await starts(dir)).toEqual({
      intro: [0, 0.5],
      a: [0.5, 0.5],
      b: [1.5, 0.5],
      c: [1.5, 1],
      d: [1.25, 0.5],
      e: [0.5, 1.5],
      f: [0, 1],
      g: [0, 2],
      h: [2, null],
    });
  });

  it("references resolve by element id, then by data-composition-id, and to the start when the target has no duration", async () => {
    const dir = project(`
      <div id="host" data-composition-id="scene1" data-start="1" data-duration="2"><div class="x"></div></div>
      <div id="after" data-start="scene1 + 1" data-duration="1"></div>
      <div id="open" data-start="3"></div>
      <div id="late" data-start="open + 0.5" data-duration="1"></div>`);
    const s = await starts(dir);
    expect(s.after).toEqual([4, 1]);
    expect(s.late).toEqual([3.5, 1]);
    const a = analyzeProject(dir);
    expect(a.findings.map((f) => f.code)).toContain("start_reference_unknown_duration");
  });

  it("unknown ids and cycles give null starts and findings", async () => {
    const dir = project(`
      <div id="x" data-start="y" data-duration="1"></div>
      <div id="y" data-start="x + 1" data-duration="1"></div>
      <div id="z" data-start="y + 1" data-duration="1"></div>
      <div id="u" data-start="nope - 1" data-duration="1"></div>
      <div id="ok" data-start="1" data-duration="1"></div>`);
    const s = await starts(dir);
    expect(s).toMatchObject({ x: [null, 1], y: [null, 1], z: [null, 1], u: [null, 1], ok: [1, 1] });
    const codes = analyzeProject(dir).findings.map((f) => `${f.code}@${f.element}`);
    expect(codes).toContain('start_reference_cycle@<div id="x">');
    expect(codes).toContain('start_reference_cycle@<div id="y">');
    expect(codes).toContain('unknown_start_reference@<div id="u">');
    expect(codes.filter((c) => c.endsWith('<div id="z">'))).toEqual([]);
  });

  it("suggests spaces for id-N references", () => {
    const dir = project(`
      <div id="a" data-start="0" data-duration="1"></div>
      <div id="b" data-start="a-0.5" data-duration="1"></div>`);
    const f = analyzeProject(dir).findings.find((x) => x.code === "unknown_start_reference");
    expect(f?.message).toContain('"a - 0.5"');
    expect(f?.line).toBe(5);
  });

  it("absolute starts inside sub-compositions are local to the host; nested hosts add up", async () => {
    const tpl = (id: string, inner: string) =>
      `<!doctype html><html><body><template id="${id}-template"><div data-composition-id="${id}" data-width="100" data-height="100" data-duration="2">${inner}</div></template></body></html>`;
    const dir = project(
      `
      <div id="h1" data-composition-id="card" data-composition-src="compositions/card.html" data-start="0.5" data-duration="3"></div>
      <div id="after-card" data-start="h1" data-duration="1"></div>
      <div id="inline-host" data-composition-id="lower" data-start="2" data-duration="1"></div>
      <div id="nested" data-composition-id="nest" data-start="1" data-duration="2">
        <div id="in-nest" data-start="0.5" data-duration="0.5"></div>
      </div>
      <template id="lower-template"><div data-composition-id="lower"><div id="lower-a" data-start="0.25" data-duration="0.5"></div></div></template>`,
      {
        "compositions/card.html": tpl(
          "card",
          `<div id="badge" data-start="0.5" data-duration="0.5"></div>
           <div id="badge2" data-start="badge + 0.1" data-duration="0.2"></div>
           <div id="inner-host" data-composition-id="dot" data-composition-src="compositions/dot.html" data-start="1" data-duration="1"></div>`,
        ),
        "compositions/dot.html": tpl("dot", `<div id="dot-a" data-start="0.25" data-duration="0.5"></div>`),
      },
    );
    const s = await starts(dir);
    expect(s).toMatchObject({
      h1: [0.5, 3],
      badge: [1, 0.5],
      badge2: [1.6, 0.2],
      "inner-host": [1.5, 1],
      "dot-a": [1.75, 0.5],
      "after-card": [3.5, 1],
      "inline-host": [2, 1],
      "lower-a": [2.25, 0.5],
      nested: [1, 2],
      "in-nest": [1.5, 0.5],
    });
    const m = await loadComposition(dir);
    expect(m.subCompositions.map((x) => [x.id, x.file, x.start, x.duration])).toEqual([
      ["card", "compositions/card.html", 0.5, 3],
      ["lower", "index.html", 2, 1],
    ]);
    const card = m.subCompositions[0]!.model!;
    expect(card.id).toBe("card");
    expect(card.clips.map((c) => c.id)).toEqual(["badge", "badge2", "inner-host", "dot-a"]);
    expect(card.subCompositions[0]?.model?.clips[0]?.start).toBe(1.75);
    expect(m.clips.find((c) => c.id === "dot-a")?.compositionId).toBe("dot");
  });

  it("a host without data-duration takes the sub-composition root's duration", async () => {
    const dir = project(`<div id="h" data-composition-id="c" data-composition-src="c.html" data-start="1"></div><div id="n" data-start="h" data-duration="1"></div>`, {
      "c.html": `<template id="c-template"><div data-composition-id="c" data-width="10" data-height="10" data-duration="2.5"></div></template>`,
    });
    expect(await starts(dir)).toEqual({ h: [1, 2.5], n: [3.5, 1] });
  });
});
