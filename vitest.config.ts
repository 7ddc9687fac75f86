import { defineConfig } from "vitest/config";

// Real Chrome and FFmpeg run in many tests: keep parallelism at the machine's 2 cores and give them time.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
