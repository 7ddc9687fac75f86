/**
 * The preview's Snapshot button: the frame on screen saved as a PNG at the composition's full resolution,
 * made by the render pipeline (render/snapshot.ts: the render's page build, runtime, fonts, media and seek),
 * not a screenshot of the player. The still lands in renders/ as `<entry>-frame-0024-<stamp>.png`, where the
 * render history lists it. One at a time.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { snapshot } from "../render/snapshot.js";
import { RENDERS_DIR } from "./render-history.js";

export interface SnapshotRequest {
  composition: string;
  variables?: Record<string, unknown>;
  /** the composition frame (0-based) */
  frame: number;
}

export interface SnapshotSaved {
  /** project-relative path and the URL the preview serves it at */
  file: string;
  url: string;
  frame: number;
  width: number;
  height: number;
  elapsedMs: number;
}

export class Snapshots {
  private busy = false;
  private seq = 0;

  /** `allowNetwork`: the preview runs with --allow-network, so its stills may reach the network as its renders do */
  constructor(
    private readonly project: string,
    private readonly opts: { allowNetwork?: boolean } = {},
  ) {}

  async take(req: SnapshotRequest): Promise<SnapshotSaved> {
    if (!Number.isInteger(req.frame) || req.frame < 0) throw new UsageError("preview_bad_snapshot", `frame ${JSON.stringify(req.frame)} is not a frame number`, { hint: "send the 0-based frame to save" });
    if (this.busy) throw new UsageError("snapshot_busy", "a snapshot is already being made", { hint: "wait for it to finish" });
    this.busy = true;
    const renders = path.join(this.project, RENDERS_DIR);
    // a hidden work folder in renders/: the watcher ignores renders/, the history hidden names
    const work = path.join(renders, `.hf-snapshot-${process.pid}-${++this.seq}`);
    try {
      mkdirSync(work, { recursive: true });
      const r = await snapshot({ project: this.project, composition: req.composition, frames: [req.frame], variables: req.variables, outputDir: work, allowNetwork: this.opts.allowNetwork });
      const stem = path.basename(req.composition, path.extname(req.composition));
      const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
      const name = `${stem}-frame-${String(req.frame).padStart(4, "0")}-${stamp}.png`;
      renameSync(r.files[0]!.path, path.join(renders, name));
      return { file: `${RENDERS_DIR}/${name}`, url: `/${RENDERS_DIR}/${encodeURIComponent(name)}`, frame: req.frame, width: r.width, height: r.height, elapsedMs: r.elapsedMs };
    } finally {
      rmSync(work, { recursive: true, force: true });
      this.busy = false;
    }
  }
}
