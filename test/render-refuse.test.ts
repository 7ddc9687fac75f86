/**
 * Refuse what cannot render right, before spending the time (issue 13 §5), through the real CLI:
 *   - lint runs first by default: render, a batch (once, before its first row) and snapshot refuse a composition
 *     lint rejects with errors (exit 1, the findings listed) without starting a browser; --force (the official
 *     --best-effort) renders anyway; the lint errors this renderer draws right anyway only warn;
 *   - the output is checked before the first frame: `-o -`, a name ending in "/", an existing folder, a parent
 *     that is a file, a read-only folder are usage errors at once; a missing folder is created (and removed
 *     again when the render fails);
 *   - a long render says its frame count and an estimate first;
 *   - exit codes match the README: a render timeout, a browser crash and an encoder failure exit 2.
 * "No browser started" is shown by passing a browser path that does not exist: a render that got as far as
 * launching would fail with browser_not_found instead.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, REPO, cell, cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";
import { colourDistance, decodeFrames, pixel } from "./helpers/media.js";
import { isBrowserProcess, isFfmpegProcess, listChildProcesses } from "./helpers/processes.js";
import { useHangServer } from "./helpers/hang-server.js";

afterAll(() => cleanupProjects());

const hang = useHangServer();
beforeAll(() => {
  if (!existsSync(path.join(REPO, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does)");
});

const NO_BROWSER = ["--browser", "/nonexistent/hf-no-browser"];

function cli(args: string[], timeout = 90_000) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: "utf8", timeout, env: { ...process.env, NO_COLOR: "1" } });
  const events = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, any>);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, events, ms: Date.now() - t0 };
}

/** A standalone page with what a case needs; no GSAP (no timeline). */
function broken(opts: { htmlAttrs?: string; rootAttrs?: string; body?: string; dims?: boolean }): string {
  let html = page({ gsap: false, rootAttrs: `data-no-timeline${opts.rootAttrs ? " " + opts.rootAttrs : ""}`, htmlAttrs: opts.htmlAttrs, body: opts.body ?? cell("ok", 0, 0, "rgb(255,255,255)") });
  if (opts.dims === false) html = html.replace(' data-width="320" data-height="180"', "");
  return makeProject({ "index.html": html }, { gsap: false });
}

const clip = (id: string, start: string, track: number) => `<div id="${id}" class="clip cell" data-start="${start}" data-duration="0.5" data-track-index="${track}" style="background:#fff"></div>`;

/** The six kinds of project that used to render with exit 0 although lint rejects them. */
const BROKEN: [string, string, () => string][] = [
  ["missing root dimensions", "root_missing_dimensions", () => broken({ dims: false })],
  ["a variable default of the wrong type", "variable_default_type_mismatch", () => broken({ htmlAttrs: `data-composition-variables='[{"id":"n","type":"number","label":"N","default":"abc"}]'` })],
  ["invalid variables JSON", "invalid_variables_json", () => broken({ htmlAttrs: `data-composition-variables='[not json'` })],
  ["a missing asset", "local_file_missing", () => broken({ body: `<img src="assets/missing.png">` })],
  ["a start cycle", "start_reference_cycle", () => broken({ body: clip("a", "b", 0) + clip("b", "a", 1) })],
  ["an unknown relative start", "unknown_start_reference", () => broken({ body: clip("a", "nope", 0) })],
];

describe("lint first (the default)", () => {
  it.each(BROKEN)("%s: render exits 1 at once listing %s, starting no browser and writing nothing", (_what, code, make) => {
    const dir = make();
    const out = path.join(tempDir("hf-refuse-out-"), "v.mp4");
    const r = cli(["render", dir, "-o", out, ...NO_BROWSER]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/lint found \d+ error\(s\) and \d+ warning\(s\); not rendering:/);
    expect(r.stderr).toContain(code);
    expect(r.stderr).toMatch(/--force/);
    expect(r.stderr, "no browser was started").not.toMatch(/browser_not_found|no-browser/);
    expect(readdirSync(path.dirname(out))).toEqual([]);
  });

  it("--force and the official --best-effort render anyway; --strict spells out the default; --force with --strict is a usage error", () => {
    const dir = BROKEN[5]![2]();
    const outDir = tempDir("hf-refuse-out-");
    const forced = cli(["render", dir, "-o", path.join(outDir, "forced.mp4"), "--force", "-q", "draft", "--frames", "0:2"]);
    expect(forced.code, forced.stderr).toBe(0);
    const best = cli(["render", dir, "-o", path.join(outDir, "best.mp4"), "--best-effort", "-q", "draft", "--frames", "0:2"]);
    expect(best.code, best.stderr).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(["best.mp4", "forced.mp4"]);
    const strict = cli(["render", dir, "-o", path.join(outDir, "strict.mp4"), "--strict", ...NO_BROWSER]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/not rendering[\s\S]*unknown_start_reference/);
    const both = cli(["render", dir, "--strict", "--force", ...NO_BROWSER]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--force and --strict contradict each other/);
  });

  it("a batch is checked once, before its first row; snapshot refuses too, and --force takes the stills", () => {
    const dir = BROKEN[5]![2]();
    const work = tempDir("hf-refuse-batch-");
    const rows = path.join(work, "rows.json");
    writeFileSync(rows, JSON.stringify([{}, {}, {}]));
    const b = cli(["render", dir, "--batch", rows, "--output-pattern", path.join(work, "out", "{index}.mp4"), "--json", ...NO_BROWSER]);
    expect(b.code, b.stderr).toBe(1);
    expect(b.stderr.match(/not rendering/g)?.length, "one refusal for the whole batch").toBe(1);
    expect(b.events.some((e) => e.type === "row-start"), "no row started").toBe(false);
    expect(b.events.at(-1)).toMatchObject({ type: "error", error: { code: "lint_failed" } });
    expect(existsSync(path.join(work, "out")), "no output folder, no manifest").toBe(false);

    const stills = tempDir("hf-refuse-stills-");
    const s = cli(["snapshot", dir, "--count", "1", "-o", stills, ...NO_BROWSER]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/not rendering[\s\S]*unknown_start_reference/);
    const f = cli(["snapshot", dir, "--count", "1", "-o", stills, "--force"]);
    expect(f.code, f.stderr).toBe(0);
    expect(readdirSync(stills)).toEqual(["frame-0000.png"]);
  });

  it("a lint error this renderer draws right anyway (a host without data-composition-id) renders, with a warning saying so", () => {
    const part = `<!doctype html><html><body><template id="part-template"><div data-composition-id="part" data-width="320" data-height="180" data-duration="1" data-no-timeline>
      <div class="cell" style="left:0;top:0;background:#fff"></div></div></template></body></html>`;
    const dir = makeProject(
      { "index.html": page({ gsap: false, rootAttrs: "data-no-timeline", body: `<div id="host" data-composition-src="parts/part.html" data-start="0" data-duration="1"></div>` }), "parts/part.html": part },
      { gsap: false },
    );
    const out = path.join(tempDir("hf-refuse-out-"), "host.mp4");
    const r = cli(["render", dir, "-o", out, "-q", "draft", "--frames", "0:2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const warned = r.events.filter((e) => e.type === "warning").map((e) => String(e.message));
    expect(warned.join("\n")).toMatch(/host_missing_composition_id.*a lint error, rendered anyway: the sub-composition is mounted/);
    expect(existsSync(out)).toBe(true);
  });

  it("variables declared as an object (registry caption-texture) are refused with the array they mean in the hint; --force renders as the official does (no defaults, --variables still reach getVariables())", async () => {
    const dir = makeProject({
      "index.html": page({
        rootAttrs: `data-composition-variables='{"texture":{"type":"string","default":"lava"}}'`,
        body: cell("none", 0, 0, "#f00") + cell("ice", 1, 0, "#f00"),
        script: `var v = window.__hyperframes.getVariables();
document.getElementById("none").style.background = JSON.stringify(v) === "{}" ? "#0f0" : "#f00";
document.getElementById("ice").style.background = v.texture === "ice" ? "#0f0" : "#00f";
window.__timelines = { main: gsap.timeline({ paused: true }) };`,
      }),
    });
    const work = tempDir("hf-refuse-vars-");
    const refused = cli(["render", dir, "-o", path.join(work, "refused.mp4"), ...NO_BROWSER]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`data-composition-variables='[{"id":"texture","type":"string","default":"lava","label":"texture"}]'`);
    const plain = cli(["render", dir, "-o", path.join(work, "plain.mp4"), "-q", "high", "--frames", "0:1", "--force"]);
    expect(plain.code, plain.stderr).toBe(0);
    const ice = cli(["render", dir, "-o", path.join(work, "ice.mp4"), "-q", "high", "--frames", "0:1", "--force", "--variables", '{"texture":"ice"}']);
    expect(ice.code, ice.stderr).toBe(0);
    const p = await decodeFrames(path.join(work, "plain.mp4"));
    const i = await decodeFrames(path.join(work, "ice.mp4"));
    expect(colourDistance(pixel(p, 0, 20, 20), [0, 255, 0]), "no declared default: getVariables() is {}").toBeLessThan(60);
    expect(colourDistance(pixel(p, 0, 60, 20), [0, 0, 255]), "no texture without --variables").toBeLessThan(60);
    expect(colourDistance(pixel(i, 0, 60, 20), [0, 255, 0]), "--variables reaches the page").toBeLessThan(60);
  });
});

describe("output checks before the first frame", () => {
  it("-o -, a name ending in /, an existing folder, a parent that is a file, a read-only folder: usage error at once, no browser", () => {
    const dir = broken({});
    const base = tempDir("hf-refuse-o-");
    writeFileSync(path.join(base, "a-file"), "");
    let readOnly: string;
    if (process.getuid?.() === 0) {
      // root writes anywhere a mode allows nothing: /sys refuses new files even to root
      readOnly = "/sys/hf-refuse-test.mp4";
    } else {
      const ro = path.join(base, "ro");
      mkdirSync(ro);
      chmodSync(ro, 0o555);
      readOnly = path.join(ro, "v.mp4");
    }
    const cases: [string[], string, RegExp][] = [
      [["-o", "-"], "output_stdout_unsupported", /--output - \(standard output\) is not supported/],
      [["-o", path.join(base, "new-folder") + "/"], "output_is_folder", /names a folder, but a mp4 is one file/],
      [["-o", base, "--format", "mp4"], "output_is_folder", /is a folder, but a mp4 is one file/],
      [["-o", path.join(base, "a-file", "v.mp4")], "output_parent_not_folder", /a-file is a file, not a folder/],
      [["-o", readOnly], "output_not_writable", /cannot write in .*\((permission denied|a read-only file system)\)/],
    ];
    for (const [args, code, message] of cases) {
      const r = cli(["render", dir, ...args, ...NO_BROWSER]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`[${code}]`);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|hf-tmp|browser_not_found/);
      expect(r.ms, "at once").toBeLessThan(15_000);
    }
    expect(readdirSync(base).sort(), "nothing was created").toEqual(["a-file", ...(process.getuid?.() === 0 ? [] : ["ro"])]);
  });

  it("a missing folder is created for the output (as the official CLI does), and removed again when the render fails", () => {
    const dir = broken({});
    const base = tempDir("hf-refuse-o-");
    const ok = cli(["render", dir, "-o", path.join(base, "new", "deeper", "v.mp4"), "-q", "draft", "--frames", "0:2"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(path.join(base, "new", "deeper"))).toEqual(["v.mp4"]);
    const failing = broken({ body: `<img src="${hang()}/hang/x.png">` });
    const bad = cli(["render", failing, "-o", path.join(base, "made", "for", "it.mp4"), "--allow-network", "--timeout", "1", "-q", "draft"]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(readdirSync(base), "the folders made for the failed render are gone").toEqual(["new"]);
  });
});

describe("a long render says so first", () => {
  it("over 10 minutes of video: its frame count and an estimate, before any browser starts (stderr, and a --json event)", () => {
    const dir = makeProject({ "index.html": page({ gsap: false, rootAttrs: "data-no-timeline", duration: 700, fps: 1, body: cell("ok", 0, 0, "#fff") }) }, { gsap: false });
    const out = path.join(tempDir("hf-refuse-out-"), "long.mp4");
    const text = cli(["render", dir, "-o", out, ...NO_BROWSER]);
    expect(text.stderr).toMatch(/note: a long render: 700 frames \(11:40 of video at 1 fps\); rough estimate ~\d+ (min|h)/);
    // then the browser that does not exist: the notice came first
    expect(text.stderr.indexOf("a long render")).toBeLessThan(text.stderr.indexOf("error:"));
    const json = cli(["render", dir, "-o", out, "--json", ...NO_BROWSER]);
    const types = json.events.map((e) => e.type);
    expect(types[0], types.join(", ")).toBe("long-render");
    expect(json.events[0]).toMatchObject({ frames: 700, fps: 1, durationSeconds: 700 });
    expect(json.events[0]!.estimateSeconds).toBeGreaterThan(0);
    const short = cli(["render", dir, "-o", out, "--frames", "0:600", ...NO_BROWSER]);
    expect(short.stderr, "10 minutes or less: no notice").not.toMatch(/long render/);
  });
});

describe("exit codes match the README (render timeout, browser crash, encoder failure: 2)", () => {
  it("a page that never becomes ready within --timeout 1 exits 2 with page_not_ready", () => {
    const dir = broken({ body: `<img src="${hang()}/hang/never.png">` });
    const r = cli(["render", dir, "-o", path.join(tempDir("hf-refuse-out-"), "t.mp4"), "--allow-network", "--timeout", "1", "-q", "draft"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("[page_not_ready]");
    expect(r.stderr).not.toMatch(/internal error/);
  });

  interface CliEvent {
    type: string;
    phase?: string;
    frame?: number;
    message?: string;
  }
  const capturedFrame = (e: CliEvent) => (e.type === "progress" && e.phase === "capture" ? (e.frame ?? 0) : undefined);

  /** Render a 20 s composition through the CLI (--json, one worker); `onEvent` sees each event with the child's pid. */
  async function renderAndInterfere(onEvent: (pid: number, e: CliEvent) => void) {
    const dir = makeProject({
      "index.html": page({
        duration: 20,
        body: `<div id="box" style="position:absolute;left:0;top:0;width:40px;height:40px;background:#fff"></div>`,
        script: `const tl = gsap.timeline({ paused: true }); tl.to("#box", { x: 280, duration: 20, ease: "none" }, 0);
          window.__timelines = window.__timelines || {}; window.__timelines["main"] = tl;`,
      }),
    });
    const outDir = tempDir("hf-refuse-out-");
    const child = spawn(process.execPath, [CLI, "render", dir, "-o", path.join(outDir, "v.mp4"), "-q", "draft", "--workers", "1", "--json"], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let buf = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) {
        if (!l.startsWith("{")) continue;
        onEvent(child.pid!, JSON.parse(l) as CliEvent);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    return { code, stderr, outDir };
  }

  it("a browser that keeps crashing exits 2 with browser_crashed", async () => {
    let killed = 0;
    // kill at the first captured frame, and again once the replacement browser captures (the renderer retries once):
    // events reach us late, so "captures" means a frame past the one the retry warning names
    let armed = true;
    let resumeAfter = Infinity;
    const r = await renderAndInterfere((pid, e) => {
      const retry = e.type === "warning" ? /crashed at frame (\d+).*retrying/.exec(e.message ?? "") : null;
      if (retry) {
        resumeAfter = Number(retry[1]);
        armed = true;
      }
      const frame = capturedFrame(e);
      if (frame === undefined || !armed || (resumeAfter !== Infinity && frame <= resumeAfter)) return;
      armed = false;
      for (const p of listChildProcesses(pid).filter(isBrowserProcess))
        try {
          process.kill(p.pid, "SIGKILL");
          killed++;
        } catch {
          /* gone */
        }
    });
    expect(killed, "Chrome was found and killed").toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("[browser_crashed]");
    expect(readdirSync(r.outDir)).toEqual([]);
  });

  it("FFmpeg failing mid-render exits 2 with encoder_failed", async () => {
    let killed = 0;
    const r = await renderAndInterfere((pid, e) => {
      if ((capturedFrame(e) ?? 0) < 3 || killed) return;
      for (const p of listChildProcesses(pid).filter(isFfmpegProcess)) {
        process.kill(p.pid, "SIGKILL");
        killed++;
      }
    });
    expect(killed, "FFmpeg was found and killed").toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("[encoder_failed]");
    expect(readdirSync(r.outDir)).toEqual([]);
  });
});
