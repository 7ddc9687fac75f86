/** Cloud rendering: packager, HyperFrames API client, uploads, downloads, webhooks, batch, listener. */
export {
  packProject,
  packProjectToFile,
  checkRelative,
  SECRET_GLOBS,
  type PackOptions,
  type PackInfo,
  type PackResult,
  type PackFileResult,
  type PackedFile,
  type ComposeApi,
} from "./packager.js";
export {
  HyperframesCloud,
  renderIdempotencyKey,
  type CloudClientOptions,
  type CreateRenderRequest,
  type CreateResult,
  type CreateOptions,
  type RenderCreated,
  type RenderDetail,
  type RenderStatus,
  type ProjectInput,
  type Page,
  type Asset,
  type DirectUploadInit,
  type WaitOptions,
} from "./client.js";
export { DEFAULT_API_BASE, parseRetryAfter, type HttpOptions } from "./http.js";
export {
  uploadProject,
  createRenderFromZip,
  chooseUploadMethod,
  DEFAULT_INLINE_MAX,
  MULTIPART_MAX,
  type UploadMethod,
  type UploadOptions,
  type UploadResult,
  type ZipInput,
} from "./upload.js";
export { downloadFile, type DownloadOptions } from "./download.js";
export { redactText } from "./redact.js";
export { verifyWebhook, signWebhook, checkWebhookSecret, webhookBodyIdentity, type WebhookVerification, type WebhookFailure, type HyperframesWebhookEvent, type VerifyOptions } from "./webhooks.js";
export { estimateCost, formatCost, RATES_PER_MINUTE, type CostEstimate } from "./pricing.js";
export { runCloudBatch, readRows, coerceRow, type BatchOptions, type BatchState, type BatchEvent, type BatchResult, type RowState } from "./batch.js";
export { startWebhookListener, type ListenOptions, type ListenEvent, type WebhookListener } from "./listen.js";
