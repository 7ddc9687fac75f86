/**
 * Issue 13 §2 (and the preview half of §1): `hyperframes dev` serves the project and nothing else, to this
 * machine's pages only. A real Vite dev server (startPreview) on loopback, raw HTTP requests (so paths and
 * headers go out exactly as an attacker writes them) and a real headless Chrome on the player page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "puppeteer-core";
import { startPreview, type PreviewServer } from "../src/preview/index.js";
import { hostAllowed } from "../src/preview/guard.js";
import { launch, makeProject, waitFor } from "./preview-helpers.js";

const SECRET = "TOPSECRET-root:x:0:0";
let outside: string;
let dir: string;
let server: PreviewServer;
let beacon: http.Server;
let beaconBase: string;
const beaconHits: string[] = [];
let browser: Browser | undefined;

interface Reply {
  status: number;
  body: string;
}

/** One raw HTTP request to the preview (the path is sent as written: no `..` normalisation). */
function request(p: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, path: p, method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

const comp = (id: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"></head><body>
<div id="${id}" data-composition-id="${id}" data-width="160" data-height="90" data-duration="1" data-no-timeline>${body}</div></body></html>`;

beforeAll(async () => {
  outside = mkdtempSync(path.join(tmpdir(), "hf-outside-"));
  writeFileSync(path.join(outside, "secret.txt"), SECRET);
  writeFileSync(path.join(outside, "secret.html"), `<!doctype html><p>${SECRET}</p>`);
  writeFileSync(path.join(outside, "red.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/><!-- ${SECRET} --></svg>`);
  writeFileSync(path.join(outside, "leak-sub.html"), `<template id="leak-template"><div data-composition-id="leak" data-width="160" data-height="90">${SECRET}</div></template>`);

  dir = makeProject();
  symlinkSync(outside, path.join(dir, "linkdir"));
  symlinkSync(path.join(outside, "secret.html"), path.join(dir, "leak.html"));
  symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "leak.txt"));
  symlinkSync(path.join(outside, "red.svg"), path.join(dir, "leak.svg"));
  writeFileSync(path.join(dir, ".env"), `API_KEY=${SECRET}`);
  mkdirSync(path.join(dir, "sub"));
  writeFileSync(path.join(dir, "sub", "a.txt"), "inside");
  writeFileSync(path.join(dir, "sub", ".env.local"), `API_KEY=${SECRET}`);
  symlinkSync(path.join(dir, "sub", "a.txt"), path.join(dir, "alias.txt"));
  symlinkSync(path.join(outside, "leak-sub.html"), path.join(dir, "compositions", "leak.html"));
  // compositions that reach outside the project / the network (for the player tests)
  writeFileSync(path.join(dir, "outimg.html"), comp("outimg", `<img src="leak.svg">`));
  // file names with % in them (any file name works)
  writeFileSync(path.join(dir, "100% done.html"), comp("pct", ""));
  writeFileSync(path.join(dir, "a%41.js"), "window.fromPercentFile = true;");
  writeFileSync(path.join(dir, "img 50%.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`);
  writeFileSync(path.join(dir, "outsub.html"), comp("outsub", `<div data-composition-id="leak" data-composition-src="compositions/leak.html" data-start="0" data-duration="1"></div>`));

  beacon = http.createServer((req, res) => {
    beaconHits.push(req.url ?? "");
    res.setHeader("access-control-allow-origin", "*");
    res.end("from the network");
  });
  await new Promise<void>((r) => beacon.listen(0, "127.0.0.1", () => r()));
  beaconBase = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
  writeFileSync(
    path.join(dir, "net.html"),
    comp("net", `<img src="${beaconBase}/pixel.png"><script>fetch("${beaconBase}/data.json").catch(function () {});</script>`),
  );

  server = await startPreview({ project: dir, port: 0 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((r) => beacon.close(() => r()));
  rmSync(outside, { recursive: true, force: true });
});

describe("the dev server serves the project and nothing else", () => {
  it("refuses (403) every path whose real path is outside the project, Vite's own routes included, and never serves .env files", async () => {
    const refused = [
      "/linkdir/secret.txt",
      "/leak.html",
      "/leak.txt",
      "/leak.txt?raw",
      "/leak.txt?import",
      "/linkdir/secret.txt?import&raw",
      "/leak.svg",
      "/compositions/leak.html",
      `/@fs${outside}/secret.txt`,
      `/@fs${dir}/leak.txt`,
      `/@fs${dir}/linkdir/secret.txt?raw`,
      `/@id/${outside}/secret.txt`,
      "/.env",
      "/.env?raw",
      "/sub/.env.local",
      "/%2eenv",
      `/@fs${dir}/.env`,
    ];
    for (const p of refused) {
      const r = await request(p, { headers: { "sec-fetch-dest": "script", "sec-fetch-mode": "no-cors" } });
      expect(r.status, `${p} answered ${r.status}: ${r.body.slice(0, 80)}`).toBe(403);
      expect(r.body).not.toContain(SECRET);
      // and without the classic-script headers (Vite's static files, transforms)
      const plain = await request(p);
      expect(plain.status, `${p} answered ${plain.status}`).toBe(403);
      expect(plain.body).not.toContain(SECRET);
    }
    expect((await request("/leak.html")).body).toMatch(/outside the project folder/);
    // inside the project (a symlink that stays inside included) is still served
    expect(await request("/sub/a.txt")).toMatchObject({ status: 200, body: "inside" });
    expect(await request("/alias.txt")).toMatchObject({ status: 200, body: "inside" });
    // the symlinked page is not offered as a composition
    const info = JSON.parse((await request("/__hyperframes/api/project")).body) as { compositions: { file: string }[] };
    expect(info.compositions.map((c) => c.file)).not.toContain("leak.html");
  });

  it("serves files whose names hold a % (the path is decoded once): the composition page with its runtime, a classic script as written", async () => {
    const page = await request("/100%25%20done.html");
    expect(page.status).toBe(200);
    expect(page.body).toContain("/__hyperframes/runtime.js");
    const script = await request("/a%2541.js", { headers: { "sec-fetch-dest": "script", "sec-fetch-mode": "no-cors" } });
    expect(script.status).toBe(200);
    expect(script.body).toBe("window.fromPercentFile = true;");
    // <img src="img 50%.svg"> asks for /img%2050%.svg: a stray % is part of the name (was 400 "bad URL")
    const img = await request("/img%2050%.svg");
    expect(img.status).toBe(200);
    expect(img.body).toContain("<svg");
  });

  it("refuses cross-site render requests (Origin, content type, token) and starts no render", async () => {
    const body = JSON.stringify({ composition: "index.html" });
    const host = `127.0.0.1:${server.port}`;
    // the curl: a page elsewhere posting a "simple" request (no CORS preflight); it answered 202 and rendered
    const csrf = await request("/__hyperframes/render", { method: "POST", headers: { origin: "https://evil.example", "content-type": "text/plain" }, body });
    expect(csrf.status, csrf.body).toBe(403);
    const player = (await request("/")).body;
    const token = /__HF_API_TOKEN = "([^"]+)"/.exec(player)?.[1];
    expect(token).toBeTruthy();
    const attempts: { what: string; headers: Record<string, string> }[] = [
      { what: "evil origin with the token", headers: { origin: "https://evil.example", "content-type": "application/json", "x-hyperframes-token": token! } },
      { what: "cross-site fetch metadata", headers: { origin: `http://${host}`, "sec-fetch-site": "cross-site", "content-type": "application/json", "x-hyperframes-token": token! } },
      { what: "no Origin (curl)", headers: { "content-type": "application/json", "x-hyperframes-token": token! } },
      { what: "same origin, text/plain", headers: { origin: `http://${host}`, "content-type": "text/plain", "x-hyperframes-token": token! } },
      { what: "same origin, JSON, no token", headers: { origin: `http://${host}`, "content-type": "application/json" } },
      { what: "same origin, JSON, wrong token", headers: { origin: `http://${host}`, "content-type": "application/json", "x-hyperframes-token": "guess" } },
    ];
    for (const a of attempts) {
      const r = await request("/__hyperframes/render", { method: "POST", headers: a.headers, body });
      expect(r.status, `${a.what}: ${r.body}`).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: "preview_forbidden" } });
    }
    expect(existsSync(path.join(dir, "renders")), "a refused request must not start a render").toBe(false);
    // the player's own request passes the guard (here it names no composition of the project: 400, no render)
    const ok = await request("/__hyperframes/render", {
      method: "POST",
      headers: { origin: `http://${host}`, "sec-fetch-site": "same-origin", "content-type": "application/json", "x-hyperframes-token": token! },
      body: JSON.stringify({ composition: "nope.html" }),
    });
    expect(ok).toMatchObject({ status: 400 });
    expect(ok.body).toContain("preview_unknown_composition");
  });

  it("answers only to localhost, 127.0.0.1, [::1] or the configured --host (DNS rebinding)", async () => {
    for (const p of ["/", "/index.html", "/__hyperframes/api/project", "/sub/a.txt"]) {
      const r = await request(p, { headers: { host: `evil.example:${server.port}` } });
      expect(r.status, p).toBe(403);
      expect(r.body).not.toContain("composition");
    }
    const post = await request("/__hyperframes/render", {
      method: "POST",
      headers: { host: `evil.example:${server.port}`, origin: `http://evil.example:${server.port}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(post.status).toBe(403);
    for (const h of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) expect((await request("/", { headers: { host: h } })).status, h).toBe(200);
    expect(hostAllowed("mybox.lan:3002", "mybox.lan")).toBe(true);
    expect(hostAllowed("mybox.lan:3002")).toBe(false);
    expect(hostAllowed("192.168.1.5:3002", "0.0.0.0")).toBe(true);
    expect(hostAllowed("evil.example:3002", "0.0.0.0")).toBe(false);
  });
});

describe("the player shows what renders refuse", () => {
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage();
  }, 60_000);

  const open = async (compFile: string) => {
    await page.goto(`http://127.0.0.1:${server.port}/?comp=${compFile}`, { waitUntil: "load" });
    await waitFor(page, (s) => s.comp === compFile && (s.ready || s.errors.length > 0), `${compFile} to load`);
  };

  it("a composition that reaches the network: a warning in the overlay (renders block it)", async () => {
    await open("net.html");
    const s = await waitFor(page, (x) => x.ready && x.overlay && x.errors.filter((e) => e.kind === "network").length >= 2, "two network warnings in the overlay");
    const msgs = s.errors.filter((e) => e.kind === "network").map((e) => e.message);
    expect(msgs.join("\n")).toContain(`${beaconBase}/pixel.png`);
    expect(msgs.join("\n")).toContain(`${beaconBase}/data.json`);
    expect(msgs[0]).toMatch(/renders block/);
    expect(s.errors.filter((e) => e.kind !== "network"), "only network warnings").toEqual([]);
    expect(await page.$eval("#overlay h2", (e) => e.textContent)).toMatch(/reaches the network/);
  });

  it("a composition that uses a file outside the project: 403, and the overlay names the file and the reference", async () => {
    await open("outimg.html");
    const s = await waitFor(page, (x) => x.errors.some((e) => e.kind === "forbidden"), "a forbidden-file error");
    const e = s.errors.find((x) => x.kind === "forbidden")!;
    expect(e.message).toContain('"leak.svg" is a symlink to');
    expect(e).toMatchObject({ file: "outimg.html" });
    expect(s.overlay).toBe(true);

    await open("outsub.html");
    const s2 = await waitFor(page, (x) => x.errors.some((e) => /compositions\/leak\.html/.test(e.message)), "the sub-composition error");
    expect(s2.overlay).toBe(true);
    const frameText = await page.$eval("#comp-frame, iframe", (f) => (f as HTMLIFrameElement).contentDocument?.body?.innerText ?? "");
    expect(frameText).not.toContain(SECRET);
  });
});
