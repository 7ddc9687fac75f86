/**
 * Batch renders from data (issue #7): the real renderBatch() API and the real CLI (bin/hyperframes.js →
 * dist/, built by `npm test`) with Chrome + FFmpeg on a tiny fixture (320x180, 1 s, 15 fps, draft).
 * The fixture paints the whole frame with the `color` variable; every video is decoded back to check it.
 */
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderBatch, type BatchRowResult } from "../src/render/batch.js";
import { planOutputs, safeSegment } from "../src/data/output-pattern.js";
import { coerceRow, parseRows } from "../src/data/rows.js";
import type { BatchManifest } from "../src/data/manifest.js";
import { CLI, GSAP_JS, REPO, cleanupProjects, tempDir } from "./helpers/project.js";
import { cli as runCli } from "./helpers/cli.js";
import { colourDistance, describeColour, frameRgbAt, makeColourVideo, sourceFrameColour, type RGB } from "./helpers/media.js";
import { isBrowserProcess, isFfmpegProcess, listChildProcesses, listProcesses, waitFor, type ProcInfo } from "./helpers/processes.js";
import type { VariableDecl } from "../src/compose/types.js";

const FIXTURE = path.join(REPO, "test", "fixtures", "batch-comp");
const TOL = 40;

afterAll(() => cleanupProjects());

function project(): string {
  const dir = tempDir("hf-batch-test-");
  cpSync(FIXTURE, dir, { recursive: true });
  copyFileSync(GSAP_JS, path.join(dir, "gsap.min.js"));
  return dir;
}

const hex = (c: RGB) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;

/** Background colour of frame 7 (the fixture's label sits at the bottom left; (8, 8) is pure background). */
async function background(file: string): Promise<RGB> {
  return frameRgbAt(file, 7, 8, 8);
}

async function expectColour(file: string, want: RGB): Promise<void> {
  const got = await background(file);
  expect(colourDistance(got, want), `${path.basename(file)}: background ${describeColour(got)}, expected ${describeColour(want)}`).toBeLessThanOrEqual(TOL);
}

function readManifest(file: string): BatchManifest {
  return JSON.parse(readFileSync(file, "utf8")) as BatchManifest;
}

function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.hf-tmp-|\.tmp$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The CLI, run in the project folder (as `hyperframes render . --batch rows.json`). */
const cli = (args: string[], cwd: string) => runCli(args, { cwd, timeout: 90_000 });

const COLOURS: RGB[] = [
  [255, 0, 0],
  [0, 200, 0],
  [0, 0, 255],
  [255, 255, 0],
  [255, 0, 255],
  [0, 255, 255],
];

describe("data rows and output names (no browser)", () => {
  const decls = [
    { id: "size", type: "number", label: "size", default: 1 },
    { id: "on", type: "boolean", label: "on", default: false },
    { id: "name", type: "string", label: "name", default: "" },
  ] as VariableDecl[];

  it("reads JSON, {rows}, NDJSON and CSV; coerces CSV cells by the schema", () => {
    expect(parseRows('[{"a":1}]', "r.json")).toEqual([{ a: 1 }]);
    expect(parseRows('{"rows":[{"a":1}]}', "r.json")).toEqual([{ a: 1 }]);
    expect(parseRows('{"a":1}\n\n{"a":2}\n', "r.ndjson")).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseRows('{"a":1}\n{"a":2}', "r.json")).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => parseRows('{"a":1}\n[2]', "r.ndjson")).toThrow(/r\.ndjson:2 must be a JSON object/);
    expect(() => parseRows("[1]", "r.json")).toThrow(/list of objects/);
    expect(() => parseRows("[]", "r.json")).toThrow(/no rows/);
    const csv = parseRows('size,on,name\n12.5,yes,"a, b"\n,0,x\n', "r.csv");
    expect(csv).toEqual([
      { size: "12.5", on: "yes", name: "a, b" },
      { size: "", on: "0", name: "x" },
    ]);
    expect(csv.map((r) => coerceRow(r, decls))).toEqual([
      { size: 12.5, on: true, name: "a, b" },
      { on: false, name: "x" }, // a blank number cell falls back to the declared default
    ]);
    expect(coerceRow({ size: "big" }, decls)).toEqual({ size: "big" }); // left for validation to report
  });

  it("expands placeholders into safe names and refuses collisions naming both rows", () => {
    const rows = [{ name: "a/b" }, { name: "..\\evil:*?" }, { name: "Zoë <3>" }];
    const out = planOutputs("out/{id}-{row.name}-{index}.mp4", rows, { id: "comp", format: "mp4", cwd: "/w" });
    expect(out).toEqual(["/w/out/comp-a_b-1.mp4", "/w/out/comp-___evil_-2.mp4", "/w/out/comp-Zoë_3_-3.mp4"]);
    expect(planOutputs("/abs/{index}", Array.from({ length: 12 }, () => ({})), { id: "c", format: "webm" }).slice(8, 10)).toEqual(["/abs/9.webm", "/abs/10.webm"]);
    expect(() => planOutputs("out/{row.name}.mp4", [{ name: "x" }, { name: "y" }, { name: "X" }], { id: "c", format: "mp4", cwd: "/w" })).toThrow(
      /gives rows 1 and 3 the same file out\/X\.mp4/,
    );
    expect(() => planOutputs("out/{row.nope}.mp4", [{ name: "x" }], { id: "c", format: "mp4" })).toThrow(/row 1 has no value for field "nope"/);
    expect(() => planOutputs("out/{name}.mp4", [{ name: "x" }], { id: "c", format: "mp4" })).toThrow(/unknown placeholder \{name\}/);
    expect(safeSegment("../../etc/passwd")).toBe("___.._etc_passwd"); // one segment: no separator, no leading dot
    expect(safeSegment("")).toBe("_");
  });
});

describe("renderBatch() with Chrome + FFmpeg", () => {
  it("renders one correct video per row with one browser, then resumes: unchanged rows are skipped, a changed row re-renders", async () => {
    const dir = project();
    const rows = COLOURS.map((c, i) => ({ id: `p${i}`, color: hex(c), label: `Row ${i}` }));
    const outDir = path.join(dir, "out");
    const pattern = path.join(outDir, "{row.id}_{index}.mp4");
    const seen: BatchRowResult[] = [];
    const progressSeen: number[] = [];
    const run = renderBatch({ project: dir, rows, outputPattern: pattern, quality: "draft", concurrency: 2, onProgress: (p) => progressSeen.push(p.done) });
    for await (const r of run) seen.push(r);
    const s = await run.done();
    expect(s.done, JSON.stringify(s.results.map((r) => r.error?.message))).toBe(6);
    expect(s).toMatchObject({ total: 6, failed: 0, skipped: 0, pending: 0, cancelled: false, browserLaunches: 1 });
    expect(seen.map((r) => r.row).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.rowsPerMinute).toBeGreaterThan(0);
    expect(s.rowTimes!.maxMs).toBeGreaterThan(0);
    expect(Math.max(...progressSeen)).toBe(6);
    for (const [i, c] of COLOURS.entries()) {
      const file = path.join(outDir, `p${i}_${i + 1}.mp4`);
      expect(s.results[i]!.output).toBe(file);
      await expectColour(file, c);
    }
    const m = readManifest(path.join(outDir, "batch-manifest.json"));
    expect(m.state).toBe("finished");
    expect(m.rows.map((r) => r.status)).toEqual(Array(6).fill("done"));
    expect(m.rows.every((r) => /^[0-9a-f]{64}$/.test(r.inputHash) && r.timings!.totalMs > 0 && r.sizeBytes! > 0)).toBe(true);
    // no browser or FFmpeg left behind by the batch
    expect(listChildProcesses().filter((p) => isBrowserProcess(p) || isFfmpegProcess(p))).toEqual([]);

    // same inputs: nothing is rendered again
    const again = await renderBatch({ project: dir, rows, outputPattern: pattern, quality: "draft" }).done();
    expect(again).toMatchObject({ done: 0, skipped: 6, failed: 0, browserLaunches: 0 });

    // one row's data changes: only that row renders
    const changed = rows.map((r, i) => (i === 2 ? { ...r, color: "#ffffff" } : r));
    const onRow: string[] = [];
    const third = await renderBatch({ project: dir, rows: changed, outputPattern: pattern, quality: "draft", onRow: (r) => onRow.push(`${r.row}:${r.status}`) }).done();
    expect(third).toMatchObject({ done: 1, skipped: 5, failed: 0 });
    expect(onRow).toContain("3:done");
    await expectColour(path.join(outDir, "p2_3.mp4"), [255, 255, 255]);

    // a row appended to the data: only the new row renders ({index} is not padded, earlier names stay)
    const appended = [...changed, { id: "p6", color: "#000080", label: "new" }];
    const fourth = await renderBatch({ project: dir, rows: appended, outputPattern: pattern, quality: "draft" }).done();
    expect(fourth).toMatchObject({ done: 1, skipped: 6, failed: 0 });
    await expectColour(path.join(outDir, "p6_7.mp4"), [0, 0, 128]);

    // a render option is part of the input hash too
    const fps10 = await renderBatch({ project: dir, rows: changed.slice(0, 1), outputPattern: pattern, quality: "draft", fps: 10 }).done();
    expect(fps10).toMatchObject({ done: 1, skipped: 0 });
  });

  it("stops the whole batch when no browser can be used (rows stay pending), and done() rejects", async () => {
    const dir = project();
    const run = renderBatch({ project: dir, rows: [{ color: "#ff0000" }, { color: "#00ff00" }], browser: path.join(dir, "no-such-chrome") });
    await expect(run.done()).rejects.toMatchObject({ code: expect.stringMatching(/^browser_/) });
    const m = readManifest(path.join(dir, "renders", "batch-manifest.json"));
    expect(m.state).toBe("error");
    expect(m.rows.map((r) => r.status)).toEqual(["pending", "pending"]);
    // the iterator reports the same error
    await expect((async () => { for await (const _ of run) void _; })()).rejects.toMatchObject({ code: expect.stringMatching(/^browser_/) });
  });

  it("decodes a video clip once for the whole batch", async () => {
    const dir = project();
    makeColourVideo(path.join(dir, "clip.mp4"), 15, 15);
    const html = readFileSync(path.join(dir, "index.html"), "utf8").replace(
      '<div id="label"></div>',
      '<div id="label"></div>\n    <video id="v" class="clip" src="clip.mp4" muted playsinline data-start="0" data-duration="1" data-track-index="1" style="position:absolute;left:160px;top:0;width:160px;height:90px"></video>',
    );
    writeFileSync(path.join(dir, "index.html"), html);
    const rows = COLOURS.slice(0, 3).map((c) => ({ color: hex(c) }));
    const s = await renderBatch({ project: dir, rows, quality: "draft", concurrency: 1 }).done();
    expect(s.done, JSON.stringify(s.results.map((r) => r.error?.message))).toBe(3);
    expect(s.videoDecodes).toEqual({ decoded: 1, reused: 2 });
    for (const [i, r] of s.results.entries()) {
      expect(path.basename(r.output)).toBe(`batch-comp_${i + 1}.mp4`); // default pattern: <dir>/renders/<id>_{index}.mp4
      await expectColour(r.output, COLOURS[i]!);
      // the video shows source frame 7 at frame 7, in every row
      const v = await frameRgbAt(r.output, 7, 240, 45);
      expect(colourDistance(v, sourceFrameColour(7)), `row ${i + 1} video pixel ${describeColour(v)}`).toBeLessThanOrEqual(TOL);
    }
    expect(existsSync(path.join(dir, "renders", "batch-manifest.json"))).toBe(true);
  });
});

describe("hyperframes render --batch (CLI)", () => {
  it("a bad row (--strict-variables) is reported by row and field, the rest finish; fixing it re-renders only that row", () => {
    const dir = project();
    const names = ["ann", "ben", "cat", "dov", "eve"];
    const csv = (size3: string) =>
      "id,color,label,size\n" + names.map((n, i) => `${n},${hex(COLOURS[i]!)},${n.toUpperCase()},${i === 2 ? size3 : 20 + i}`).join("\n") + "\n";
    writeFileSync(path.join(dir, "people.csv"), csv("big"));
    const args = ["render", ".", "--batch", "people.csv", "--quality", "draft", "--strict-variables", "--output-pattern", "videos/{row.id}.mp4", "--json"];
    const r = cli(args, dir);
    expect(r.code, r.stderr).toBe(1);
    const failed = r.lines.filter((e) => e.type === "row-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ row: 3, error: { code: "variable_type_mismatch" } });
    expect(String((failed[0]!.error as { message: string }).message)).toMatch(/row 3: variable "size" expects a number/);
    expect(r.lines.filter((e) => e.type === "row-done").map((e) => e.row)).toEqual(expect.arrayContaining([1, 2, 4, 5]));
    const result = r.lines.find((e) => e.type === "result")!;
    expect(result).toMatchObject({ total: 5, done: 4, failed: 1, skipped: 0 });
    expect(result.rowsPerMinute).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, "videos", "cat.mp4"))).toBe(false);
    const m = readManifest(path.join(dir, "videos", "batch-manifest.json"));
    expect(m.rows.map((x) => x.status)).toEqual(["done", "done", "failed", "done", "done"]);
    expect(m.rows[2]!.error).toMatchObject({ code: "variable_type_mismatch" });

    // fix the row: only row 3 renders, exit 0
    writeFileSync(path.join(dir, "people.csv"), csv("30"));
    const r2 = cli(args, dir);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.lines.find((e) => e.type === "result")).toMatchObject({ done: 1, skipped: 4, failed: 0 });
    expect(r2.lines.filter((e) => e.type === "row-start").map((e) => e.row)).toEqual([3]);
    expect(readManifest(path.join(dir, "videos", "batch-manifest.json")).rows.map((x) => x.status)).toEqual(["skipped", "skipped", "done", "skipped", "skipped"]);

    // human output: a summary with rows/min, exit 0 when everything is already done
    const r3 = cli(args.filter((a) => a !== "--json"), dir);
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stdout).toMatch(/batch: 5 rows — 0 rendered, 5 skipped/);
  });

  it("--fail-fast stops at the first bad row; colliding names are refused before anything renders", () => {
    const dir = project();
    writeFileSync(path.join(dir, "rows.json"), JSON.stringify([{ color: 12 }, { color: "#ff0000" }, { color: "#00ff00" }]));
    const r = cli(["render", ".", "--batch", "rows.json", "--quality", "draft", "--strict-variables", "--fail-fast", "--json"], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.lines.find((e) => e.type === "result")).toMatchObject({ done: 0, failed: 1, pending: 2, stopped: true });
    expect(readManifest(path.join(dir, "renders", "batch-manifest.json")).state).toBe("stopped");

    writeFileSync(path.join(dir, "rows.ndjson"), '{"color":"#ff0000","id":"a"}\n{"color":"#00ff00","id":"A"}\n');
    const c = cli(["render", ".", "--batch", "rows.ndjson", "--output-pattern", "out/{row.id}.mp4"], dir);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/gives rows 1 and 2 the same file out\/A\.mp4.*\[output_collision\]/);
    expect(existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("Ctrl-C mid-batch: exit 130, the manifest parses and is consistent, no partial video, no Chrome/FFmpeg left", async () => {
    const dir = project();
    const rows = Array.from({ length: 10 }, (_, i) => ({ color: hex(COLOURS[i % COLOURS.length]!), label: `R${i}` }));
    writeFileSync(path.join(dir, "rows.json"), JSON.stringify(rows));
    const child = spawn(process.execPath, [CLI, "render", ".", "--batch", "rows.json", "--quality", "draft", "--concurrency", "2", "--json"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
    // wait until one row is done and another has started, then interrupt
    const ready = await waitFor(() => {
      const lines = stdout.split("\n");
      const firstDone = lines.findIndex((l) => l.includes('"type":"row-done"'));
      return firstDone !== -1 && lines.slice(firstDone).some((l) => l.includes('"type":"row-start"'));
    }, 60_000, 10);
    expect(ready, stderr).toBe(true);
    const kids: ProcInfo[] = listChildProcesses(child.pid!).filter((p) => isBrowserProcess(p) || isFfmpegProcess(p));
    expect(kids.length).toBeGreaterThan(0);
    child.kill("SIGINT");
    const code = await exited;
    expect(code, stderr).toBe(130);

    const m = readManifest(path.join(dir, "renders", "batch-manifest.json"));
    expect(m.state).toBe("cancelled");
    expect(m.counts.done).toBeGreaterThanOrEqual(1);
    expect(m.counts.pending).toBeGreaterThanOrEqual(1);
    for (const r of m.rows) {
      expect(["pending", "done"]).toContain(r.status);
      expect(existsSync(r.output), `row ${r.row} (${r.status}) output`).toBe(r.status === "done");
    }
    expect(m.counts.done + m.counts.pending).toBe(10);
    expect(leftovers(dir)).toEqual([]);
    const alive = new Set(listProcesses().map((p) => p.pid));
    const survivors = kids.filter((k) => alive.has(k.pid) && listProcesses().find((p) => p.pid === k.pid)?.args === k.args);
    expect(survivors).toEqual([]);
    const events = stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.type === "result")).toMatchObject({ cancelled: true });

    // running again resumes: only the rows left pending render
    const again = cli(["render", ".", "--batch", "rows.json", "--quality", "draft", "--json"], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.lines.find((e) => e.type === "result")).toMatchObject({ done: m.counts.pending, skipped: m.counts.done, failed: 0 });
  });
});
