/** The shapes of HeyGen's HyperFrames render API and asset endpoints (HeyGen docs: "Hyperframes", "Assets"), and the client's option types. */
import type { HttpOptions } from "./http.js";

export type RenderStatus = "queued" | "rendering" | "completed" | "failed";

export type ProjectInput =
  | { type: "url"; url: string }
  | { type: "asset_id"; asset_id: string }
  | { type: "base64"; base64: string };

export interface CreateRenderRequest {
  project: ProjectInput;
  fps?: number;
  quality?: "draft" | "standard" | "high";
  format?: "mp4" | "webm" | "mov";
  resolution?: "1080p" | "4k";
  aspect_ratio?: "16:9" | "9:16" | "1:1";
  composition?: string;
  variables?: Record<string, unknown>;
  title?: string;
  callback_id?: string;
  callback_url?: string;
}

export interface RenderCreated {
  render_id: string;
  status: RenderStatus;
}

export interface RenderDetail {
  render_id: string;
  status: RenderStatus;
  title?: string | null;
  callback_id?: string | null;
  callback_url?: string | null;
  video_url?: string | null;
  thumbnail_url?: string | null;
  duration?: number | null;
  failure_message?: string | null;
  fps?: number;
  quality?: string;
  format?: string;
  resolution?: string;
  aspect_ratio?: string;
  composition?: string;
  /** 0..1 when the service reports it */
  progress?: number | null;
  created_at?: number | string;
  [extra: string]: unknown;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_token: string | null;
}

export interface Asset {
  asset_id: string;
  url?: string;
  mime_type?: string;
  size_bytes?: number;
  status?: string;
  [extra: string]: unknown;
}

export interface DirectUploadInit {
  asset_id: string;
  upload_url: string;
  upload_headers: Record<string, string>;
  expires_in_seconds: number;
  max_bytes: number;
  status?: string;
}

export interface CloudClientOptions extends HttpOptions {}

export interface CreateOptions {
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key`; default: a fresh UUID per call (the same one on every retry). */
  idempotencyKey?: string;
}

export interface CreateResult extends RenderCreated {
  /** The `callback_id` the render was created with (ours if the request had none). */
  callback_id: string;
  idempotency_key: string;
  /** True when an ambiguous failure was resolved by finding the already-created render. */
  recovered?: boolean;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** First poll interval (ms). Default 2000; grows ×1.5 up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Give up after this long (ms). Default 2 hours. */
  timeoutMs?: number;
  onStatus?: (r: RenderDetail, elapsedMs: number) => void;
}
