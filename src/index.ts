/** Public programmatic API of hyperframes-toolkit. */
export * from "./errors.js";
export * from "./render/options.js";
export * from "./compose/index.js";
export * from "./upload/index.js";
export * from "./preview/index.js";
export { render, frameCountFor, type RenderOptions, type RenderResult, type RenderProgress, type RenderStage } from "./render/render.js";
export type { LongRender } from "./render/workload.js";
export { snapshot, type SnapshotOptions, type SnapshotResult, type SnapshotFile } from "./render/snapshot.js";
export { resolveBrowser, type ResolvedBrowser } from "./render/browser.js";
export { probeBrowser, type BrowserCapabilities } from "./render/launch.js";
export { resolveFfmpeg, resolveFfprobe, probe } from "./render/ffmpeg.js";
export { compileComposition } from "./compose/compile.js";
export { injectRuntime } from "./compose/inject.js";
export {
  renderBatch,
  defaultConcurrency,
  type RenderBatchOptions,
  type BatchRun,
  type BatchRowResult,
  type BatchRowStart,
  type BatchPlan,
  type BatchProgress,
  type BatchSummary,
  type BatchManifest,
  type ManifestRow,
  type ManifestRowStatus,
  type RowTimings,
  type Row,
} from "./render/batch.js";
export { planOutputs, safeSegment } from "./data/output-pattern.js";
