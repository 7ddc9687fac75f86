// Preview transport: window.__player (play, pause, seek, rate, loop) on the real clock, and the parent's control messages.
import { cfg, realNow, realRaf, state, W } from "./state.js";
import { postToParent } from "./bridge.js";
import { seek, seekSync } from "./seek.js";
import { syncMedia } from "./media.js";

let playFrom = 0;
let playWall = 0;
let rafHandle = 0;
function tick(): void {
  if (!state.playing) return;
  let t = playFrom + ((realNow() - playWall) / 1000) * state.rate;
  if (t >= state.duration) {
    if (player.loop) {
      playFrom = 0;
      playWall = realNow();
      t = 0;
    } else {
      t = Math.max(0, state.duration - 1 / cfg.fps);
      state.playing = false;
    }
  }
  seekSync(t, []);
  postToParent({ type: "state", time: state.time, frame: Math.round(state.time * cfg.fps), isPlaying: state.playing });
  if (state.playing) rafHandle = realRaf(tick);
  else syncMedia(state.time);
}
const player = {
  loop: false,
  play() {
    if (state.playing) return;
    if (state.time >= state.duration - 1 / cfg.fps) state.time = 0;
    state.playing = true;
    playFrom = state.time;
    playWall = realNow();
    rafHandle = realRaf(tick);
  },
  pause() {
    state.playing = false;
    cancelAnimationFrame(rafHandle);
    syncMedia(state.time);
    postToParent({ type: "state", time: state.time, frame: Math.round(state.time * cfg.fps), isPlaying: false });
  },
  seek(t: number) {
    if (state.playing) {
      playFrom = t;
      playWall = realNow();
    }
    return seek(t);
  },
  renderSeek: (t: number) => seek(t),
  getTime: () => state.time,
  getDuration: () => state.duration,
  isPlaying: () => state.playing,
  setPlaybackRate(r: number) {
    if (state.playing) {
      playFrom = state.time;
      playWall = realNow();
    }
    state.rate = r;
  },
  getPlaybackRate: () => state.rate,
  setLoop(l: boolean) {
    player.loop = l;
  },
};

export function installPlayer(): void {
  W.__player = player;

  window.addEventListener("message", (e) => {
    const d = e.data;
    if (!d || d.source !== "hf-parent" || d.type !== "control") return;
    if (d.action === "play") player.play();
    else if (d.action === "pause") player.pause();
    else if (d.action === "seek") void player.seek(typeof d.timeSeconds === "number" ? d.timeSeconds : (d.frame ?? 0) / (d.fps ?? cfg.fps));
    else if (d.action === "set-playback-rate") player.setPlaybackRate(Number(d.rate) || 1);
  });
}
