/**
 * The player's controls: the transport buttons, the picker and variables buttons, and the keyboard
 * (Space/K play-pause, ←/→ a frame, Shift+←/→ a second, Home/End, L loop), bound to the app's transport.
 */
import { $, h, formatTime } from "./dom.js";
import { frameCount } from "../../compose/timing.js";

const PLAY_ICON = '<svg viewBox="0 0 16 16"><path d="M4 2l10 6-10 6z"/></svg>';
const PAUSE_ICON = '<svg viewBox="0 0 16 16"><path d="M3 2h4v12H3zM9 2h4v12H9z"/></svg>';

export interface Transport {
  readonly playing: boolean;
  readonly loop: boolean;
  readonly fps: number;
  toggle(): void;
  step(frames: number): void;
  seek(t: number, final?: boolean): void;
  pause(): void;
  setLoop(on: boolean): void;
  setRate(r: number): void;
  lastFrameTime(): number;
}

/** The transport's readout: time / duration, the frame and how many there are, the play/pause icon. */
export function showTransport(t: { readonly time: number; readonly duration: number; readonly fps: number; readonly playing: boolean }): void {
  $("time").innerHTML = "";
  $("time").append(formatTime(t.time), " ", h("span", { class: "dur" }, `/ ${formatTime(t.duration)}`));
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
  document.addEventListener("keydown", (ev) => onKey(t, ev));
}

export function onKey(t: Transport, ev: KeyboardEvent): void {
  const target = ev.target as HTMLElement | null;
  if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA" || target.isContentEditable)) return;
  if (ev.metaKey || ev.ctrlKey || ev.altKey) return;
  switch (ev.key) {
    case " ":
    case "k":
      t.toggle();
      break;
    case "ArrowLeft":
      t.step(ev.shiftKey ? -Math.round(t.fps) : -1);
      break;
    case "ArrowRight":
      t.step(ev.shiftKey ? Math.round(t.fps) : 1);
      break;
    case "Home":
      t.seek(0);
      break;
    case "End":
      toEnd(t);
      break;
    case "l":
    case "L":
      t.setLoop(!t.loop);
      break;
    default:
      return;
  }
  ev.preventDefault();
}
