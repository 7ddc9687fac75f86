/**
 * How a render's progress reads, for people: the stage, how far it is, and what it is doing (frames
 * captured, frames encoded and the encoder's tail, the ETA). One wording for the command line's progress line
 * and the preview's render panel. Import-free on purpose: the preview's player (browser code) bundles it.
 */

/** A render's progress as people read it (RenderProgress in render-types.ts adds the coarse phase). */
export interface ProgressView {
  /** the stage running now: load, decode, audio, capture, encode, verify, done (render-types.ts says what each is) */
  stage: "load" | "decode" | "audio" | "capture" | "encode" | "verify" | "done";
  /** how far the current stage is, 0 to 1 */
  stageProgress: number;
  /** frames captured so far (of `total`) */
  frame: number;
  /** frames to render */
  total: number;
  /** frames the encoder has finished (of `total`) */
  encoded: number;
  /** capture speed, frames per second (during the encode stage: the encoder's) */
  fps: number;
  /** seconds until the render is done, the encoder's tail included (0 while unknown) */
  etaSeconds: number;
  elapsedMs: number;
  message?: string;
}

/** 4.2s, 42s, 4m02s; "--" when unknown. */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "--";
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/** The stage's percentage, 0-100, floored (100 only once the stage is over). */
export function stagePercent(p: Pick<ProgressView, "stageProgress">): number {
  return Math.floor(Math.min(1, Math.max(0, p.stageProgress)) * 100);
}

/** What the stage is doing: frames and speed while capturing, the encoder's frames and tail, else its message. */
export function progressDetail(p: ProgressView): string {
  const eta = p.etaSeconds > 0 ? ` | ETA ${fmtSeconds(p.etaSeconds)}` : "";
  const elapsed = ` | ${fmtSeconds(p.elapsedMs / 1000)}`;
  if (p.stage === "capture") return `${p.frame}/${p.total} frames | ${p.fps.toFixed(1)} fps${eta}`;
  if (p.stage === "encode")
    return p.encoded >= p.total
      ? `${p.encoded}/${p.total} frames encoded | writing the file${elapsed}`
      : `${p.encoded}/${p.total} frames encoded${p.fps > 0 ? ` | ${p.fps.toFixed(1)} fps` : ""}${eta}`;
  return `${p.message ?? ""}${elapsed}`;
}
