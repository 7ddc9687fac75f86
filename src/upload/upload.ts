/**
 * Getting a packed project to the service: inline `base64` for small zips, `POST /v3/assets` multipart up
 * to 32 MB, and the three-step direct upload above that.
 */
import type { CreateRenderRequest, CreateResult, HyperframesCloud, ProjectInput } from "./client.js";
import { CloudError } from "../errors.js";

export const MB = 1024 * 1024;
/** Default largest zip sent inline as base64 (base64 grows it by a third). */
export const DEFAULT_INLINE_MAX = 5 * MB;
/** `POST /v3/assets` limit (HeyGen docs, "Assets"). */
export const MULTIPART_MAX = 32 * MB;

export type UploadMethod = "base64" | "multipart" | "direct";

export interface UploadOptions {
  /** Largest zip sent inline as base64, in bytes (default 5 MB; 0 = never inline). */
  inlineMaxBytes?: number;
  /** Largest zip sent with the single multipart request (default 32 MB). */
  multipartMaxBytes?: number;
  /** Force one method. */
  method?: UploadMethod;
  filename?: string;
  signal?: AbortSignal;
  onStep?: (step: string) => void;
}

export interface UploadResult {
  method: UploadMethod;
  project: ProjectInput;
  bytes: number;
  asset_id?: string;
}

export function chooseUploadMethod(bytes: number, o: Pick<UploadOptions, "inlineMaxBytes" | "multipartMaxBytes" | "method"> = {}): UploadMethod {
  if (o.method) return o.method;
  if (bytes <= (o.inlineMaxBytes ?? DEFAULT_INLINE_MAX)) return "base64";
  if (bytes <= (o.multipartMaxBytes ?? MULTIPART_MAX)) return "multipart";
  return "direct";
}

/** Upload a project zip the cheapest way its size allows and return the `project` field for a render. */
export async function uploadProject(client: HyperframesCloud, zip: Uint8Array, o: UploadOptions = {}): Promise<UploadResult> {
  const method = chooseUploadMethod(zip.byteLength, o);
  const filename = o.filename ?? "project.zip";
  if (method === "base64") {
    return { method, bytes: zip.byteLength, project: { type: "base64", base64: Buffer.from(zip).toString("base64") } };
  }
  if (method === "multipart") {
    o.onStep?.(`uploading ${filename} (${fmtBytes(zip.byteLength)}) with POST /v3/assets`);
    try {
      const a = await client.uploadAsset(zip, filename, "application/zip", o.signal);
      return { method, bytes: zip.byteLength, asset_id: a.asset_id, project: { type: "asset_id", asset_id: a.asset_id } };
    } catch (e) {
      // The single-request limit may be lower than we think: fall back to the direct flow.
      if (!(e instanceof CloudError && e.status === 413) || o.method) throw e;
      o.onStep?.("the asset endpoint answered 413; switching to direct upload");
    }
  }
  o.onStep?.(`uploading ${filename} (${fmtBytes(zip.byteLength)}) with a direct upload`);
  const a = await client.directUpload(zip, filename, "application/zip", o.signal);
  return { method: "direct", bytes: zip.byteLength, asset_id: a.asset_id, project: { type: "asset_id", asset_id: a.asset_id } };
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MB) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / MB).toFixed(1)} MB`;
}

/**
 * Upload a zip and create a render from it. If the service refuses an inline (base64) project as too large
 * (413 hyperframes_project_too_large — nothing was created), the zip is uploaded as an asset and the render
 * is created again from the asset_id.
 */
export async function createRenderFromZip(
  client: HyperframesCloud,
  zip: Uint8Array,
  body: Omit<CreateRenderRequest, "project">,
  o: UploadOptions = {},
): Promise<{ created: CreateResult; upload: UploadResult }> {
  let upload = await uploadProject(client, zip, o);
  try {
    return { created: await client.createRender({ ...body, project: upload.project }, { signal: o.signal }), upload };
  } catch (e) {
    if (!(e instanceof CloudError && e.status === 413 && upload.method === "base64" && !o.method)) throw e;
    o.onStep?.("the service refused the inline project as too large; uploading it as an asset");
    upload = await uploadProject(client, zip, { ...o, inlineMaxBytes: 0 });
    return { created: await client.createRender({ ...body, project: upload.project }, { signal: o.signal }), upload };
  }
}
