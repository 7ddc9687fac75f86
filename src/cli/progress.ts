/**
 * Progress of one render on the command line, stage by stage (load, decode, audio, capture, encode, verify):
 * one line redrawn in place on a terminal, a line per stage (and per 10% of the capture) otherwise, JSON
 * events with --json, nothing with --quiet. Light on purpose: no render code is loaded with it.
 */
import type { RenderProgress, RenderStage } from "../render/render.js";
import { createOutput } from "./output.js";
import { fmtSeconds, progressDetail, stagePercent } from "../render/progress-text.js";

export { fmtSeconds };

const BAR_WIDTH = 30;
const bar = (f: number) => {
  const n = Math.round(Math.min(1, Math.max(0, f)) * BAR_WIDTH);
  return "\u2588".repeat(n) + "\u2591".repeat(BAR_WIDTH - n);
};
/** The text of one progress line (without the prefix label): the stage, a bar, how far, what it is doing. */
export function progressLine(p: RenderProgress): string {
  return `${p.stage.padEnd(7)} [${bar(p.stageProgress)}] ${String(stagePercent(p)).padStart(3)}% | ${progressDetail(p)}`;
}

export interface ProgressReporter {
  /** show the first stage before the render reports anything (the browser is starting) */
  start(): void;
  onProgress(p: RenderProgress): void;
  /** a line of text (a warning) above the progress line */
  log(line: string): void;
  /** clear the terminal line */
  stop(): void;
}

/** Progress reporting: a redrawn line on a TTY, JSON events with --json, sparse lines otherwise, nothing with --quiet. */
export function progressReporter(json: boolean, label = "render", quiet = false, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const out = createOutput(json);
  const tty = !json && !quiet && !!stream.isTTY;
  let drawn = false;
  let lastText = "";
  let lastDraw = 0;
  let lastStage: RenderStage | undefined;
  let lastJson = 0;
  let lastPct = -1;
  const started = Date.now();
  let spinner: NodeJS.Timeout | undefined;
  const draw = (text: string) => {
    const cols = stream.columns || 100;
    lastText = text;
    stream.write(`\r\x1b[2K${`${label} ${text}`.slice(0, cols - 1)}`);
    drawn = true;
    lastDraw = Date.now();
  };
  const clear = () => {
    if (drawn) stream.write("\r\x1b[2K");
    drawn = false;
  };
  const stop = () => {
    if (spinner) clearInterval(spinner);
    spinner = undefined;
    clear();
  };
  return {
    start() {
      if (!tty) return;
      // until the first report: the load stage with its elapsed time
      const tick = () => draw(`${"load".padEnd(7)} [${bar(0)}]   0% | starting the browser | ${fmtSeconds((Date.now() - started) / 1000)}`);
      tick();
      spinner = setInterval(tick, 250);
      spinner.unref();
    },
    onProgress(p: RenderProgress) {
      if (spinner) {
        clearInterval(spinner);
        spinner = undefined;
      }
      const stageChanged = p.stage !== lastStage;
      lastStage = p.stage;
      if (json) {
        const now = Date.now();
        // every stage change and stage end; within a stage at most 4 events a second
        if (stageChanged || now - lastJson > 250 || p.stageProgress >= 1 || p.stage === "done") {
          lastJson = now;
          out.event({
            type: "progress",
            ...p,
            stageProgress: Number(p.stageProgress.toFixed(3)),
            fps: Number(p.fps.toFixed(2)),
            etaSeconds: Number(p.etaSeconds.toFixed(1)),
          });
        }
        return;
      }
      if (quiet) return;
      if (p.stage === "done") return stop();
      if (tty) {
        if (stageChanged || Date.now() - lastDraw >= 100 || p.stageProgress >= 1) draw(progressLine(p));
        return;
      }
      // not a terminal: a line when a stage starts, and every 10% of the capture
      if (p.stage === "capture") {
        const pct = Math.floor(p.stageProgress * 10) * 10;
        if (pct !== lastPct) {
          lastPct = pct;
          stream.write(`${label}: capture ${p.frame}/${p.total} frames (${pct}%) ${p.fps.toFixed(1)} fps${p.etaSeconds > 0 ? `, ETA ${fmtSeconds(p.etaSeconds)}` : ""}\n`);
        }
      } else if (stageChanged) {
        const detail = p.stage === "encode" ? `finishing the encode (${p.encoded}/${p.total} frames encoded${p.etaSeconds > 0 ? `, ETA ${fmtSeconds(p.etaSeconds)}` : ""})` : (p.message ?? "");
        stream.write(`${label}: ${p.stage}${detail ? ` ${detail}` : ""}\n`);
      }
    },
    log(line: string) {
      const redraw = drawn;
      clear();
      stream.write(line.endsWith("\n") ? line : `${line}\n`);
      if (redraw) draw(lastText);
    },
    stop,
  };
}
