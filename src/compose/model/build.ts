/**
 * Model stage "build": turns the mounted, timed tree into CompositionModels — the entry's and, nested,
 * each mounted sub-composition's (clips, media, sub-compositions, variables, files).
 */
import type { ClipInfo, CompositionModel, MediaInfo, SubCompositionInfo } from "../types.js";
import { attr, childElements, findTag, hasAttr } from "../html.js";
import { classifyUrl, resolveLocalPath } from "../files.js";
import { parseTimingNumber, type StartResolver } from "../timing.js";
import { hasAudioFrom, mediaStartFrom, playbackRateFrom, volumeFrom } from "../media-rules.js";
import type { Ctx } from "./context.js";
import { isClip, type Mounted } from "./mount.js";
import { readSchema, type RootFacts } from "./root.js";
import type { FileReference, LoadedDoc, VNode } from "./types.js";

const MEDIA_TAGS = new Set(["video", "audio", "img"]);

/** What every composition's model is built from: the whole tree's timing and clip ids, the root's facts, each document's references. */
interface Build {
  ctx: Ctx;
  facts: RootFacts;
  resolver: StartResolver<VNode>;
  clipIds: Map<VNode, string>;
  refsByDoc: Map<LoadedDoc, FileReference[]>;
}

/** One composition to model: the entry, or a mounted sub-composition (`scope` = its host). */
interface Scope {
  entry: string;
  id: string;
  width: number;
  height: number;
  duration: number;
  noTimeline: boolean;
  variables: CompositionModel["variables"];
  scope: VNode;
  nodes: VNode[];
  docs: LoadedDoc[];
}

/** The entry composition's model, with every mounted sub-composition's model nested in it. */
export function buildModel(ctx: Ctx, facts: RootFacts, mounted: Mounted, refsByDoc: Map<LoadedDoc, FileReference[]>): CompositionModel {
  const { a, entryRel } = ctx;
  const { rootId, width, height, duration, noTimeline, variables } = facts;
  const { root, resolver } = mounted;
  const b: Build = { ctx, facts, resolver, clipIds: clipIdsOf(a.nodes), refsByDoc };
  return modelOf(b, { entry: entryRel, id: rootId, width, height, duration, noTimeline, variables, scope: root, nodes: a.nodes.slice(1), docs: a.docs });
}

/** The model of one composition. */
function modelOf(b: Build, o: Scope): CompositionModel {
  const { fps } = b.facts;
  return {
    dir: b.ctx.projectDir,
    entry: o.entry,
    id: o.id,
    width: o.width,
    height: o.height,
    duration: o.duration,
    ...(fps !== undefined ? { fps } : {}),
    noTimeline: o.noTimeline,
    variables: o.variables,
    clips: o.nodes.filter(isClip).map((n) => clipInfo(b, n)),
    media: o.nodes.filter((n) => MEDIA_TAGS.has(n.el.name)).map((n) => mediaInfo(b, n)),
    subCompositions: directHosts(o.scope).map((h) => subInfo(b, h)),
    ...filesOf(b.refsByDoc, o.docs, o.entry),
  };
}

/** Every clip's id: its own, else `<tag>.<first class>:nth(k)` counted over the whole tree. */
function clipIdsOf(nodes: VNode[]): Map<VNode, string> {
  const anonymousCount = new Map<string, number>();
  const clipIds = new Map<VNode, string>();
  for (const n of nodes) {
    if (!isClip(n)) continue;
    const id = n.attr("id");
    if (id) clipIds.set(n, id);
    else {
      const cls = (n.attr("class") ?? "").trim().split(/\s+/)[0];
      const base = `${n.el.name}${cls ? `.${cls}` : ""}`;
      const k = (anonymousCount.get(base) ?? 0) + 1;
      anonymousCount.set(base, k);
      clipIds.set(n, `${base}:nth(${k})`);
    }
  }
  return clipIds;
}

function clipInfo(b: Build, n: VNode): ClipInfo {
  const { resolver } = b;
  return {
    id: b.clipIds.get(n) ?? n.attr("id") ?? n.el.name,
    tag: n.el.name,
    kind: n.isComposition ? "composition" : n.el.name === "video" ? "video" : n.el.name === "audio" ? "audio" : n.el.name === "img" ? "img" : "scene",
    startAttr: n.attr("data-start") ?? "",
    start: resolver.start(n),
    duration: resolver.duration(n),
    track: trackOf(n),
    compositionId: compIdOf(n, b.facts.rootId),
    location: { file: n.doc.rel, line: n.line },
  };
}

function mediaInfo(b: Build, n: VNode): MediaInfo {
  const { resolver } = b;
  const tag = n.el.name as MediaInfo["tag"];
  let src = n.attr("src");
  if (src === undefined && tag !== "img") src = childElements(n.el).find((c) => c.name === "source" && attr(c, "src"))?.attribs.src;
  const cls = classifyUrl(src);
  const timed = hasAttr(n.el, "data-start");
  const mediaStart = parseTimingNumber(n.attr("data-playback-start") ?? n.attr("data-media-start"));
  const rate = parseTimingNumber(n.attr("data-playback-rate"));
  const vol = parseTimingNumber(n.attr("data-volume"));
  const muted = hasAttr(n.el, "muted");
  const hasAudioAttr = n.attr("data-has-audio");
  const m: MediaInfo = {
    tag,
    remote: cls.kind === "remote",
    start: timed ? resolver.start(n) : null,
    duration: timed ? resolver.duration(n) : null,
    mediaStart: mediaStartFrom(mediaStart),
    playbackRate: playbackRateFrom(rate),
    volume: volumeFrom(vol),
    muted,
    loop: hasAttr(n.el, "loop"),
    hasAudio: hasAudioFrom(tag, hasAudioAttr, muted),
    track: trackOf(n),
    location: { file: n.doc.rel, line: n.line },
  };
  const id = n.attr("id");
  if (id) m.id = id;
  if (src !== undefined) m.src = src;
  if (cls.kind === "local") m.localPath = resolveLocalPath(cls.path, b.ctx.ctxFor(n.doc));
  return m;
}

/** A host's entry in its parent's model, with the mounted composition's own model when it has a root. */
function subInfo(b: Build, host: VNode): SubCompositionInfo {
  const { resolver } = b;
  const m = host.mount!;
  const info: SubCompositionInfo = {
    id: host.attr("data-composition-id") ?? "",
    src: m.src,
    file: m.file ?? "",
    start: resolver.start(host),
    duration: resolver.duration(host),
    location: { file: host.doc.rel, line: host.line },
  };
  const inner = m.innerRoot;
  if (inner && m.doc) info.model = modelOf(b, subScope(b, host, inner, m.doc, info));
  return info;
}

/** The mounted composition of `host` (root `inner`, from `sd`): sizes fall back to the host's, then the entry root's. */
function subScope(b: Build, host: VNode, inner: VNode, sd: LoadedDoc, info: SubCompositionInfo): Scope {
  const { width, height } = b.facts;
  const nodes = descendants(host);
  const sHtml = sd.mode === "subcomposition" ? findTag(sd.html.doc, "html") : null;
  const subVars = readSchema(b.ctx, sd, [sHtml, inner.el]);
  const iw = parseTimingNumber(inner.attr("data-width") ?? host.attr("data-width"));
  const ih = parseTimingNumber(inner.attr("data-height") ?? host.attr("data-height"));
  const idur = parseTimingNumber(inner.attr("data-duration"));
  return {
    entry: host.mount!.file ?? sd.rel,
    id: inner.attr("data-composition-id") ?? info.id,
    width: iw != null && iw > 0 ? iw : width,
    height: ih != null && ih > 0 ? ih : height,
    duration: idur != null && idur > 0 ? idur : (info.duration ?? 0),
    noTimeline: hasAttr(inner.el, "data-no-timeline") || hasAttr(host.el, "data-no-timeline"),
    variables: subVars,
    scope: host,
    nodes,
    docs: mountedDocs([host, ...nodes]),
  };
}

/** The local files (`first`, then every existing in-project reference) and remote URLs of `docs`. */
function filesOf(refsByDoc: Map<LoadedDoc, FileReference[]>, docs: LoadedDoc[], first: string): { files: string[]; externalUrls: string[] } {
  const files: string[] = [first];
  const ext: string[] = [];
  for (const d of docs)
    for (const r of refsByDoc.get(d) ?? []) {
      if (r.remote) {
        if (!ext.includes(r.remote)) ext.push(r.remote);
      } else if (r.rel && r.exists && !files.includes(r.rel)) files.push(r.rel);
    }
  return { files, externalUrls: ext };
}

/** The documents mounted by the hosts among `nodes`, each once. */
function mountedDocs(nodes: VNode[]): LoadedDoc[] {
  const out: LoadedDoc[] = [];
  for (const n of nodes) if (n.isHost && n.mount?.doc && !out.includes(n.mount.doc)) out.push(n.mount.doc);
  return out;
}

function descendants(v: VNode): VNode[] {
  const out: VNode[] = [];
  const walk = (n: VNode): void => {
    for (const c of n.children) {
      out.push(c);
      walk(c);
    }
  };
  walk(v);
  return out;
}

/** The hosts below `scope` that are not inside another host. */
function directHosts(scope: VNode): VNode[] {
  const out: VNode[] = [];
  const walk = (n: VNode): void => {
    for (const c of n.children) {
      if (c.isHost) out.push(c);
      else walk(c);
    }
  };
  walk(scope);
  return out;
}

function compIdOf(n: VNode, rootId: string): string {
  for (let p = n.parent; p; p = p.parent) if (p.isComposition) return p.attr("data-composition-id") ?? "";
  return rootId;
}

function trackOf(n: VNode): number {
  const raw = n.attr("data-track-index") ?? n.attr("data-layer");
  const t = parseTimingNumber(raw);
  return t != null && Number.isInteger(t) ? t : 0;
}
