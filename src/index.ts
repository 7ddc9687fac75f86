/** Public programmatic API of hyperframes-toolkit. */
export * from "./errors.js";
export * from "./render/options.js";
export * from "./compose/index.js";
export * from "./upload/index.js";
export * from "./preview/index.js";
