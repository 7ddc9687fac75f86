/** One atomic-write helper (src/fs-atomic.ts): whole files only, and partial names the stale-litter sweep knows. */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { partialOutputPath, writeFileAtomic, writeFileAtomicSync } from "../src/fs-atomic.js";
import { isPartialOutputName, ownerPid } from "../src/render/temp-files.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "hf-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("atomic writes", () => {
  it("write the whole file, create its folder, and leave no partial file", async () => {
    const a = path.join(dir, "sub", "a.json");
    writeFileAtomicSync(a, "x".repeat(3_000_000), { durable: true });
    await writeFileAtomic(path.join(dir, "sub", "b.bin"), new Uint8Array(5_000_000).fill(7));
    expect(readFileSync(a, "utf8").length).toBe(3_000_000);
    expect(readFileSync(path.join(dir, "sub", "b.bin")).every((b) => b === 7)).toBe(true);
    expect(readdirSync(path.join(dir, "sub")).sort()).toEqual(["a.json", "b.bin"]);
  });

  it("a failed write keeps the old file and leaves no partial file", () => {
    const f = path.join(dir, "keep.txt");
    writeFileSync(f, "old");
    expect(() => writeFileAtomicSync(path.join(f, "under-a-file.txt"), "new")).toThrow();
    expect(readFileSync(f, "utf8")).toBe("old");
    expect(readdirSync(dir).filter(isPartialOutputName)).toEqual([]);
  });

  it("partial names carry this process's pid, in the scheme the next render sweeps", () => {
    const name = path.basename(partialOutputPath(path.join(dir, "out.mp4")));
    expect(isPartialOutputName(name)).toBe(true);
    expect(ownerPid(name)).toBe(process.pid);
  });
});
