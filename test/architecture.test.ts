/**
 * The layering of src/, as the README's "Architecture" section writes it: every import between folders goes
 * down (cli → preview → render | cloud → data → compose → errors), browser code imports only browser code or
 * pure modules, and no source file grows past 400 lines (the few that are still larger may only shrink).
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "src");

/** Rank of each top-level room: an import must go to a lower rank (or stay in its room). */
const RANK: Record<string, number> = {
  errors: 0,
  "package-root": 1,
  "fs-atomic": 1,
  compose: 2,
  data: 3,
  render: 4,
  cloud: 4,
  init: 4,
  preview: 5,
  cli: 6,
  index: 7,
};

/** Files still over the limit, with the most lines they may have: shrink them, never grow them. */
const OVERSIZE: Record<string, number> = {};

function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const rel = (p: string) => path.relative(SRC, p).split(path.sep).join("/");
const room = (r: string) => (r.includes("/") ? r.slice(0, r.indexOf("/")) : r.replace(/\.ts$/, ""));
/** Browser code: bundled into the page or the player, never run by Node. */
const isBrowser = (r: string) => r.startsWith("compose/runtime/") || r.startsWith("preview/client/");

function imports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) out.push((m[1] ?? m[2])!);
  return out;
}

describe("architecture", () => {
  const files = sources();

  it("every import between rooms goes down the layering", () => {
    const wrong: string[] = [];
    for (const f of files) {
      const from = rel(f);
      for (const spec of imports(f)) {
        if (!spec.startsWith(".")) continue;
        const to = rel(path.resolve(path.dirname(f), spec).replace(/\.js$/, ".ts"));
        const a = room(from);
        const b = room(to);
        if (a === b) continue;
        if (!(a in RANK) || !(b in RANK)) wrong.push(`${from} → ${to}: room not in the layering table`);
        else if (RANK[b]! >= RANK[a]!) wrong.push(`${from} → ${to}: ${a} may not import ${b}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("browser code imports only browser code and type-only or import-free modules", () => {
    const wrong: string[] = [];
    for (const f of files.filter((f) => isBrowser(rel(f)))) {
      const src = readFileSync(f, "utf8");
      for (const m of src.matchAll(/(?:^|\n)\s*import\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/g)) {
        const spec = m[2]!;
        if (m[1] || !spec.startsWith(".")) {
          if (!m[1] && !spec.startsWith(".")) wrong.push(`${rel(f)} imports the package ${spec}`);
          continue;
        }
        const target = path.resolve(path.dirname(f), spec).replace(/\.js$/, ".ts");
        if (isBrowser(rel(target))) continue;
        if (imports(target).length) wrong.push(`${rel(f)} → ${rel(target)}: a Node module with imports of its own`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("no source file over 400 lines (the listed ones may only shrink)", () => {
    const wrong: string[] = [];
    for (const f of files) {
      const lines = readFileSync(f, "utf8").split("\n").length - 1;
      const limit = OVERSIZE[rel(f)] ?? 400;
      if (lines > limit) wrong.push(`${rel(f)}: ${lines} lines (limit ${limit})`);
    }
    expect(wrong).toEqual([]);
  });
});
