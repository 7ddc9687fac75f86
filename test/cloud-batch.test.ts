import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HyperframesCloud } from "../src/cloud/client.js";
import { packProject } from "../src/cloud/packager.js";
import { readRows, runCloudBatch, type BatchState } from "../src/cloud/batch.js";
import { uploadProject } from "../src/cloud/upload.js";
import { Emulator, fastRenderer } from "./emulator/server.js";
import { makeProject } from "./emulator/fixtures.js";

let emu: Emulator;
let zip: Buffer;
let sha: string;

beforeAll(async () => {
  emu = await new Emulator({ renderProject: fastRenderer, queueMs: 30 }).start();
  const p = await packProject(await makeProject());
  zip = p.zip;
  sha = p.sha256;
});
afterAll(() => emu.close());

const client = () => new HyperframesCloud({ apiKey: emu.apiKey, baseUrl: emu.url, backoffMs: 20, maxBackoffMs: 100 });
const rows = Array.from({ length: 6 }, (_, i) => ({ headline: `row ${i + 1}` }));

function batch(statePath: string, signal?: AbortSignal, onEvent?: (e: { type: string }) => void) {
  const c = client();
  return runCloudBatch({
    client: c,
    rows,
    base: { fps: 24, title: "resume" },
    project: async () => (await uploadProject(c, zip, { inlineMaxBytes: 0 })).project,
    zipSha256: sha,
    statePath,
    maxInFlight: 2,
    pollIntervalMs: 20,
    signal,
    onEvent,
  });
}

describe("cloud batch", () => {
  it("resumes after a crash without resubmitting finished or already-submitted rows", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-batch-"));
    const statePath = path.join(dir, "renders", "cloud-batch-state.json");
    const ac = new AbortController();
    let submitted = 0;
    const posts0 = emu.createRequests.length;
    // "crash" right after the 3rd submission was recorded
    await expect(
      batch(statePath, ac.signal, (e) => {
        if (e.type === "submitted" && ++submitted === 3) ac.abort(new Error("simulated crash"));
      }),
    ).rejects.toThrow(/simulated crash/);
    const mid = JSON.parse(await readFile(statePath, "utf8")) as BatchState;
    expect(mid.rows.filter((r) => r.render_id).length).toBe(3);
    expect(emu.createRequests.length - posts0).toBe(3);

    const events: string[] = [];
    const res = await batch(statePath, undefined, (e) => events.push(e.type));
    expect(events[0]).toBe("resumed");
    expect(res.completed).toBe(6);
    expect(res.submittedThisRun).toBe(3);
    expect(emu.createRequests.length - posts0).toBe(6); // 6 rows, 6 creates in total
    const ids = res.state.rows.map((r) => r.render_id);
    expect(new Set(ids).size).toBe(6);
    for (const r of res.state.rows) expect(existsSync(r.video!)).toBe(true);
    // the 3 rows submitted before the crash kept their render ids
    expect(res.state.rows.slice(0, 3).map((r) => r.render_id)).toEqual(mid.rows.slice(0, 3).map((r) => r.render_id));
    // a third run does nothing at all
    const again = await batch(statePath);
    expect(again.submittedThisRun).toBe(0);
    expect(emu.createRequests.length - posts0).toBe(6);
  });

  it("a row caught between 'sent' and 'saved' is adopted by callback_id, not sent twice", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-batch-"));
    const statePath = path.join(dir, "state.json");
    // First run: crash as soon as row 1 is marked submitting (its create was sent, answer not saved).
    const ac = new AbortController();
    const c = client();
    const posts0 = emu.createRequests.length;
    // Simulate: write the state a crashed run would leave, then create the render "behind our back".
    const run1 = batch(statePath, ac.signal, (e) => {
      if (e.type === "submitted") ac.abort(new Error("crash"));
    });
    await expect(run1).rejects.toThrow(/crash/);
    const st = JSON.parse(await readFile(statePath, "utf8")) as BatchState;
    const row0 = st.rows[0]!;
    // pretend the answer to row 2's create was lost: the service has it, the state file says "submitting"
    const row1 = st.rows[1]!;
    const lost = await c.createRender({ project: st.project!, callback_id: row1.callback_id, fps: 24, title: "lost" }, { idempotencyKey: row1.idempotency_key });
    row1.status = "submitting";
    await writeFile(statePath, JSON.stringify(st));
    const res = await batch(statePath);
    expect(res.state.rows[0]!.render_id).toBe(row0.render_id);
    expect(res.state.rows[1]!.render_id).toBe(lost.render_id);
    expect(res.completed).toBe(6);
    // 1 (run 1) + 1 (the "lost" one) + 4 (rows 3-6)
    expect(emu.createRequests.length - posts0).toBe(6);
  });

  it("rejects a state file from a different batch, and reads JSON/CSV rows", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hf-batch-"));
    const statePath = path.join(dir, "state.json");
    await writeFile(statePath, JSON.stringify({ version: 1, job: "other", rows: [], updated_at: "" }));
    await expect(batch(statePath)).rejects.toThrow(/different batch/);
    await writeFile(path.join(dir, "r.json"), JSON.stringify({ rows: [{ a: 1 }] }));
    expect(await readRows(path.join(dir, "r.json"))).toEqual([{ a: 1 }]);
    await writeFile(path.join(dir, "r.csv"), "a,b\n1,x\n");
    expect(await readRows(path.join(dir, "r.csv"))).toEqual([{ a: "1", b: "x" }]);
    await writeFile(path.join(dir, "bad.json"), "[1]");
    await expect(readRows(path.join(dir, "bad.json"))).rejects.toThrow(/list of objects/);
  });
});
