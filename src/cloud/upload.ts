/**
 * Getting a packed project to the service: inline `base64` for small zips, `POST /v3/assets` multipart up
 * to 32 MB, and the three-step direct upload above that. The zip may be bytes or a Blob; a file-backed Blob
 * (`fs.openAsBlob(packed.path)`) is streamed from disk, so a large project is never held in memory whole.
 */
import { renderIdempotencyKey, sha256Of, sizeOf, type CreateRenderRequest, type CreateResult, type HyperframesCloud, type ProjectInput } from "./client.js";
import { CloudError } from "../errors.js";

/** A project zip: bytes, or a Blob (e.g. `await fs.openAsBlob(path, { type: "application/zip" })`). */
export type ZipInput = Uint8Array | Blob;

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
  /** hex sha256 of the zip, when already known (saves reading it again) */
  sha256?: string;
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
export async function uploadProject(client: HyperframesCloud, zip: ZipInput, o: UploadOptions = {}): Promise<UploadResult> {
  const size = sizeOf(zip);
  const method = chooseUploadMethod(size, o);
  const filename = o.filename ?? "project.zip";
  if (method === "base64") {
    const bytes = zip instanceof Uint8Array ? zip : new Uint8Array(await zip.arrayBuffer());
    return { method, bytes: size, project: { type: "base64", base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") } };
  }
  if (method === "multipart") {
    o.onStep?.(`uploading ${filename} (${fmtBytes(size)}) with POST /v3/assets`);
    try {
      const a = await client.uploadAsset(zip, filename, "application/zip", o.signal);
      return { method, bytes: size, asset_id: a.asset_id, project: { type: "asset_id", asset_id: a.asset_id } };
    } catch (e) {
      // The single-request limit may be lower than we think: fall back to the direct flow.
      if (!(e instanceof CloudError && e.status === 413) || o.method) throw e;
      o.onStep?.("the asset endpoint answered 413; switching to direct upload");
    }
  }
  o.onStep?.(`uploading ${filename} (${fmtBytes(size)}) with a direct upload`);
  const a = await client.directUpload(zip, filename, "application/zip", o.signal, o.sha256);
  return { method: "direct", bytes: size, asset_id: a.asset_id, project: { type: "asset_id", asset_id: a.asset_id } };
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
 * The Idempotency-Key defaults to `renderIdempotencyKey(sha256 of the zip, body)`: calling this again with
 * the same zip and settings (a re-run after an ambiguous failure) gets the same render back, not a new one.
 */
export async function createRenderFromZip(
  client: HyperframesCloud,
  zip: ZipInput,
  body: Omit<CreateRenderRequest, "project">,
  o: UploadOptions & { idempotencyKey?: string } = {},
): Promise<{ created: CreateResult; upload: UploadResult }> {
  const sha256 = o.sha256 ?? (await sha256Of(zip));
  const key = o.idempotencyKey ?? renderIdempotencyKey(sha256, body);
  let upload = await uploadProject(client, zip, { ...o, sha256 });
  try {
    return { created: await client.createRender({ ...body, project: upload.project }, { signal: o.signal, idempotencyKey: key }), upload };
  } catch (e) {
    if (!(e instanceof CloudError && e.status === 413 && upload.method === "base64" && !o.method)) throw e;
    o.onStep?.("the service refused the inline project as too large; uploading it as an asset");
    upload = await uploadProject(client, zip, { ...o, sha256, inlineMaxBytes: 0 });
    // the key of the refused inline request has that 413 stored against it: the asset request gets its own
    return { created: await client.createRender({ ...body, project: upload.project }, { signal: o.signal, idempotencyKey: `${key}-asset`.slice(0, 255) }), upload };
  }
}
