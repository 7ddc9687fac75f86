/**
 * Clip timing without a browser: the `data-start` grammar (absolute seconds, `id`, `id + N`, `id - N`),
 * reference and cycle resolution, host offsets for sub-compositions, durations and frame counts.
 * Mirrors the runtime's start resolver (composition contract §2.3/§2.4), except that unknown references
 * and cycles resolve to `null` (and a diagnostic) instead of silently falling back to 0.
 */

/** Characters allowed in a start-reference id. */
export const START_REFERENCE_ID = /^[A-Za-z0-9_.:-]+$/;

export type StartExpression = { kind: "absolute"; value: number } | { kind: "reference"; refId: string; offset: number };

/** A finite number written as a plain decimal (optionally with exponent); anything else is null. */
export function parseTimingNumber(raw: string | undefined | null): number | null {
  if (raw == null) return null;
  const t = raw.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/**
 * Parse a `data-start` value. Returns null when it is neither a number nor a reference.
 * Like the reference parser, a value that is entirely made of id characters (e.g. `a-0.5`) is an id.
 */
export function parseStartExpression(raw: string | undefined | null): StartExpression | null {
  const t = (raw ?? "").trim();
  if (!t) return null;
  const n = parseTimingNumber(t);
  if (n != null) return { kind: "absolute", value: n };
  if (START_REFERENCE_ID.test(t)) return { kind: "reference", refId: t, offset: 0 };
  const m = /^(.*?)\s*([+-])\s*(\d+\.?\d*|\.\d+)$/.exec(t);
  if (!m) return null;
  const refId = m[1]!.trim();
  if (!START_REFERENCE_ID.test(refId)) return null;
  const mag = Number(m[3]);
  if (!Number.isFinite(mag)) return null;
  return { kind: "reference", refId, offset: m[2] === "-" ? -mag : mag };
}

/** The frame rate of a composition without (a valid) data-fps. */
export const DEFAULT_FPS = 30;

/** Frame count for a duration: nearest integer when within 1e-3 of it, else rounded up (contract §1.4). */
export function frameCount(duration: number, fps: number): number {
  const exact = duration * fps;
  const near = Math.round(exact);
  return Math.abs(exact - near) < 1e-3 ? near : Math.ceil(exact);
}

/** A node of the mounted composition tree (sub-composition content hangs under its host). */
export interface TimingNode {
  attr(name: string): string | undefined;
  /** has data-composition-id (root, inline nested composition, host, or mounted inner root) */
  isComposition: boolean;
  isMedia: boolean;
  /** parent in the mounted tree (a mounted inner root's parent is its host) */
  parent: TimingNode | null;
  /** a sub-composition's root mounted in a host: it starts with its host, whatever its own data-start says */
  isInnerRoot?: boolean;
  /** for a host: the mounted child's own declared duration (inner root data-duration), if known */
  childDuration?: number | null;
}

export type TimingDiagnosticCode =
  | "invalid_data_start"
  | "unknown_start_reference"
  | "start_reference_cycle"
  | "invalid_duration"
  | "start_reference_unknown_duration";

export interface TimingDiagnostic<N extends TimingNode> {
  node: N;
  code: TimingDiagnosticCode;
  message: string;
  hint: string;
}

export interface StartResolver<N extends TimingNode> {
  /** absolute start in seconds, null when unresolvable (unknown reference, cycle, invalid value) */
  start(node: N): number | null;
  /** duration in seconds, null when unknown */
  duration(node: N): number | null;
  diagnostics: TimingDiagnostic<N>[];
}

export interface StartResolverOptions<N extends TimingNode> {
  /** Reference lookup: element id first, then data-composition-id (document-wide). */
  lookup(refId: string): N | undefined;
}

function nearestComposition<N extends TimingNode>(from: N | null, inclusive: boolean): N | null {
  let p = (inclusive ? from : (from?.parent ?? null)) as N | null;
  while (p && !p.isComposition) p = p.parent as N | null;
  return p;
}

/** The resolver's recursion, as its step functions below see it. */
interface Resolving<N extends TimingNode> {
  start(node: N): number | null;
  duration(node: N): number | null;
  lookup(refId: string): N | undefined;
  /** `node` was found to be part of a reference cycle */
  inCycle(node: N): boolean;
  /** record a diagnostic (once per node and code) */
  diag(node: N, code: TimingDiagnosticCode, message: string, hint: string): void;
}

export function createStartResolver<N extends TimingNode>(opts: StartResolverOptions<N>): StartResolver<N> {
  const startMemo = new Map<N, number | null>();
  const durMemo = new Map<N, number | null>();
  const stack: N[] = [];
  const cycleMembers = new Set<N>();
  const diagnostics: TimingDiagnostic<N>[] = [];
  const diag = (node: N, code: TimingDiagnosticCode, message: string, hint: string): void => {
    for (const d of diagnostics) if (d.node === node && d.code === code) return;
    diagnostics.push({ node, code, message, hint });
  };

  const start = (node: N): number | null => {
    if (startMemo.has(node)) return startMemo.get(node)!;
    if (stack.includes(node)) {
      const from = stack.indexOf(node);
      for (const m of stack.slice(from)) cycleMembers.add(m);
      return null;
    }
    stack.push(node);
    let result: number | null;
    try {
      result = computeStart(r, node);
    } finally {
      stack.pop();
    }
    if (cycleMembers.has(node)) {
      result = null;
      diag(
        node,
        "start_reference_cycle",
        `data-start="${node.attr("data-start") ?? ""}" is part of a reference cycle`,
        "break the cycle: give one of the clips in the chain a numeric data-start",
      );
    }
    startMemo.set(node, result);
    return result;
  };

  const duration = (node: N): number | null => {
    if (durMemo.has(node)) return durMemo.get(node)!;
    const result = computeDuration(r, node);
    durMemo.set(node, result);
    return result;
  };

  const r: Resolving<N> = { start, duration, lookup: (refId) => opts.lookup(refId), inCycle: (node) => cycleMembers.has(node), diag };
  return { start, duration, diagnostics };
}

/** Where local (absolute) starts of `node` are measured from. */
function origin<N extends TimingNode>(r: Resolving<N>, node: N): number | null {
  const comp = node.isComposition ? nearestComposition(node.parent as N | null, true) : nearestComposition(node, false);
  if (!comp) return 0;
  return r.start(comp);
}

function computeStart<N extends TimingNode>(r: Resolving<N>, node: N): number | null {
  const raw = node.isInnerRoot ? undefined : node.attr("data-start");
  if (raw == null || raw.trim() === "") {
    // A mounted inner root (or nested composition) without data-start inherits its parent's start.
    if (node.isComposition && node.parent) {
      const parentComp = nearestComposition(node.parent as N, true);
      return parentComp ? r.start(parentComp) : 0;
    }
    if (!node.parent) return 0;
    return origin(r, node);
  }
  const expr = parseStartExpression(raw);
  if (!expr) {
    r.diag(
      node,
      "invalid_data_start",
      `data-start="${raw}" is neither a number of seconds nor a clip reference`,
      'use seconds (data-start="1.5") or a reference to another clip (data-start="intro", "intro + 0.5", "intro - 0.5")',
    );
    return null;
  }
  if (expr.kind === "absolute") {
    const base = node.isMedia && node.attr("data-hf-media-start-basis")?.trim().toLowerCase() === "global" ? 0 : origin(r, node);
    if (base == null) return null;
    return Math.max(0, base + Math.max(0, expr.value));
  }
  return referenceStart(r, node, raw, expr.refId, expr.offset);
}

/** The start of `node` written as a reference (`id`, `id + N`, `id - N`): the end of that clip (else its start), plus the offset. */
function referenceStart<N extends TimingNode>(r: Resolving<N>, node: N, raw: string, refId: string, offset: number): number | null {
  const target = r.lookup(refId);
  if (!target) {
    unknownReference(r, node, raw, refId);
    return null;
  }
  const ts = r.start(target);
  if (ts == null) return null;
  const td = r.duration(target);
  if (r.inCycle(node)) return null;
  if (td == null) {
    if (!target.isMedia)
      r.diag(
        node,
        "start_reference_unknown_duration",
        `data-start="${raw}" references "${refId}", which has no known duration, so it resolves from that clip's start`,
        `give "${refId}" a data-duration`,
      );
    return Math.max(0, ts + offset);
  }
  return Math.max(0, ts + td + offset);
}

/** Report a reference to no element: a number with a unit ("2s"), or an unknown id (with a hint for "a-1" meant as "a - 1"). */
function unknownReference<N extends TimingNode>(r: Resolving<N>, node: N, raw: string, refId: string): void {
  if (/^[+-]?(\d+\.?\d*|\.\d+)[a-z]+$/i.test(refId)) {
    r.diag(
      node,
      "invalid_data_start",
      `data-start="${raw}" is not a number of seconds (no units allowed) and no clip has the id "${refId}"`,
      `write plain seconds without a unit, e.g. data-start="${parseFloat(refId)}"`,
    );
    return;
  }
  const spaced = /^(.*[^\s])-(\d+\.?\d*|\.\d+)$/.exec(refId);
  const suggestion = spaced && r.lookup(spaced[1]!) ? ` (did you mean "${spaced[1]} - ${spaced[2]}"? an id may contain "-", so put spaces around the minus)` : "";
  r.diag(
    node,
    "unknown_start_reference",
    `data-start="${raw}" references "${refId}", but no element has that id or data-composition-id${suggestion}`,
    "reference an existing clip id (or data-composition-id), or use a number of seconds",
  );
}

/** A duration: data-duration, else data-end minus the start, else a host's mounted child's own duration. */
function computeDuration<N extends TimingNode>(r: Resolving<N>, node: N): number | null {
  let result: number | null = null;
  const rawDur = node.attr("data-duration");
  if (rawDur != null && rawDur.trim() !== "") {
    const d = parseTimingNumber(rawDur);
    if (d == null || d < 0)
      r.diag(node, "invalid_duration", `data-duration="${rawDur}" is not a non-negative number of seconds`, 'use seconds, e.g. data-duration="2.5"');
    else if (d > 0) result = d;
  }
  if (result == null) {
    const rawEnd = node.attr("data-end");
    const end = parseTimingNumber(rawEnd);
    if (end != null) {
      const s = r.start(node);
      if (s != null && end - s > 0) result = end - s;
    }
  }
  if (result == null && node.childDuration != null && node.childDuration > 0) result = node.childDuration;
  return result;
}
