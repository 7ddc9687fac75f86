/** The player's state in the page URL (`?comp=&t=&v=`), so a link reopens the same frame and variables. */

export interface UrlState {
  comp?: string;
  time: number;
  vars: Record<string, unknown>;
}

export function readUrlState(): UrlState {
  const q = new URLSearchParams(location.search);
  let vars: Record<string, unknown> = {};
  const raw = q.get("v");
  if (raw) {
    try {
      const v = JSON.parse(raw);
      if (v && typeof v === "object" && !Array.isArray(v)) vars = v;
    } catch {
      // ignore a mangled link
    }
  }
  const t = Number(q.get("t"));
  return { comp: q.get("comp") ?? undefined, time: Number.isFinite(t) && t > 0 ? t : 0, vars };
}

let last = "";
export function writeUrlState(s: UrlState): void {
  const q = new URLSearchParams();
  if (s.comp) q.set("comp", s.comp);
  if (s.time > 0) q.set("t", String(Math.round(s.time * 1000) / 1000));
  if (Object.keys(s.vars).length) q.set("v", JSON.stringify(s.vars));
  const search = q.toString();
  if (search === last) return;
  last = search;
  history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
}
