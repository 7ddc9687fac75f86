/**
 * Line maps: where each line of a page the browser runs (the compiled composition, with the runtime and
 * other injected tags) comes from in the author's files. Built by the compiler (sub-compositions are
 * inlined and their scripts moved), shifted by every injection, carried to the page in the runtime config,
 * and used by the runtime (and the preview) to report errors as `index.html:12` or `compositions/card.html:7`
 * instead of a line of the served page.
 *
 * A map is a list of segments sorted by `line`: from `line` on (until the next segment), page line
 * `line + k` is line `srcLine + k` of `file`; `file: null` marks generated lines (the runtime, moved-script
 * wrappers). Lines of mounted sub-composition markup are approximate (it is re-serialised); script lines are exact.
 */

export interface LineSegment {
  /** first page line (1-based) of the segment */
  line: number;
  /** project-relative file, or null for generated content */
  file: string | null;
  /** line of `file` (1-based) that page line `line` comes from */
  srcLine: number;
}
export type LineMap = LineSegment[];

/** A piece of a page and where its first character comes from (no `file`: generated). */
export interface Piece {
  text: string;
  file?: string;
  line?: number;
}

function countNewlines(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = s.indexOf("\n", from); i !== -1 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** 1-based line of every offset of `text` (binary search over its newlines). */
export function lineIndex(text: string): (offset: number) => number {
  const nl: number[] = [];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) nl.push(i);
  return (offset: number) => {
    let lo = 0;
    let hi = nl.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nl[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/**
 * Concatenate pieces into a page and its line map. A piece from a file claims the page line it starts on
 * (the code after a `<script>` tag is what a browser error on that line points at); a generated piece
 * claims only the lines after its first newline.
 */
export function assemble(pieces: Piece[]): { text: string; map: LineMap } {
  const map: LineMap = [];
  const push = (seg: LineSegment) => {
    const last = map[map.length - 1];
    if (last && last.line === seg.line) map[map.length - 1] = seg;
    else if (!last || last.file !== seg.file || seg.srcLine - last.srcLine !== seg.line - last.line) map.push(seg);
  };
  let text = "";
  let line = 1;
  for (const p of pieces) {
    if (!p.text) continue;
    const nl = countNewlines(p.text);
    if (p.file !== undefined) push({ line, file: p.file, srcLine: p.line ?? 1 });
    else if (nl > 0) push({ line: line + 1, file: null, srcLine: 0 });
    text += p.text;
    line += nl;
  }
  return { text, map };
}

/** Where page line `line` comes from, or null (generated, or no map). */
export function mapLine(map: LineMap | undefined | null, line: number): { file: string; line: number } | null {
  if (!map || map.length === 0 || !(line >= 1)) return null;
  let lo = 0;
  let hi = map.length - 1;
  if (map[0]!.line > line) return null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid]!.line <= line) lo = mid;
    else hi = mid - 1;
  }
  const seg = map[lo]!;
  return seg.file === null ? null : { file: seg.file, line: seg.srcLine + (line - seg.line) };
}

/**
 * The map after inserting generated text at character `offset` of `page` (the text the map describes):
 * later lines move down by the inserted newlines, which map to nothing.
 */
export function shiftForInsert(map: LineMap, page: string, offset: number, inserted: string): LineMap {
  const added = countNewlines(inserted);
  if (added === 0 || map.length === 0) return map;
  const at = countNewlines(page, 0, offset) + 1;
  const out: LineMap = [];
  let covering: LineSegment | undefined;
  for (const seg of map) {
    if (seg.line <= at) {
      out.push(seg);
      covering = seg;
    }
  }
  if (added > 1) out.push({ line: at + 1, file: null, srcLine: 0 });
  // the rest of line `at` (after the insertion) is now line at + added
  if (covering && covering.file !== null) out.push({ line: at + added, file: covering.file, srcLine: covering.srcLine + (at - covering.line) });
  else out.push({ line: at + added, file: null, srcLine: 0 });
  for (const seg of map) if (seg.line > at) out.push({ ...seg, line: seg.line + added });
  // drop a segment made redundant by a later one on the same line
  return out.filter((s, i) => !(out[i + 1] && out[i + 1]!.line === s.line));
}
