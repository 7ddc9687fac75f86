/**
 * The shared conformance corpus (../shared/conformance or $HYPERFRAMES_SHARED_DIR/conformance): every case
 * and every variant is rendered with the real render() API at --quality high and scored by the corpus' own
 * compare.mjs against the reference frames of the official renderer. Skipped (with a message) when the
 * corpus is not next to the repo.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { render } from "../src/render/render.js";
import { resolveFfmpeg, resolveFfprobe } from "../src/render/ffmpeg.js";
import { REPO, cleanupProjects, tempDir } from "./helpers/project.js";

function findConformanceDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.HYPERFRAMES_SHARED_DIR) candidates.push(path.join(process.env.HYPERFRAMES_SHARED_DIR, "conformance"));
  candidates.push(path.resolve(REPO, "..", "shared", "conformance"));
  return candidates.find((d) => existsSync(path.join(d, "compare.mjs")) && existsSync(path.join(d, "cases")));
}

interface CaseSpec {
  name: string;
  variables?: Record<string, unknown>;
  variants?: { ref: string; variables?: Record<string, unknown> }[];
}
interface Variant {
  tag: string;
  dir: string;
  ref: string;
  variables: Record<string, unknown>;
}

const CONF = findConformanceDir();
const QUALITY = (process.env.HYPERFRAMES_CONFORMANCE_QUALITY as "draft" | "standard" | "high" | undefined) ?? "high";

function variants(conf: string): Variant[] {
  const casesDir = path.join(conf, "cases");
  const out: Variant[] = [];
  for (const name of readdirSync(casesDir).sort()) {
    const dir = path.join(casesDir, name);
    if (!existsSync(path.join(dir, "case.json"))) continue;
    const spec = JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8")) as CaseSpec;
    out.push({ tag: name, dir, ref: "ref", variables: spec.variables ?? {} });
    for (const v of spec.variants ?? []) out.push({ tag: `${name}@${v.ref}`, dir, ref: v.ref, variables: v.variables ?? {} });
  }
  return out;
}

if (!CONF) {
  console.warn(
    "conformance.test.ts: skipped — the shared conformance corpus was not found at ../shared/conformance (set HYPERFRAMES_SHARED_DIR to the folder that holds conformance/)",
  );
}

describe.skipIf(!CONF)("conformance corpus (official reference frames)", () => {
  const cases = CONF ? variants(CONF) : [];
  let work: string;
  let env: NodeJS.ProcessEnv;
  const summary: string[] = [];

  beforeAll(() => {
    work = tempDir("hf-conformance-");
    // compare.mjs runs `ffmpeg`/`ffprobe` from PATH: point them at the binaries the toolkit uses
    const bin = path.join(work, "bin");
    spawnSync("mkdir", ["-p", bin]);
    symlinkSync(resolveFfmpeg().path, path.join(bin, "ffmpeg"));
    symlinkSync(resolveFfprobe().path, path.join(bin, "ffprobe"));
    env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
  });
  afterAll(() => {
    if (summary.length) console.log(`conformance at --quality ${QUALITY}:\n${summary.join("\n")}`);
    cleanupProjects();
  });

  it("finds every case of the corpus", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of cases) {
    it(`${c.tag} matches the reference frames`, async () => {
      const out = path.join(work, `${c.tag.replace(/[^A-Za-z0-9_.-]/g, "_")}.mp4`);
      const varsFile = path.join(work, `${c.tag.replace(/[^A-Za-z0-9_.-]/g, "_")}.vars.json`);
      writeFileSync(varsFile, JSON.stringify(c.variables));
      const t0 = Date.now();
      await render({ project: c.dir, output: out, quality: QUALITY, variablesFile: varsFile });
      const renderSeconds = (Date.now() - t0) / 1000;
      const r = spawnSync(process.execPath, [path.join(CONF!, "compare.mjs"), c.dir, out, "--ref", c.ref], { env, encoding: "utf8" });
      const text = `${r.stdout}${r.stderr}`;
      const last = text.trim().split("\n").pop() ?? "";
      const m = /min_psnr=(\S+) dB/.exec(last);
      summary.push(`  ${c.tag.padEnd(28)} ${last.split(" ")[0]}  min PSNR ${m?.[1] ?? "?"} dB  (render ${renderSeconds.toFixed(1)} s)`);
      expect(r.status, `compare.mjs ${c.tag}:\n${text}`).toBe(0);
      expect(last, text).toMatch(/^PASS /);
    });
  }
});
