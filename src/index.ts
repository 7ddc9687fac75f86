/**
 * The public programmatic API of hyperframes-toolkit (`import … from "hyperframes-toolkit"`), one name per
 * line in docs/API.md. Every name here is a promise: test/public-api.test.ts pins the exact list, so adding or
 * removing one is a deliberate change (and a docs/API.md line). Everything else in src/ is internal.
 */

// ---------------------------------------------------------------- render locally
export { render, type RenderOptions, type RenderResult, type RenderProgress, type RenderStage } from "./render/render.js";
export { snapshot, type SnapshotOptions, type SnapshotResult, type SnapshotFile } from "./render/snapshot.js";
export {
  renderBatch,
  type RenderBatchOptions,
  type BatchRun,
  type BatchRowResult,
  type BatchRowStart,
  type BatchProgress,
  type BatchSummary,
  type BatchManifest,
  type Row,
} from "./render/batch.js";
export { QUALITIES, FORMATS, type Quality, type Format } from "./render/options.js";

// ---------------------------------------------------------------- inspect a composition
export { loadComposition, lintProject, formatFinding, renderGate, type LintOptions, type RenderGate } from "./compose/index.js";
export type { CompositionModel, LintResult, LintFinding, Severity, VariableDecl, VariableType, ClipInfo, MediaInfo, SubCompositionInfo } from "./compose/types.js";

// ---------------------------------------------------------------- pack and render in HeyGen's cloud
export { packProject, packProjectToFile, type PackOptions, type PackResult, type PackFileResult, type PackedFile } from "./cloud/packager.js";
export {
  cloudRender,
  cloudRenderBatch,
  type CloudRenderOptions,
  type CloudRenderResult,
  type CloudRenderBatchOptions,
  type CloudRenderBatchResult,
  type CloudRenderEvent,
  type CloudRenderEstimate,
  type CloudRenderSettings,
} from "./cloud/cloud-render.js";
export {
  HyperframesCloud,
  type CloudClientOptions,
  type CreateRenderRequest,
  type CreateOptions,
  type CreateResult,
  type RenderDetail,
  type RenderStatus,
  type ProjectInput,
  type WaitOptions,
  type Page,
} from "./cloud/client.js";
export { estimateCost, type CostEstimate } from "./cloud/pricing.js";
export { verifyWebhook, signWebhook, type WebhookVerification, type WebhookFailure, type HyperframesWebhookEvent, type VerifyOptions } from "./cloud/webhooks.js";
export { startWebhookListener, type ListenOptions, type ListenEvent, type WebhookListener } from "./cloud/listen.js";

// ---------------------------------------------------------------- live preview
export { startPreview, type PreviewOptions, type PreviewServer } from "./preview/index.js";

// ---------------------------------------------------------------- errors
export {
  HyperframesError,
  UsageError,
  CompositionError,
  VariablesError,
  EnvironmentError,
  RenderError,
  RenderTimeoutError,
  RenderCancelledError,
  OutputVerificationError,
  CloudError,
  CloudCancelledError,
  isHyperframesError,
  type ErrorDetails,
  type ExitCode,
} from "./errors.js";
