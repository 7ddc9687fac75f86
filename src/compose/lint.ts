/** The lint module lives in ./lint/ (one rule module per topic); this file keeps the old import path working. */
export * from "./lint/index.js";
