/**
 * Every temp folder of a test run (projects, renders, downloads, browser profiles, CLI subprocesses) goes
 * under one folder, removed when the run ends: TMPDIR is set before the test workers start, and they and
 * their children inherit it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(path.join(os.tmpdir(), "hf-test-run-"));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
