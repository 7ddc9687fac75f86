/**
 * The player's controls: the transport buttons, the picker and variables buttons, and the keyboard
 * (Space/K play-pause, ←/→ a frame, Shift+←/→ a second, Home/End, L loop), bound to the app's transport.
 */
import { $ } from "./dom.js";

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
