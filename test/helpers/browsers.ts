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
import path from "node:path";
import { resolveBrowser } from "../../src/render/browser.js";
import { tempDir } from "./project.js";

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
 * (the error Chrome gives where the domain does not exist). Everything else passes through unchanged. The
 * toolkit talks DevTools over a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-terminated JSON
 * messages), so the proxy sits between its own fds 3/4 and the real browser's.
 */
export function browserWithoutBeginFrame(name = "chrome-headless-shell"): string {
  const dir = tempDir("hf-browser-");
  const p = path.join(dir, name);
  writeFileSync(
    p,
    `#!${process.execPath}
const { spawn } = require("node:child_process");
const net = require("node:net");
const child = spawn(${JSON.stringify(realBrowser())}, process.argv.slice(2), { stdio: ["ignore", "inherit", "inherit", "pipe", "pipe"] });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(s, () => child.kill(s));
const fromClient = new net.Socket({ fd: 3, readable: true, writable: false });
const toClient = new net.Socket({ fd: 4, readable: false, writable: true });
const toBrowser = child.stdio[3];
const fromBrowser = child.stdio[4];
/** Call onMessage for each NUL-terminated message of a stream (whole messages only: replies never split one). */
function messages(stream, onMessage) {
  let pending = Buffer.alloc(0);
  stream.on("data", (d) => {
    pending = Buffer.concat([pending, d]);
    let i;
    while ((i = pending.indexOf(0)) >= 0) {
      onMessage(pending.subarray(0, i).toString("utf8"));
      pending = pending.subarray(i + 1);
    }
  });
}
messages(fromBrowser, (text) => toClient.write(text + "\\0"));
messages(fromClient, (text) => {
  const msg = JSON.parse(text);
  if (typeof msg.method === "string" && msg.method.startsWith("HeadlessExperimental.")) {
    const reply = { id: msg.id, error: { code: -32601, message: "'" + msg.method + "' wasn't found" } };
    if (msg.sessionId) reply.sessionId = msg.sessionId;
    toClient.write(JSON.stringify(reply) + "\\0");
    return;
  }
  toBrowser.write(text + "\\0");
});
// the toolkit gone (its pipe closed): the real browser sees its pipe close too, and exits
fromClient.on("end", () => toBrowser.end());
fromClient.on("error", () => toBrowser.end());
`,
  );
  chmodSync(p, 0o755);
  return p;
}
