/**
 * Atomic downloads: bytes stream into a temp file next to the destination, which is renamed into place
 * only when the whole body arrived (and matched Content-Length). Any failure or abort removes the temp
 * file, so an interrupted download never leaves a partial file under the final name.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CloudError } from "../errors.js";
import type { RenderDetail } from "./types.js";
import { fileInside, slug, videoExtension } from "./fsutil.js";

export interface DownloadOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (received: number, total: number | undefined) => void;
  fetch?: typeof fetch;
}

export async function downloadFile(url: string, dest: string, o: DownloadOptions = {}): Promise<{ path: string; bytes: number }> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString("hex")}.part`);
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 30 * 60_000);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const safeUrl = url.replace(/\?.*$/, "");
  try {
    // Never send the API key to file hosts: this is a plain GET.
    const res = await (o.fetch ?? fetch)(url, { signal, redirect: "follow" });
    if (!res.ok || !res.body)
      throw new CloudError("download_failed", `downloading ${safeUrl} failed: HTTP ${res.status}`, { status: res.status, hint: "the URL may have expired; run `hyperframes cloud download <id>` to fetch a fresh one" });
    const total = Number(res.headers.get("content-length")) || undefined;
    let received = 0;
    const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
    body.on("data", (c: Buffer) => {
      received += c.length;
      o.onProgress?.(received, total);
    });
    await pipeline(body, createWriteStream(tmp), { signal });
    const size = (await stat(tmp)).size;
    if (total !== undefined && size !== total)
      throw new CloudError("download_incomplete", `downloading ${safeUrl} stopped at ${size} of ${total} bytes`, { hint: "retry the download" });
    await rename(tmp, dest);
    return { path: dest, bytes: size };
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof CloudError) throw e;
    if (o.signal?.aborted) throw o.signal.reason ?? e;
    throw new CloudError("download_failed", `downloading ${safeUrl} failed: ${(e as Error)?.message ?? String(e)}`, { hint: "retry the download", cause: e });
  }
}

/** What `downloadRenderFiles` wrote. */
export interface RenderFiles {
  video: string;
  bytes: number;
  thumbnail?: string;
}

/**
 * Download a completed render's video (and thumbnail) into `<dir>/renders/<title>-<id>.<ext>`, or `output`.
 * Named from local values only: the id asked for and the title, sanitised, and an allowlisted extension.
 */
export async function downloadRenderFiles(
  r: RenderDetail,
  dir: string,
  o: {
    id: string;
    output?: string;
    thumbnail?: boolean;
    title?: string;
    format?: unknown;
    signal?: AbortSignal;
    onEvent?: (e: { type: "downloading"; path: string } | { type: "warning"; message: string }) => void;
  },
): Promise<RenderFiles> {
  if (!r.video_url) throw new CloudError("no_video_url", `render ${o.id} is completed but has no video_url`, { hint: "retry `hyperframes cloud download` later" });
  const ext = videoExtension(r, o.format);
  const video = o.output ? path.resolve(o.output) : fileInside(path.join(dir, "renders"), `${slug(o.title ?? "render")}-${slug(o.id)}.${ext}`);
  o.onEvent?.({ type: "downloading", path: video });
  const v = await downloadFile(r.video_url, video, { signal: o.signal });
  let thumbnail: string | undefined;
  if (o.thumbnail) {
    if (!r.thumbnail_url) o.onEvent?.({ type: "warning", message: `render ${r.render_id} has no thumbnail_url` });
    else thumbnail = (await downloadFile(r.thumbnail_url, video.replace(/\.[^.]+$/, "") + ".jpg", { signal: o.signal })).path;
  }
  return { video: v.path, bytes: v.bytes, thumbnail };
}
