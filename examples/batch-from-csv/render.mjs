#!/usr/bin/env node
/**
 * Batch renders from a CSV file with the programmatic API: one welcome video per person in people.csv,
 * using the `examples/variables` composition as the template.
 *
 *   npm run build                                  # once, in the repo (the package resolves to dist/)
 *   node examples/batch-from-csv/render.mjs        # → examples/batch-from-csv/renders/<id>_<n>.mp4
 *
 * Run it again: rows already rendered with the same data are skipped (see renders/batch-manifest.json).
 * Edit one line of people.csv and only that person's video is rendered again. Ctrl-C stops cleanly.
 * The same kind of batch from the command line: rows.csv (next to this file) has one column per variable of the
 * template (plus `id`, used only in the file name); a blank cell keeps the variable's default:
 *   hyperframes render examples/variables --batch examples/batch-from-csv/rows.csv \
 *     --output-pattern "examples/batch-from-csv/renders/{row.id}_{index}.mp4"
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { renderBatch } from "hyperframes-toolkit";

const here = path.dirname(fileURLToPath(import.meta.url));
const template = path.join(here, "..", "variables");

// 1. Read the data and turn each person into the template's variables (title, accent, show_badge, count, align).
const people = parse(await readFile(path.join(here, "people.csv"), "utf8"), { columns: true, skip_empty_lines: true, trim: true });
const rows = people.map((p, i) => ({
  id: p.id, // used only in the file name ({row.id}); the template does not declare it, so it is not a variable
  title: p.name,
  accent: p.accent,
  show_badge: p.vip === "yes",
  count: Math.min(8, Math.max(1, Number(p.team_size))),
  align: ["left", "center", "right"][i % 3],
}));

// 2. Render them: one browser for the whole batch, rows in parallel as the machine allows.
const controller = new AbortController();
process.once("SIGINT", () => {
  console.error("stopping… (finished videos are kept; run again to resume)");
  controller.abort();
});

const run = renderBatch({
  project: template,
  rows,
  outputPattern: path.join(here, "renders", "{row.id}_{index}.mp4"),
  quality: process.argv.includes("--high") ? "high" : "draft",
  strictVariables: true, // a row with a wrong type fails (the others still render)
  signal: controller.signal,
  onWarning: (message, row) => console.warn(`warning${row ? ` (row ${row})` : ""}: ${message}`),
});

// 3. Results arrive as each row finishes.
for await (const r of run) {
  const name = path.relative(process.cwd(), r.output);
  if (r.status === "done") console.log(`✓ row ${r.row} ${name} (${(r.elapsedMs / 1000).toFixed(1)} s)`);
  else if (r.status === "skipped") console.log(`= row ${r.row} ${name} (already rendered)`);
  else console.log(`✗ row ${r.row} ${r.error.message} [${r.error.code}]`);
}

const s = await run.done();
console.log(
  `${s.done} rendered, ${s.skipped} skipped, ${s.failed} failed in ${(s.elapsedMs / 1000).toFixed(1)} s ` +
    `(${s.rowsPerMinute.toFixed(1)} rows/min); manifest: ${path.relative(process.cwd(), s.manifest)}`,
);
process.exitCode = s.cancelled ? 130 : s.failed ? 1 : 0;
