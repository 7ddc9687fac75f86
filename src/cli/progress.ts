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
  const line = terminalLine(stream, label);
  let lastStage: RenderStage | undefined;
  let lastJson = 0;
  let lastPct = -1;
  const started = Date.now();
  let spinner: NodeJS.Timeout | undefined;
  const stop = () => {
    if (spinner) clearInterval(spinner);
    spinner = undefined;
    line.clear();
  };
  return {
    start() {
      if (!tty) return;
      // until the first report: the load stage with its elapsed time
      const tick = () => line.draw(`${"load".padEnd(7)} [${bar(0)}]   0% | starting the browser | ${fmtSeconds((Date.now() - started) / 1000)}`);
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
          out.event(progressEvent(p));
        }
        return;
      }
      if (quiet) return;
      if (p.stage === "done") return stop();
      if (tty) {
        if (stageChanged || Date.now() - line.lastDraw >= 100 || p.stageProgress >= 1) line.draw(progressLine(p));
        return;
      }
      const plain = plainProgressLine(p, label, stageChanged, lastPct);
      lastPct = plain.pct;
      if (plain.text) stream.write(plain.text);
    },
    log(text: string) {
      const redraw = line.drawn;
      line.clear();
      stream.write(text.endsWith("\n") ? text : `${text}\n`);
      if (redraw) line.draw(line.lastText);
    },
    stop,
  };
}

/** The one progress line of a terminal, redrawn in place (cut to the terminal's width). */
function terminalLine(stream: NodeJS.WriteStream, label: string) {
  let drawn = false;
  let lastText = "";
  let lastDraw = 0;
  return {
    get drawn() {
      return drawn;
    },
    get lastText() {
      return lastText;
    },
    get lastDraw() {
      return lastDraw;
    },
    draw(text: string) {
      const cols = stream.columns || 100;
      lastText = text;
      stream.write(`\r\x1b[2K${`${label} ${text}`.slice(0, cols - 1)}`);
      drawn = true;
      lastDraw = Date.now();
    },
    clear() {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}

/** The --json progress event: the report with its numbers rounded. */
function progressEvent(p: RenderProgress): Record<string, unknown> {
  return {
    type: "progress",
    ...p,
    stageProgress: Number(p.stageProgress.toFixed(3)),
    fps: Number(p.fps.toFixed(2)),
    etaSeconds: Number(p.etaSeconds.toFixed(1)),
  };
}

/**
 * Not a terminal: a line when a stage starts, and every 10% of the capture. `lastPct` is the last 10% step
 * written; the answer carries the new one and the text to write, if any.
 */
function plainProgressLine(p: RenderProgress, label: string, stageChanged: boolean, lastPct: number): { text?: string; pct: number } {
  if (p.stage === "capture") {
    const pct = Math.floor(p.stageProgress * 10) * 10;
    if (pct === lastPct) return { pct };
    return { pct, text: `${label}: capture ${p.frame}/${p.total} frames (${pct}%) ${p.fps.toFixed(1)} fps${p.etaSeconds > 0 ? `, ETA ${fmtSeconds(p.etaSeconds)}` : ""}\n` };
  }
  if (!stageChanged) return { pct: lastPct };
  const detail = p.stage === "encode" ? `finishing the encode (${p.encoded}/${p.total} frames encoded${p.etaSeconds > 0 ? `, ETA ${fmtSeconds(p.etaSeconds)}` : ""})` : (p.message ?? "");
  return { pct: lastPct, text: `${label}: ${p.stage}${detail ? ` ${detail}` : ""}\n` };
}
