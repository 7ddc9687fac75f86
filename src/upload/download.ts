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
