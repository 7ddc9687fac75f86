/**
 * Browser launch flags on a real launch: Chrome gets --disable-dev-shm-usage exactly when /dev/shm is too
 * small for it (puppeteer adds the flag by default, which costs ~5% browser CPU where /tmp is a disk).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { launchBrowser, shmArgs } from "../src/render/launch.js";

describe("launchBrowser", () => {
  it.runIf(process.platform === "linux")("passes --disable-dev-shm-usage only when /dev/shm lacks room", async () => {
    const launched = await launchBrowser({ width: 320, height: 180 });
    try {
      const pid = launched.browser.process()!.pid!;
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      expect(argv.includes("--disable-dev-shm-usage")).toBe(shmArgs().length > 0);
    } finally {
      await launched.close();
    }
  });
});
