/**
 * The media attributes of the contract, read the same way by the model (compose/model/build.ts, for lint,
 * info and the renderer's plan) and the in-page runtime (compose/runtime/media.ts, for playback and the mix):
 * where the media starts playing, its rate, its volume and whether it has audio to mix. Each side parses the
 * attribute text its own way (the model from source, the runtime from the live element); the rules take
 * parsed numbers. Import-free: the runtime bundles it.
 */

/** How a media element plays, read by these rules: the fields the model's MediaInfo and the runtime's RuntimeMedia share. */
export interface MediaPlayback {
  /** seconds into the source where playback starts (mediaStartFrom) */
  mediaStart: number;
  /** playbackRateFrom */
  playbackRate: number;
  /** volumeFrom: 0 to MAX_VOLUME */
  volume: number;
  muted: boolean;
  loop: boolean;
  /** hasAudioFrom */
  hasAudio: boolean;
}

/** The loudest `data-volume` (+12 dB); louder values are clamped. */
export const MAX_VOLUME = 3.981;
export const MIN_PLAYBACK_RATE = 0.1;
export const MAX_PLAYBACK_RATE = 5;

/** `data-playback-start` (or the older `data-media-start`), seconds into the source: negative or unset is 0. */
export function mediaStartFrom(seconds: number | null): number {
  return seconds !== null && seconds > 0 ? seconds : 0;
}

/** `data-playback-rate`: unset, zero or negative is 1; otherwise clamped to 0.1-5. */
export function playbackRateFrom(rate: number | null): number {
  return rate === null || !(rate > 0) ? 1 : Math.min(MAX_PLAYBACK_RATE, Math.max(MIN_PLAYBACK_RATE, rate));
}

/** `data-volume`: unset is 1; otherwise clamped to 0-MAX_VOLUME. */
export function volumeFrom(volume: number | null): number {
  return volume === null ? 1 : Math.min(MAX_VOLUME, Math.max(0, volume));
}

/**
 * Whether a media element has audio to mix: `data-has-audio="true"` (any case) says yes and any other value
 * no; without it an `<audio>` has audio, and a `<video>` has unless it is muted. Images never do.
 */
export function hasAudioFrom(tag: string, dataHasAudio: string | null | undefined, muted: boolean): boolean {
  const t = tag.toLowerCase();
  if (t === "img") return false;
  if (dataHasAudio !== null && dataHasAudio !== undefined) return dataHasAudio.trim().toLowerCase() === "true";
  return t === "audio" ? true : !muted;
}
