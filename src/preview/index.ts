/** Public API of the live preview (`hyperframes dev`). */
export {
  startPreview,
  displayUrl as previewDisplayUrl,
  DEFAULT_PORT as DEFAULT_PREVIEW_PORT,
  DEFAULT_HOST as DEFAULT_PREVIEW_HOST,
  type PreviewOptions,
  type PreviewServer,
} from "./server.js";
export { hyperframesPreviewPlugin, type PreviewPluginOptions } from "./plugin.js";
export {
  discoverCompositions,
  describeForPreview,
  type CompositionEntry as PreviewCompositionEntry,
  type CompositionDetails as PreviewCompositionDetails,
} from "./project.js";
export type { RenderJobState as PreviewRenderJob, RenderJobRequest as PreviewRenderRequest, RenderJobStatus as PreviewRenderStatus } from "./render-jobs.js";
