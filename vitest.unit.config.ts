import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// `npm run test:unit`: the fast tier, pure modules only (no Chrome, no FFmpeg, no build needed), in seconds.
// A test file belongs here when it starts no browser, no FFmpeg and no CLI subprocess.
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "test/architecture.test.ts",
      "test/compose-*.test.ts",
      "test/fonts.test.ts",
      "test/cloud-client.test.ts",
      "test/cloud-webhooks.test.ts",
      "test/fs-atomic.test.ts",
      "test/root-rule.test.ts",
    ],
  },
});
