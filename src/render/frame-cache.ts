/**
 * Decoded video frames shared across renders (batch renders of one composition decode each video once).
 * Keyed by `extractKey` (file, media start, rate, loop, window, fps); concurrent requests for the same key
 * share one FFmpeg run. The frames live in one temp folder removed by `dispose()`.
 */
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { makeTempDir, removeTempDir } from "./temp-files.js";
import { extractKey, extractVideoFrames, type VideoExtractRequest } from "./video-frames.js";

export interface ExtractedFrames {
  dir: string;
  count: number;
}

export class VideoFrameCache {
  private readonly root = makeTempDir("frames");
  private readonly entries = new Map<string, Promise<ExtractedFrames>>();
  private seq = 0;
  /** extractions run (cache misses) */
  misses = 0;
  /** requests answered from the cache */
  hits = 0;

  /**
   * The frames for `req`, extracted on first use. The key includes the file's size and mtime, so a video
   * replaced on disk between renders is decoded again. A failed or aborted extraction is not cached.
   */
  get(req: VideoExtractRequest, signal?: AbortSignal): Promise<ExtractedFrames> {
    let stamp = "";
    try {
      const st = statSync(req.file);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      /* extractVideoFrames reports the missing file */
    }
    const key = `${extractKey(req)}|${stamp}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const dir = path.join(this.root, `v${this.seq++}`);
    const p = extractVideoFrames(req, dir, signal).then((count) => ({ dir, count }));
    this.entries.set(key, p);
    p.catch(() => {
      this.entries.delete(key);
      rmSync(dir, { recursive: true, force: true });
    });
    return p;
  }

  dispose(): void {
    this.entries.clear();
    removeTempDir(this.root);
  }
}
