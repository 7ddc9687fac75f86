/**
 * The player's controls: the transport buttons, the go-to box, and the keyboard (Space play/pause, J/K/L
 * shuttle, ←/→ a frame, Shift+←/→ ten frames, Home/End, R loop), bound to the app's transport.
 */
import { $, h, formatTime } from "./dom.js";
import { frameCount } from "../../compose/timing.js";

const PLAY_ICON = '<svg viewBox="0 0 16 16"><path d="M4 2l10 6-10 6z"/></svg>';
const PAUSE_ICON = '<svg viewBox="0 0 16 16"><path d="M3 2h4v12H3zM9 2h4v12H9z"/></svg>';

export interface Transport {
  readonly playing: boolean;
  readonly loop: boolean;
  readonly fps: number;
  readonly duration: number;
  toggle(): void;
  shuttle(dir: 1 | -1): void;
  step(frames: number): void;
  seek(t: number, final?: boolean): void;
  pause(): void;
  setLoop(on: boolean): void;
  setRate(r: number): void;
  lastFrameTime(): number;
}

/** Seconds as `1.50 s` (from a minute on, `01:02.50`). */
export function formatSeconds(t: number): string {
  return t < 60 ? `${(Number.isFinite(t) && t > 0 ? t : 0).toFixed(2)} s` : formatTime(t);
}

/**
 * What the go-to box accepts: a frame number (`48`, `f48`) or a time (`1.5`, `1.5s`, `0:01.5`); the time in
 * seconds, or undefined when it is neither.
 */
export function parseJump(text: string, fps: number): number | undefined {
  const s = text.trim().toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^f?\s*(\d+)$/.exec(s))) return Number(m[1]) / fps;
  if ((m = /^(\d*\.?\d+)\s*s?$/.exec(s))) return Number(m[1]);
  if ((m = /^(\d+):(\d{1,2}(?:\.\d+)?)$/.exec(s))) return Number(m[1]) * 60 + Number(m[2]);
  return undefined;
}

/** The transport's readout: time / duration in seconds, the frame and how many there are, the play/pause icon, the shuttle. */
export function showTransport(t: { readonly time: number; readonly duration: number; readonly fps: number; readonly playing: boolean; readonly shuttleSpeed: number }): void {
  $("time").innerHTML = "";
  $("time").append(formatSeconds(t.time), " ", h("span", { class: "dur" }, `/ ${formatSeconds(t.duration)}`));
  const sp = t.shuttleSpeed;
  $("shuttle").textContent = sp ? `${sp < 0 ? "◀◀" : "▶▶"} ${Math.abs(sp)}×` : "";
  // frames are numbered from 0; the count says how many there are (the last is n - 1)
  $("frameno").textContent = `frame ${Math.round(t.time * t.fps)} · ${frameCount(t.duration, t.fps)} frames`;
  $("btn-play").innerHTML = t.playing ? PAUSE_ICON : PLAY_ICON;
}

/** Jump to the last frame (pausing first). */
function toEnd(t: Transport): void {
  if (t.playing) t.pause();
  t.seek(t.lastFrameTime());
}

export function bindTransport(t: Transport): void {
  $("btn-play").addEventListener("click", () => t.toggle());
  $("btn-prev").addEventListener("click", () => t.step(-1));
  $("btn-next").addEventListener("click", () => t.step(1));
  $("btn-start").addEventListener("click", () => t.seek(0));
  $("btn-end").addEventListener("click", () => toEnd(t));
  $("btn-loop").addEventListener("click", () => t.setLoop(!t.loop));
  $<HTMLSelectElement>("rate").addEventListener("change", (ev) => t.setRate(Number((ev.target as HTMLSelectElement).value) || 1));
  const jump = $<HTMLInputElement>("jump");
  jump.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") return jump.blur();
    if (ev.key !== "Enter") return;
    const at = parseJump(jump.value, t.fps);
    jump.classList.toggle("bad", at === undefined);
    if (at === undefined) return;
    if (t.playing) t.pause();
    t.seek(at);
    jump.value = "";
  });
  jump.addEventListener("input", () => jump.classList.remove("bad"));
  document.addEventListener("keydown", (ev) => onKey(t, ev));
}

export function onKey(t: Transport, ev: KeyboardEvent): void {
  const target = ev.target as HTMLElement | null;
  if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA" || target.isContentEditable)) return;
  if (ev.metaKey || ev.ctrlKey || ev.altKey) return;
  switch (ev.key) {
    case " ":
      t.toggle();
      break;
    case "k":
    case "K":
      if (t.playing) t.pause();
      break;
    case "j":
    case "J":
      t.shuttle(-1);
      break;
    case "l":
    case "L":
      t.shuttle(1);
      break;
    case "ArrowLeft":
      t.step(ev.shiftKey ? -10 : -1);
      break;
    case "ArrowRight":
      t.step(ev.shiftKey ? 10 : 1);
      break;
    case "Home":
      t.seek(0);
      break;
    case "End":
      toEnd(t);
      break;
    case "r":
    case "R":
      t.setLoop(!t.loop);
      break;
    default:
      return;
  }
  ev.preventDefault();
}
