import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { packProject, packProjectToFile, type ComposeApi } from "../src/cloud/packager.js";
import { CompositionError, UsageError } from "../src/errors.js";
import { validateZip } from "./emulator/server.js";
import { composeIndexExists, makeProject, stubCompose } from "./emulator/fixtures.js";
import { cliAsync } from "./helpers/cli.js";
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
    // streamed to a file: the same bytes
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "hf-out-")), "p.zip");
    const f = await packProjectToFile(dir, file, { compose: c });
    expect(f.path).toBe(file);
    expect((await readFile(file)).equals(a.zip)).toBe(true);
    expect(f.sha256).toBe(a.sha256);
    expect(f.bytes).toBe(a.bytes);
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

  it("never packs secrets (keys, .env*, .npmrc, credentials) through --include '**'; only --include-secrets names them", async () => {
    const secrets: Record<string, string> = {
      id_rsa: "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET-id_rsa",
      "id_ed25519.pub": "ssh-ed25519 SECRET-pub",
      "deploy/server.pem": "SECRET-pem",
      "deploy/tls.key": "SECRET-key",
      ".npmrc": "//registry.npmjs.org/:_authToken=SECRET-npmrc",
      ".env.production": "SECRET-env",
      "config/credentials.json": '{"SECRET":"credentials"}',
      credentials: "[default]\naws_secret_access_key=SECRET-aws",
      "keys/cert.p12": "SECRET-p12",
      ".git-credentials": "https://user:SECRET@example.com",
    };
    const dir = await makeProject(secrets);
    const c = await compose();
    const all = await packProject(dir, { compose: c, include: ["**", "**/*", ".*", "**/.*"] });
    expect(all.files.map((f) => f.path).sort()).toEqual(["assets/logo.png", "index.html", "style.css", "unused.txt"]);
    expect(all.zip.includes(Buffer.from("SECRET"))).toBe(false);
    // secrets matched by --include are named in a warning, so nobody wonders where they went
    expect(all.warnings.join("\n")).toMatch(/id_rsa/);
    expect(all.warnings.join("\n")).toMatch(/--include-secrets/);
    // a secret the composition references is not packed either
    const ref = await packProject(dir, { compose: stubCompose({ files: ["index.html", "style.css", "assets/logo.png", "deploy/tls.key"] }) });
    expect(ref.files.map((f) => f.path)).not.toContain("deploy/tls.key");
    expect(ref.warnings.join("\n")).toMatch(/deploy\/tls\.key/);
    // --include-secrets packs exactly what it names
    const named = await packProject(dir, { compose: c, include: ["**"], includeSecrets: ["id_rsa", "deploy/*.pem"] });
    expect(named.files.filter((f) => f.reason === "secret").map((f) => f.path).sort()).toEqual(["deploy/server.pem", "id_rsa"]);
    const zipNames = await names(named.zip);
    expect(zipNames).toContain("id_rsa");
    expect(zipNames).not.toContain("deploy/tls.key");
    expect(zipNames).not.toContain(".npmrc");
  });

  it.skipIf(!composeIndexExists())("refuses, naming it, a referenced file outside the project instead of dropping it silently", async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), "hf-parent-"));
    await writeFile(path.join(parent, "x.png"), Buffer.from("89504e470d0a1a0a", "hex"));
    const dir = path.join(parent, "proj");
    await mkdir(dir);
    const html = (await import("./emulator/fixtures.js")).INDEX_HTML.replace('<img src="assets/logo.png" alt="">', '<img src="assets/logo.png" alt=""><img src="../x.png" alt="">');
    await writeFile(path.join(dir, "index.html"), html);
    await writeFile(path.join(dir, "style.css"), "h1 { background: url(../x.png) }");
    await mkdir(path.join(dir, "assets"));
    await writeFile(path.join(dir, "assets/logo.png"), Buffer.from("89504e470d0a1a0a", "hex"));
    // renders read only the project's own files, so a zip without it would render differently: refuse, naming it
    const e = await packProject(dir).catch((x) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.code).toBe("unsafe_path");
    expect(String(e.message)).toMatch(/\.\.\/x\.png|x\.png/);
    expect(String(e.message)).toMatch(/outside the project/);
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
  it.skipIf(!composeIndexExists())("pack --include '**' leaves id_rsa out; --include-secrets id_rsa packs it", async () => {
    const dir = await makeProject({ id_rsa: "SECRET-KEY", "certs/a.pem": "SECRET-PEM" });
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), "hf-out-")), "p.zip");
    const r = await runCli(["pack", dir, "-o", out, "--include", "**", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readFile(out)).includes(Buffer.from("SECRET"))).toBe(false);
    expect(r.stderr).toMatch(/id_rsa/);
    const named = await runCli(["pack", dir, "-o", out, "--include", "**", "--include-secrets", "id_rsa", "--json"]);
    expect(named.code, named.stderr).toBe(0);
    const z = await names(await readFile(out));
    expect(z).toContain("id_rsa");
    expect(z).not.toContain("certs/a.pem");
  });

  it.skipIf(!composeIndexExists())(
    "streams files into the zip: packing 3 × 60 MB keeps the process's peak RSS far below the data size",
    async () => {
      const dir = await makeProject();
      await mkdir(path.join(dir, "media"));
      const MB = 1024 * 1024;
      for (const n of ["a.mp4", "b.mov", "c.bin"]) {
        const ws = createWriteStream(path.join(dir, "media", n));
        for (let i = 0; i < 60; i++) if (!ws.write(randomBytes(MB))) await new Promise((r) => ws.once("drain", r));
        await new Promise<void>((r, j) => ws.end((e?: Error | null) => (e ? j(e) : r())));
      }
      const outDir = await mkdtemp(path.join(os.tmpdir(), "hf-big-"));
      // peak RSS of the CLI process, as the kernel counted it (process.resourceUsage().maxRSS, in KB)
      const preload = `data:text/javascript,import fs from "node:fs"; process.on("exit", () => fs.writeSync(2, "\\nMAXRSS_KB=" + process.resourceUsage().maxRSS + "\\n"))`;
      const peak = async (args: string[]) => {
        const r = await cliAsync(args, { nodeArgs: ["--import", preload] });
        return { code: r.code, stderr: r.stderr, kb: Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) };
      };
      try {
        const small = await peak(["pack", dir, "-o", path.join(outDir, "small.zip")]);
        expect(small.code, small.stderr).toBe(0);
        const big = await peak(["pack", dir, "-o", path.join(outDir, "big.zip"), "--include", "media/**"]);
        expect(big.code, big.stderr).toBe(0);
        const total = 180 * 1024; // KB of file data
        // the central directory (at the end of the zip) lists the three files; the media was stored, not deflated
        const size = (await stat(path.join(outDir, "big.zip"))).size;
        expect(size).toBeGreaterThan(180 * MB);
        const fh = await open(path.join(outDir, "big.zip"));
        const tail = Buffer.alloc(64 * 1024);
        await fh.read(tail, 0, tail.length, size - tail.length);
        await fh.close();
        for (const n of ["media/a.mp4", "media/b.mov", "media/c.bin"]) expect(tail.includes(Buffer.from(n)), n).toBe(true);
        // bounded by a few MB per file: the big pack costs well under a third of the data over the tiny one
        expect(big.kb - small.kb, `peak RSS ${big.kb} KB vs ${small.kb} KB for a tiny project`).toBeLessThan(total / 3);
        expect(big.kb).toBeLessThan(total * 0.75);
      } finally {
        await rm(outDir, { recursive: true, force: true });
        await rm(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );

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
