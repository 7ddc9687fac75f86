import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, symlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { packProject, type ComposeApi } from "../src/upload/packager.js";
import { CompositionError, UsageError } from "../src/errors.js";
import { validateZip } from "./emulator/server.js";
import { composeIndexExists, makeProject, stubCompose } from "./emulator/fixtures.js";
import { jsonLines, runCli } from "./emulator/cli.js";

// The real composition model when it exists (src/compose/index.ts), else a stand-in listing the same references.
const compose = async (o: Parameters<typeof stubCompose>[0] = {}): Promise<ComposeApi> =>
  composeIndexExists() && !o.files && !o.errors ? ((await import("../src/compose/index.js" as string)) as ComposeApi) : stubCompose(o);

const names = async (zip: Buffer) => Object.keys((await JSZip.loadAsync(zip)).files);

describe("packProject", () => {
  it("packs the entry first plus exactly the referenced files, never junk or secrets", async () => {
    const dir = await makeProject();
    const res = await packProject(dir, { compose: await compose() });
    expect(res.files.map((f) => f.path)).toEqual(["index.html", "assets/logo.png", "style.css"]);
    expect(await names(res.zip)).toEqual(["index.html", "assets/logo.png", "style.css"]);
    expect(res.warnings.some((w) => w.includes("https://cdn.jsdelivr.net"))).toBe(true);
    expect(res.zip.includes(Buffer.from("should-never-be-packed"))).toBe(false);
    expect((await validateZip(res.zip, "index.html")).ok).toBe(true);
  });

  it("is deterministic: same input, same bytes (even after mtimes change)", async () => {
    const dir = await makeProject();
    const c = await compose();
    const a = await packProject(dir, { compose: c });
    await utimes(path.join(dir, "style.css"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const b = await packProject(dir, { compose: c });
    expect(b.zip.equals(a.zip)).toBe(true);
    // fixed timestamps (not "now", which would differ between runs 2 s apart) and fixed permissions
    for (const f of Object.values((await JSZip.loadAsync(a.zip)).files)) {
      expect(f.date.getTime()).toBe(Date.UTC(1980, 0, 1));
      expect(f.unixPermissions).toBe(0o100644);
    }
    expect(b.sha256).toBe(a.sha256);
    await writeFile(path.join(dir, "style.css"), "h1 { color: red }");
    expect((await packProject(dir, { compose: c })).sha256).not.toBe(a.sha256);
  });

  it("--include adds matching files but still skips node_modules, renders and dotfiles; --exclude removes", async () => {
    const dir = await makeProject();
    const c = await compose();
    const inc = await packProject(dir, { compose: c, include: ["**"] });
    expect(inc.files.map((f) => f.path).sort()).toEqual(["assets/logo.png", "index.html", "style.css", "unused.txt"]);
    const exc = await packProject(dir, { compose: c, exclude: ["assets/**"] });
    expect(exc.files.map((f) => f.path)).toEqual(["index.html", "style.css"]);
    await expect(packProject(dir, { compose: c, exclude: ["*.html"] })).rejects.toThrow(/entry/);
  });

  it("refuses symlinks that point outside the project", async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), "hf-outside-"));
    await writeFile(path.join(outside, "secret.png"), "secret");
    const dir = await makeProject({ "assets/.keep": "" });
    await import("node:fs/promises").then((fs) => fs.rm(path.join(dir, "assets/logo.png")));
    await symlink(path.join(outside, "secret.png"), path.join(dir, "assets/logo.png"));
    const e = await packProject(dir, { compose: await compose() }).catch((x) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.code).toBe("symlink_escape");
    // a symlinked folder leading outside is refused too
    const dir2 = await makeProject();
    await import("node:fs/promises").then((fs) => fs.rm(path.join(dir2, "assets"), { recursive: true }));
    await writeFile(path.join(outside, "logo.png"), "x");
    await symlink(outside, path.join(dir2, "assets"));
    expect((await packProject(dir2, { compose: await compose() }).catch((x) => x)).code).toBe("symlink_escape");
    // a symlink that stays inside is fine
    const dir3 = await makeProject({ "real/logo.png": "png" });
    await import("node:fs/promises").then((fs) => fs.rm(path.join(dir3, "assets/logo.png")));
    await symlink(path.join(dir3, "real/logo.png"), path.join(dir3, "assets/logo.png"));
    const ok = await packProject(dir3, { compose: await compose() });
    expect((await JSZip.loadAsync(ok.zip)).file("assets/logo.png")).toBeTruthy();
  });

  it("refuses paths with ..", async () => {
    const dir = await makeProject();
    const e = await packProject(dir, { compose: stubCompose({ files: ["index.html", "../etc/passwd"] }) }).catch((x) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.code).toBe("unsafe_path");
    await expect(packProject(dir, { compose: stubCompose(), entry: "../index.html" })).rejects.toThrow(/not a plain path/);
  });

  it("lint errors block packing", async () => {
    const dir = await makeProject();
    const e = await packProject(dir, { compose: stubCompose({ errors: 2 }) }).catch((x) => x);
    expect(e).toBeInstanceOf(CompositionError);
    expect(e.code).toBe("lint_errors");
    expect(e.message).toMatch(/2 lint errors/);
  });
});

describe("hyperframes pack", () => {
  it.skipIf(!composeIndexExists())("writes the zip and lists files with --json / --verbose", async () => {
    const dir = await makeProject();
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), "hf-out-")), "project.zip");
    const r = await runCli(["pack", dir, "--output", out, "--json"]);
    expect(r.code).toBe(0);
    const res = jsonLines(r.stdout).find((l) => l.type === "pack")!;
    expect(res.files.map((f: { path: string }) => f.path)).toEqual(["index.html", "assets/logo.png", "style.css"]);
    expect((await readFile(out)).length).toBe(res.bytes);
    const v = await runCli(["pack", dir, "--output", out, "--verbose"]);
    expect(v.code).toBe(0);
    expect(v.stderr).toContain("style.css");
    expect(v.stdout).toMatch(/packed 3 files/);
  });
});
