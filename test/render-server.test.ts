/**
 * The render file server over plain HTTP (no browser): what the static layer (`send`, behind
 * resolveProjectUrl) answers and what it refuses. The render tests (sandbox-render, render-refuse,
 * render-media) show the same rules through Chrome; these pin the bytes and headers: Range/206/416,
 * HEAD, cache-control, CSP, the Host check, and that no path the check did not approve is ever served
 * (dotfiles, symlinks out, `..`, no index or extension fallbacks).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startRenderServer, RENDER_CSP, type RenderServer } from "../src/render/server.js";
import { cleanupProjects, makeProject, page, tempDir } from "./helpers/project.js";

afterAll(cleanupProjects);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request: the path goes out exactly as written (no URL normalisation), Host defaults to the server's own. */
function request(server: RenderServer, urlPath: string, o: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: urlPath, method: o.method ?? "GET", headers: { host: u.host, ...o.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const VIDEO = randomBytes(10_000);
const FRAME = randomBytes(300);

describe("render file server", () => {
  let server: RenderServer;
  let open: RenderServer;
  let outside: string;

  beforeAll(async () => {
    outside = tempDir("hf-server-outside-");
    writeFileSync(path.join(outside, "secret.txt"), "TOPSECRET");
    const dir = makeProject({
      "index.html": page({ rootAttrs: "data-no-timeline", gsap: false, body: "<div></div>" }),
      "media/clip.mp4": VIDEO,
      "notes.txt": "hello",
      "page.html": "<p>page</p>",
      "sub/index.html": "<p>index</p>",
      ".env": "API_KEY=sk-secret",
      ".env.local": "API_KEY=sk-local",
      ".data/points.json": '{"a":1}',
      "odd name #1?.txt": "odd",
      "img 50%.svg": "<svg/>",
    });
    symlinkSync(path.join(dir, ".env"), path.join(dir, "config.txt"));
    symlinkSync(outside, path.join(dir, "link"));
    symlinkSync(path.join(dir, "notes.txt"), path.join(dir, "alias.txt"));
    const frames = tempDir("hf-server-frames-");
    writeFileSync(path.join(frames, "1.jpg"), FRAME);
    server = await startRenderServer({ projectDir: dir, entry: "index.html", inject: { mode: "render", fps: 30 } });
    server.addFrames("v0", frames);
    open = await startRenderServer({ projectDir: dir, entry: "index.html", inject: { mode: "render", fps: 30 }, blockNetwork: false });
  });
  afterAll(async () => {
    await server?.close();
    await open?.close();
  });

  it("serves a video whole and by Range (206 with exactly the asked bytes, suffix ranges too; 416 past the end)", async () => {
    const whole = await request(server, "/media/clip.mp4");
    expect(whole.status).toBe(200);
    expect(whole.headers).toMatchObject({ "content-type": "video/mp4", "content-length": "10000", "accept-ranges": "bytes", "cache-control": "no-store" });
    expect(whole.body.equals(VIDEO)).toBe(true);

    const mid = await request(server, "/media/clip.mp4", { headers: { range: "bytes=100-1099" } });
    expect(mid.status).toBe(206);
    expect(mid.headers).toMatchObject({ "content-range": "bytes 100-1099/10000", "content-length": "1000", "content-type": "video/mp4", "cache-control": "no-store" });
    expect(mid.body.equals(VIDEO.subarray(100, 1100))).toBe(true);

    const open_ = await request(server, "/media/clip.mp4", { headers: { range: "bytes=9000-" } });
    expect(open_.status).toBe(206);
    expect(open_.headers["content-range"]).toBe("bytes 9000-9999/10000");
    expect(open_.body.equals(VIDEO.subarray(9000))).toBe(true);

    const suffix = await request(server, "/media/clip.mp4", { headers: { range: "bytes=-100" } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers["content-range"]).toBe("bytes 9900-9999/10000");
    expect(suffix.body.equals(VIDEO.subarray(9900))).toBe(true);

    const one = await request(server, "/media/clip.mp4", { headers: { range: "bytes=0-0" } });
    expect(one.status).toBe(206);
    expect(one.body.equals(VIDEO.subarray(0, 1))).toBe(true);

    const past = await request(server, "/media/clip.mp4", { headers: { range: "bytes=20000-" } });
    expect(past.status).toBe(416);
    expect(past.headers["content-range"]).toBe("bytes */10000");
    expect(past.headers["content-security-policy"]).toBe(RENDER_CSP);
  });

  it("survives malformed ranges (a page's fetch() can send any Range header)", async () => {
    for (const range of ["bytes=5-2", "bytes=abc", "bytes=--1", "items=0-5", "bytes=0-1,5-6"]) {
      const r = await request(server, "/media/clip.mp4", { headers: { range } });
      expect([200, 206, 416], `${range}: ${r.status}`).toContain(r.status);
      if (r.status === 200) expect(r.body.equals(VIDEO)).toBe(true);
    }
    expect((await request(server, "/notes.txt")).body.toString()).toBe("hello");
  });

  it("HEAD answers the length and type without a body", async () => {
    const r = await request(server, "/media/clip.mp4", { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({ "content-length": "10000", "content-type": "video/mp4" });
    expect(r.body.length).toBe(0);
  });

  it("sends the CSP header when the network is blocked, not otherwise", async () => {
    expect((await request(server, "/notes.txt")).headers["content-security-policy"]).toBe(RENDER_CSP);
    expect((await request(server, "/")).headers["content-security-policy"]).toBe(RENDER_CSP);
    const r = await request(open, "/notes.txt");
    expect(r.status).toBe(200);
    expect(r.headers["content-security-policy"]).toBeUndefined();
  });

  it("answers only its own Host (DNS rebinding), only GET/HEAD, and no worker scripts", async () => {
    for (const host of ["evil.example:80", "localhost", "127.0.0.1"]) {
      const r = await request(server, "/notes.txt", { headers: { host } });
      expect(r.status, host).toBe(403);
      expect(r.body.toString()).toBe("forbidden host");
    }
    expect((await request(server, "/notes.txt", { method: "POST" })).status).toBe(405);
    expect((await request(server, "/notes.txt", { method: "PUT" })).status).toBe(405);
    const sw = await request(server, "/notes.txt", { headers: { "sec-fetch-dest": "serviceworker" } });
    expect(sw.status).toBe(403);
    expect(server.refusals).toContainEqual(expect.objectContaining({ kind: "network", url: "/notes.txt", via: expect.stringContaining("service worker") }));
  });

  it("serves the compiled entry page, the installed gsap and registered frames with their own cache rules", async () => {
    const entry = await request(server, "/");
    expect(entry.status).toBe(200);
    expect(entry.headers).toMatchObject({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    expect((await request(server, "/index.html")).body.equals(entry.body)).toBe(true);
    const gsap = await request(server, "/__hf/lib/gsap/gsap.min.js");
    expect(gsap.status).toBe(200);
    expect(gsap.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await request(server, "/__hf/lib/gsap/nope.js")).status).toBe(404);

    const frame = await request(server, "/__hf/frames/v0/1.jpg");
    expect(frame.status).toBe(200);
    expect(frame.headers).toMatchObject({ "content-type": "image/jpeg", "cache-control": "max-age=3600", "content-length": "300" });
    expect(frame.body.equals(FRAME)).toBe(true);
    for (const p of ["/__hf/frames/v0/2.jpg", "/__hf/frames/v1/1.jpg", "/__hf/frames/v0/..%2F1.jpg", "/__hf/frames/v0/x.txt"]) expect((await request(server, p)).status, p).toBe(404);
  });

  it("serves exactly the file the URL names: no index page, no extension fallback, folders are 404", async () => {
    expect((await request(server, "/page.html")).status).toBe(200);
    expect((await request(server, "/page")).status).toBe(404);
    expect((await request(server, "/sub/")).status).toBe(404);
    expect((await request(server, "/sub")).status).toBe(404);
    expect((await request(server, "/missing.png")).status).toBe(404);
    expect((await request(server, "/alias.txt")).body.toString()).toBe("hello"); // a symlink inside the project
    const odd = await request(server, "/" + encodeURIComponent("odd name #1?.txt"));
    expect(odd.status).toBe(200);
    expect(odd.body.toString()).toBe("odd");
    // a stray % (the page asks for /img%2050%.svg): the file name resolveProjectUrl found is what is sent
    const pct = await request(server, "/img%2050%.svg");
    expect(pct.status).toBe(200);
    expect(pct.headers["content-type"]).toBe("image/svg+xml");
    expect(pct.body.toString()).toBe("<svg/>");
  });

  it("serves dotfiles the project rules allow (as the preview does), refuses .env files however they are reached", async () => {
    const data = await request(server, "/.data/points.json");
    expect(data.status).toBe(200);
    expect(data.headers["content-type"]).toBe("application/json; charset=utf-8");
    for (const p of ["/.env", "/%2Eenv", "/.env.local", "/sub/../.env", "/config.txt"]) {
      const r = await request(server, p);
      expect(r.status, p).toBe(403);
      expect(r.body.toString(), p).toBe("forbidden: .env files are never served");
    }
    expect(server.refusals).toContainEqual({ kind: "secret", url: "/config.txt" });
  });

  it("refuses files outside the project: a symlink out is 403 and recorded; .. never climbs above the project root", async () => {
    const link = await request(server, "/link/secret.txt");
    expect(link.status).toBe(403);
    expect(link.body.toString()).toBe("forbidden: outside the project folder");
    expect(server.refusals).toContainEqual({ kind: "outside", url: "/link/secret.txt" });
    // `..` is clamped at the URL root, which is the project folder: these name files inside it, which do not exist
    for (const p of ["/../" + path.basename(outside) + "/secret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/media/..%2F..%2F..%2Fetc%2Fpasswd", "/..%5C..%5Cetc%5Cpasswd"]) {
      const r = await request(server, p);
      expect(r.status, p).toBe(404);
      expect(r.body.toString(), p).not.toMatch(/TOPSECRET|root:/);
    }
  });
});
