/**
 * resolveProjectUrl (compose/files.ts): the one rule the render file server and the preview server both
 * apply to a project URL. Pure file-system checks, no server.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveProjectUrl } from "../src/compose/files.js";

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "hf-files-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const project = path.join(root, "proj");
const outside = path.join(root, "outside");
mkdirSync(path.join(project, "cfg"), { recursive: true });
mkdirSync(outside);
writeFileSync(path.join(project, "a.txt"), "a");
writeFileSync(path.join(project, ".env"), "KEY=1");
writeFileSync(path.join(project, "cfg", ".env.production"), "KEY=2");
writeFileSync(path.join(outside, "x.txt"), "x");
symlinkSync(path.join(project, ".env"), path.join(project, "settings.txt"));
symlinkSync(path.join(project, "cfg", ".env.production"), path.join(project, "prod.txt"));
symlinkSync(path.join(project, "a.txt"), path.join(project, "alias.txt"));
symlinkSync(outside, path.join(project, "out"));

describe("resolveProjectUrl", () => {
  it("serves a project file, and a symlink to one", () => {
    expect(resolveProjectUrl(project, "/a.txt")).toEqual({ status: "ok", file: path.join(project, "a.txt") });
    expect(resolveProjectUrl(project, "/alias.txt")).toEqual({ status: "ok", file: path.join(project, "a.txt") });
    expect(resolveProjectUrl(project, "/nope.txt")).toEqual({ status: "missing" });
  });

  it("refuses .env files by name, and symlinks inside the project that lead to one", () => {
    for (const u of ["/.env", "/cfg/.env.production", "/settings.txt", "/prod.txt"]) expect(resolveProjectUrl(project, u), u).toEqual({ status: "forbidden", reason: "secret" });
  });

  it("refuses symlinks out of the project", () => {
    expect(resolveProjectUrl(project, "/out/x.txt")).toMatchObject({ status: "forbidden", reason: "outside" });
  });
});
