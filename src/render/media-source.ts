/** Maps a media URL seen by the page back to a local file in the project (or reports it as remote). */
import path from "node:path";
import { safeResolve } from "./server.js";

export function localFileForUrl(url: string | null, serverUrl: string, projectReal: string): string | undefined {
  if (!url) return undefined;
  if (!url.startsWith(serverUrl + "/")) return undefined;
  return safeResolve(projectReal, url.slice(serverUrl.length));
}

export function describeMedia(m: { id: string | null; tag: string; src: string | null }): string {
  return `<${m.tag}${m.id ? ` id="${m.id}"` : ""}${m.src ? ` src="${path.basename(m.src)}"` : ""}>`;
}
