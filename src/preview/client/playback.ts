/**
 * The player's transport state over the composition page's `window.__player`: time, play/pause, frame
 * steps, loop, speed, and the J/K/L shuttle (L forward, J backward, again for 2× then 4×, K stops). The page
 * plays forward itself; backward, the player seeks it frame by frame on animation frames. The animation-
 * frame loop runs only while playing and for a moment after a change, so a paused preview costs no CPU.
 */
import { $ } from "./dom.js";
import { frameCount } from "../../compose/timing.js";
import type { CompositionWindow } from "./types.js";

/** How long the animation-frame loop keeps following the player after a load, seek, play or pause. */
const SETTLE_MS = 500;
const SHUTTLE_MAX = 4;

export abstract class Playback {
  time = 0;
  duration = 0;
  fps = 30;
  playing = false;
  loop = false;
  rate = 1;
  ready = false;
  /** J/K/L: signed speed while shuttling (-4 … 4), 0 otherwise */
  shuttleSpeed = 0;
  protected win: CompositionWindow | null = null;
  private looping = false;
  private settleUntil = 0;
  /** playing backward: from which time, since when (wall clock), how fast */
  private reverse: { from: number; wall: number; speed: number } | null = null;
  /** the speed chosen before a forward shuttle, restored when it stops */
  private baseRate = 1;

  /** draw the time (transport readout, timeline) */
  protected abstract render(): void;
  /** keep the time in the page URL */
  protected abstract writeUrl(): void;

  lastFrameTime(): number {
    const n = frameCount(this.duration, this.fps);
    return n > 0 ? (n - 1) / this.fps : 0;
  }

  seek(t: number, final = true): void {
    const f = Math.round(Math.max(0, Math.min(t, this.lastFrameTime())) * this.fps);
    this.time = f / this.fps;
    if (this.reverse) this.reverse = { ...this.reverse, from: this.time, wall: performance.now() };
    if (this.ready && this.win?.__player) void this.win.__player.seek(this.time);
    this.render();
    this.wake();
    if (final) this.writeUrl();
  }

  step(frames: number): void {
    if (this.playing) this.pause();
    const f = Math.round(this.time * this.fps) + frames;
    this.seek(f / this.fps);
  }

  play(): void {
    if (!this.ready || !this.win?.__player) return;
    this.reverse = null;
    if (this.time >= this.lastFrameTime() - 1e-6 && !this.loop) this.win.__player.seek(0);
    this.win.__player.play();
    this.playing = true;
    this.render();
    this.wake();
  }

  pause(): void {
    this.win?.__player?.pause();
    // backward, the page is where the last seek put it: that is this.time already
    const backward = !!this.reverse;
    this.reverse = null;
    this.playing = false;
    if (this.shuttleSpeed > 0) this.setRate(this.baseRate);
    this.shuttleSpeed = 0;
    if (this.win?.__player && !backward) this.time = this.win.__player.getTime();
    this.render();
    this.writeUrl();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setLoop(on: boolean): void {
    this.loop = on;
    this.win?.__player?.setLoop?.(on);
    $("btn-loop").classList.toggle("on", on);
  }

  setRate(r: number): void {
    this.rate = r;
    this.win?.__player?.setPlaybackRate(r);
    $<HTMLSelectElement>("rate").value = String(r);
  }

  /** J (dir -1) or L (dir 1): play that way at 1×; pressed again while going that way, twice as fast (up to 4×). */
  shuttle(dir: 1 | -1): void {
    if (!this.ready || !this.win?.__player) return;
    const same = this.playing && Math.sign(this.shuttleSpeed) === dir;
    const speed = same ? Math.min(SHUTTLE_MAX, Math.abs(this.shuttleSpeed) * 2) : 1;
    if (this.shuttleSpeed <= 0) this.baseRate = this.rate;
    if (dir > 0) {
      const backward = !!this.reverse;
      this.setRate(speed);
      if (!this.playing || backward) this.play();
    } else {
      if (this.playing && !this.reverse) {
        this.win.__player.pause();
        this.time = this.win.__player.getTime();
      }
      if (this.shuttleSpeed > 0) this.setRate(this.baseRate);
      // at the first frame there is nothing behind: start from the end when looping
      const from = this.time <= 0 && this.loop ? this.lastFrameTime() : this.time;
      this.reverse = { from, wall: performance.now(), speed };
      this.playing = true;
    }
    this.shuttleSpeed = dir * speed;
    this.render();
    this.wake();
  }

  /**
   * Follow the player on animation frames while it plays, and for a moment after anything that can change
   * its time (a load, a seek, play or pause); then stop, so a paused preview costs no CPU.
   */
  protected wake(): void {
    this.settleUntil = performance.now() + SETTLE_MS;
    if (this.looping) return;
    this.looping = true;
    requestAnimationFrame(() => this.tick());
  }

  private tick(): void {
    const p = this.ready ? this.win?.__player : undefined;
    if (p && this.reverse) this.tickBackward();
    else if (p) {
      const t = p.getTime();
      const playing = p.isPlaying();
      if (t !== this.time || playing !== this.playing) {
        const stopped = this.playing && !playing;
        this.time = t;
        this.playing = playing;
        if (stopped) this.shuttleSpeed = 0;
        this.render();
        if (stopped) this.writeUrl();
      }
    }
    if (this.playing || performance.now() < this.settleUntil) requestAnimationFrame(() => this.tick());
    else this.looping = false;
  }

  /** One animation frame of backward play: seek the page to the frame due now; stop (or wrap) at 0. */
  private tickBackward(): void {
    const r = this.reverse!;
    let t = r.from - ((performance.now() - r.wall) / 1000) * r.speed;
    if (t <= 0) {
      if (this.loop) {
        this.reverse = { ...r, from: this.lastFrameTime(), wall: performance.now() };
        t = this.lastFrameTime();
      } else {
        t = 0;
        this.reverse = null;
        this.playing = false;
        this.shuttleSpeed = 0;
      }
    }
    const f = Math.round(t * this.fps) / this.fps;
    if (f !== this.time || !this.reverse) {
      this.time = f;
      void this.win?.__player?.seek(f);
      this.render();
      if (!this.reverse) this.writeUrl();
    }
  }
}
