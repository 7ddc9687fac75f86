/**
 * Browsers with other names and other abilities, made from the one the toolkit resolves (no extra download):
 *   renamedBrowser       the same binary under an arbitrary name (its sibling files linked beside it)
 *   browserWithoutBeginFrame  a wrapper whose DevTools endpoint answers HeadlessExperimental.* with
 *                        "wasn't found", as Chrome's new headless mode does
 *   browserDyingInSingleProcess  a wrapper that exits at once when started with --single-process, as a
 *                        Chromium 153 headless shell does without its SwiftShader files
 * Each lives in a fresh temp folder (removed by cleanupProjects), so no probe result is cached for it.
 */
import { chmodSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { resolveBrowser } from "../../src/render/browser.js";
import { tempDir } from "./project.js";

const require = createRequire(import.meta.url);

/** The real browser the toolkit would use (its binary, not a wrapper). */
export function realBrowser(): string {
  return resolveBrowser().executablePath;
}

/** The real browser as `<temp>/<name>`, with every file of its folder linked beside it (Chromium looks there for SwiftShader). */
export function renamedBrowser(name: string): string {
  const real = realBrowser();
  const dir = tempDir("hf-browser-");
  for (const f of readdirSync(path.dirname(real))) {
    if (f === path.basename(real)) continue;
    symlinkSync(path.join(path.dirname(real), f), path.join(dir, f));
  }
  const p = path.join(dir, name);
  symlinkSync(real, p);
  return p;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell wrapper that exits with status 1 when given --single-process, else runs the real browser. */
export function browserDyingInSingleProcess(name = "chrome-headless-shell"): string {
  const dir = tempDir("hf-browser-");
  const p = path.join(dir, name);
  writeFileSync(
    p,
    `#!/bin/sh
for a; do [ "$a" = "--single-process" ] && { echo "simulated crash: --single-process" >&2; exit 1; }; done
exec ${sh(realBrowser())} "$@"
`,
  );
  chmodSync(p, 0o755);
  return p;
}

/**
 * A wrapper that runs the real browser behind a DevTools proxy refusing every HeadlessExperimental method
 * (the error Chrome gives where the domain does not exist). Everything else passes through unchanged.
 */
export function browserWithoutBeginFrame(name = "chrome-headless-shell"): string {
  const dir = tempDir("hf-browser-");
  const p = path.join(dir, name);
  const ws = require.resolve("ws");
  writeFileSync(
    p,
    `#!${process.execPath}
const { spawn } = require("node:child_process");
const { WebSocket, WebSocketServer } = require(${JSON.stringify(ws)});
const child = spawn(${JSON.stringify(realBrowser())}, process.argv.slice(2), { stdio: ["ignore", "inherit", "pipe"] });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(s, () => child.kill(s));
let buf = "";
child.stderr.on("data", (d) => {
  buf += d.toString();
  let i;
  while ((i = buf.indexOf("\\n")) >= 0) {
    const line = buf.slice(0, i + 1);
    buf = buf.slice(i + 1);
    const m = /DevTools listening on (ws:\\/\\/[^\\s]+)/.exec(line);
    if (!m) { process.stderr.write(line); continue; }
    const target = new URL(m[1]);
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    server.on("listening", () => process.stderr.write("DevTools listening on ws://127.0.0.1:" + server.address().port + target.pathname + "\\n"));
    server.on("connection", (client, req) => {
      const up = new WebSocket("ws://" + target.host + req.url, { perMessageDeflate: false, maxPayload: 1 << 30 });
      const queue = [];
      up.on("open", () => { for (const q of queue.splice(0)) up.send(q); });
      up.on("message", (data) => client.send(data.toString()));
      up.on("close", () => client.close());
      up.on("error", () => client.close());
      client.on("close", () => up.close());
      client.on("message", (data) => {
        const text = data.toString();
        const msg = JSON.parse(text);
        if (typeof msg.method === "string" && msg.method.startsWith("HeadlessExperimental.")) {
          const reply = { id: msg.id, error: { code: -32601, message: "'" + msg.method + "' wasn't found" } };
          if (msg.sessionId) reply.sessionId = msg.sessionId;
          client.send(JSON.stringify(reply));
          return;
        }
        if (up.readyState === WebSocket.OPEN) up.send(text);
        else queue.push(text);
      });
    });
  }
});
`,
  );
  chmodSync(p, 0o755);
  return p;
}
