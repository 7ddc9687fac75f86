/** Small file helpers for the cloud commands. */
import { CloudError } from "../errors.js";
import path from "node:path";

/** Write a file atomically (fs-atomic.ts). */
export { writeFileAtomic } from "../fs-atomic.js";

/** A file-name-safe slug: letters, digits, `_`, `-` and inner dots only (never `..`, a leading dot or a separator). */
export function slug(s: string, max = 60): string {
  return (
    String(s)
      .normalize("NFKD")
      .replace(/[^\w.-]+/g, "-")
      .replace(/\.{2,}/g, ".")
      .replace(/^[.-]+|[.-]+$/g, "")
      .slice(0, max) || "render"
  );
}

/** The output formats a video download may be named with. */
export const VIDEO_FORMATS = ["mp4", "webm", "mov"] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

/**
 * The extension for a downloaded video: always one of our own VIDEO_FORMATS constants, never a string from
 * the server. A server `format` that is not in the allowlist is an error (it could be `mp4/../../x`).
 * Preference: the format asked for locally, else the server's (allowlisted) one, else the video URL's
 * (allowlisted) extension, else mp4.
 */
export function videoExtension(r: { render_id?: unknown; format?: unknown; video_url?: unknown }, local?: unknown): VideoFormat {
  const pick = (v: unknown) => VIDEO_FORMATS.find((f) => f === v);
  if (r.format !== undefined && r.format !== null && !pick(r.format))
    throw new CloudError(
      "unsafe_server_value",
      `the API says render ${slug(String(r.render_id ?? "?"))} has format ${JSON.stringify(String(r.format).slice(0, 80))}, which is not one of ${VIDEO_FORMATS.join(", ")}; not using it to name a file`,
      { hint: "check --api-base / HEYGEN_API_BASE_URL points at HeyGen's API; if it does, report this answer to HeyGen" },
    );
  const fromUrl = typeof r.video_url === "string" ? /\.(mp4|webm|mov)(?:\?|#|$)/i.exec(r.video_url.replace(/[?#].*$/, ""))?.[1]?.toLowerCase() : undefined;
  return pick(local) ?? pick(r.format) ?? pick(fromUrl) ?? "mp4";
}

/** `dir/name`, refusing any name that would land outside `dir` (defence in depth after slug/videoExtension). */
export function fileInside(dir: string, name: string): string {
  const d = path.resolve(dir);
  const f = path.resolve(d, name);
  if (path.dirname(f) !== d || name.includes("/") || name.includes("\\"))
    throw new CloudError("unsafe_server_value", `refusing to write ${JSON.stringify(name.slice(0, 80))}: it is not a plain file name inside ${d}`, { hint: "report this; file names are built from sanitised values only" });
  return f;
}
