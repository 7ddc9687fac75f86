/**
 * Media rules: scripted control of <video>/<audio> (imperative_media_control), media without an id or src
 * (media_missing_id, media_missing_src), unmuted or nested timed video (video_missing_muted,
 * video_nested_in_timed_element), and overlapping audio on one track (audio_track_overlap).
 */
import type { LintFinding } from "../types.js";
import type { ScriptInfo, VNode } from "../model.js";
import { describeElement, hasAttr } from "../html.js";
import { assignmentCount, bindingCount, IDENT, LOOKUP, lookupVariables, resolveLookup, scriptElements, stringLiteral, type Lookup } from "./js-scan.js";
import { isMediaNode, nodeFinding, scriptFindingAt, type LintRule } from "./rule.js";

const timed = (n: VNode): boolean => hasAttr(n.el, "data-start");

export const imperativeMediaControl: LintRule = {
  name: "imperative-media-control",
  codes: { imperative_media_control: "error" },
  check: ({ a, inline }) => inline.flatMap(({ s, code }) => mediaControlFindings(s, code, scriptElements(a, s.file))),
};

export const mediaAttributes: LintRule = {
  name: "media-attributes",
  codes: { media_missing_id: "error", media_missing_src: "warning" },
  check: ({ a }) => {
    const out: LintFinding[] = [];
    for (const n of a.nodes) {
      const tag = n.el.name;
      if (tag !== "video" && tag !== "audio") continue;
      if (!n.attr("id"))
        out.push(
          nodeFinding(
            n,
            "media_missing_id",
            "error",
            `<${tag}> has no id; ${tag === "audio" ? "its audio would not be mixed" : "its frames would not be injected (the video would freeze)"}`,
            `give it a unique id, e.g. <${tag} id="${tag}-1" ...>`,
          ),
        );
      if (timed(n) && n.attr("src") === undefined)
        out.push(
          nodeFinding(
            n,
            "media_missing_src",
            "warning",
            `timed <${tag}> has no src attribute${n.el.children.some((c) => (c as { name?: string }).name === "source") ? " (<source> children are not extracted or mixed)" : ""}`,
            `put the file on the element itself: <${tag} src="assets/file">`,
          ),
        );
    }
    return out;
  },
};

export const timedVideo: LintRule = {
  name: "timed-video",
  codes: { video_missing_muted: "warning", video_nested_in_timed_element: "error" },
  check: ({ a }) => {
    const out: LintFinding[] = [];
    for (const n of a.nodes) {
      if (n.el.name !== "video" || !timed(n)) continue;
      if (!hasAttr(n.el, "muted"))
        out.push(
          nodeFinding(
            n,
            "video_missing_muted",
            "warning",
            "timed <video> is not muted",
            "add muted (and playsinline); put its sound on a separate <audio> element with the same src",
          ),
        );
      for (let p = n.parent; p && !p.isComposition; p = p.parent) {
        if (timed(p)) {
          out.push(
            nodeFinding(
              n,
              "video_nested_in_timed_element",
              "error",
              `timed <video> is inside another timed element ${describeElement(p.el)}`,
              "move the video out of the timed element (wrap it in an untimed element instead), or remove data-start from one of them",
            ),
          );
          break;
        }
      }
    }
    return out;
  },
};

export const audioTrackOverlap: LintRule = {
  name: "audio-track-overlap",
  codes: { audio_track_overlap: "warning" },
  check: ({ a }) => {
    const out: LintFinding[] = [];
    const audioByTrack = new Map<string, { n: VNode; start: number; end: number }[]>();
    for (const n of a.nodes) {
      if (n.el.name !== "audio" || !timed(n) || n.isRoot) continue;
      const s = a.resolver?.start(n);
      const d = a.resolver?.duration(n);
      if (s == null || d == null) continue;
      const comp = compOf(n);
      const track = n.attr("data-track-index") ?? n.attr("data-layer") ?? "0";
      const key = `${comp}\0${track}`;
      const list = audioByTrack.get(key) ?? [];
      for (const o of list)
        if (s < o.end - 1e-9 && o.start < s + d - 1e-9)
          out.push(
            nodeFinding(
              n,
              "audio_track_overlap",
              "warning",
              `<audio> [${fmt(s)}s, ${fmt(s + d)}s) overlaps ${describeElement(o.n.el)} [${fmt(o.start)}s, ${fmt(o.end)}s) on track ${track}`,
              "put overlapping audio on different data-track-index lanes",
            ),
          );
      list.push({ n, start: s, end: s + d });
      audioByTrack.set(key, list);
    }
    return out;
  },
};

export const MEDIA_RULES: LintRule[] = [imperativeMediaControl, mediaAttributes, timedVideo, audioTrackOverlap];

function compOf(n: VNode): string {
  for (let p = n.parent; p; p = p.parent) if (p.isComposition) return p.attr("data-composition-id") ?? "";
  return "";
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/**
 * imperative_media_control: `.play()`, `.pause()` or a `.currentTime` assignment on a receiver that is clearly
 * a <video>/<audio> of the script's file: an inline `document.getElementById/querySelector(...)` lookup, a
 * variable only ever assigned such a lookup, an indexed media collection, or the loop variable of a
 * `forEach`/`for…of` over one. Other receivers (GSAP timelines, Web Animations, custom objects) are never flagged.
 */
function mediaControlFindings(s: ScriptInfo, code: string, scope: VNode[]): LintFinding[] {
  const out: LintFinding[] = [];
  if (!scope.some(isMediaNode) || !/\b(play|pause|currentTime)\b/.test(code)) return out;
  const isMediaLookup = (l: Lookup | undefined): l is Lookup => !!l && l.nodes.length > 0 && l.nodes.every(isMediaNode);
  const vars = lookupVariables(code, scope);
  const media = new Map<string, VNode>();
  const collections = new Map<string, VNode>();
  for (const [name, l] of vars) if (isMediaLookup(l)) (l.single ? media : collections).set(name, l.nodes[0]!);
  // loop variables over a media collection
  const collExpr = `(${LOOKUP}|${IDENT})`;
  const loopRes = [
    new RegExp(`(?<![\\w$.])${collExpr}\\s*\\.\\s*forEach\\s*\\(\\s*(?:function\\s*${IDENT}?\\s*)?\\(?\\s*(${IDENT})`, "g"),
    new RegExp(`\\bfor\\s*\\(\\s*(?:const|let|var)\\s+(${IDENT})\\s+of\\s+(?:Array\\s*\\.\\s*from\\s*\\(\\s*)?${collExpr}`, "g"),
  ];
  const loops = new Map<string, { first: VNode; count: number }>();
  const tainted = new Set<string>();
  for (const [k, re] of loopRes.entries()) {
    for (let m = re.exec(code); m; m = re.exec(code)) {
      const [expr, fn, alt, arg, param] = k === 0 ? [m[1]!, m[2], m[3], m[4], m[5]!] : [m[2]!, m[3], m[4], m[5], m[1]!];
      const l = fn || alt ? resolveLookup(scope, (fn ?? alt)!, stringLiteral(arg!) ?? "") : undefined;
      const first = collections.get(expr) ?? (isMediaLookup(l) && !l.single ? l.nodes[0] : undefined);
      if (!first) tainted.add(param);
      else loops.set(param, { first, count: (loops.get(param)?.count ?? 0) + 1 });
    }
  }
  // a loop variable counts only when every binding of that name is a loop over media and it is never reassigned
  for (const [param, { first, count }] of loops)
    if (!tainted.has(param) && !vars.has(param) && assignmentCount(code, param) === 0 && bindingCount(code, param) === count) media.set(param, first);
  const receiver = (before: string): VNode | undefined => {
    const lm = new RegExp(`${LOOKUP}\\s*(?:\\[\\s*\\d+\\s*\\]\\s*)?$`).exec(before);
    if (lm) {
      const l = resolveLookup(scope, lm[1] ?? lm[2]!, stringLiteral(lm[3]!) ?? "");
      const indexed = /\]\s*$/.test(lm[0]);
      return isMediaLookup(l) && l.single !== indexed ? l.nodes[0] : undefined;
    }
    const im = new RegExp(`(?<![\\w$.])(${IDENT})\\s*(\\[\\s*\\d+\\s*\\])?\\s*$`).exec(before);
    if (!im) return undefined;
    return im[2] ? collections.get(im[1]!) : media.get(im[1]!);
  };
  const useRe = /(\?\.|\.)\s*(?:(play|pause)\s*(?:\?\.\s*)?\(|(currentTime)\s*(?:[-+*/]?=)(?![=>]))/g;
  for (let m = useRe.exec(code); m; m = useRe.exec(code)) {
    const n = receiver(code.slice(Math.max(0, m.index - 300), m.index));
    if (!n) continue;
    const what = m[2] ? `.${m[2]}()` : "a .currentTime assignment";
    out.push(
      scriptFindingAt(s, code, m.index, {
        code: "imperative_media_control",
        severity: "error",
        message: `inline script controls ${describeElement(n.el)} with ${what}; the runtime plays, pauses and seeks media itself (and the renderer extracts video frames and mixes audio from the element's attributes), so scripted control is ignored at render and fights the preview`,
        hint: "remove it and express timing declaratively: data-start/data-duration for the window, data-media-start for the source offset, data-playback-rate for speed",
      }),
    );
  }
  return out;
}
