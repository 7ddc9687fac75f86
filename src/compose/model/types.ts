/**
 * Model stages — shared shapes: the analysis result, loaded documents, the mounted tree's nodes, file
 * references and scripts, plus the producer defaults. Owns no logic.
 */
import type { CompositionModel, LintFinding } from "../types.js";
import type { Element, ParsedHtml } from "../html.js";
import type { StartResolver, TimingNode } from "../timing.js";

/** Producer defaults when the root has no (valid) data-width / data-height. */
export const DEFAULT_WIDTH = 1080;
export const DEFAULT_HEIGHT = 1920;
export { DEFAULT_FPS } from "../timing.js";

export interface LoadedDoc {
  /** project-relative posix path (or absolute, when outside the project) */
  rel: string;
  abs: string;
  html: ParsedHtml;
  mode: "document" | "subcomposition";
  /** sub-compositions: the element whose children are mounted (template, body, or the document) */
  container?: Element;
  templated?: boolean;
}

export interface VNode extends TimingNode {
  el: Element;
  doc: LoadedDoc;
  parent: VNode | null;
  children: VNode[];
  /** the top-level root element */
  isRoot: boolean;
  /** a host that mounts content (data-composition-src, or an empty host with an inline <id>-template) */
  isHost: boolean;
  /** the first composition element of mounted content (its parent is the host) */
  isInnerRoot: boolean;
  /** for hosts: where the mounted content came from */
  mount?: { src: string; file?: string; innerRoot?: VNode; doc?: LoadedDoc; missing?: boolean; cycle?: boolean };
  line?: number;
}

export type ReferenceKind = "script" | "stylesheet" | "link" | "media" | "image" | "poster" | "srcset" | "css-url" | "css-import" | "subcomposition";

export interface FileReference {
  kind: ReferenceKind;
  /** URL as authored */
  url: string;
  /** absolute local path (local references) */
  abs?: string;
  /** project-relative posix path; null when outside the project (lexically, or through a symlink) */
  rel?: string | null;
  /** where a symlink inside the project leads, when that is outside it */
  symlinkTarget?: string;
  /** the http(s) URL (remote references) */
  remote?: string;
  exists: boolean;
  /** where the reference is written */
  file: string;
  line?: number;
  element?: string;
}

export interface ScriptInfo {
  file: string;
  line?: number;
  element: string;
  src?: string;
  remote: boolean;
  /** inline JavaScript source ("" for src scripts) */
  text: string;
  /** line of the first character of `text` */
  textLine?: number;
  isJs: boolean;
}

export interface ProjectAnalysis {
  dir: string;
  entry: string;
  /** set when the project could not be loaded at all (missing dir/entry/root) */
  fatal?: LintFinding;
  findings: LintFinding[];
  model?: CompositionModel;
  docs: LoadedDoc[];
  entryDoc?: LoadedDoc;
  root?: VNode;
  /** the mounted tree in document order (root first) */
  nodes: VNode[];
  references: FileReference[];
  scripts: ScriptInfo[];
  resolver?: StartResolver<VNode>;
}

export interface AnalyzeOptions {
  /** entry HTML, relative to the project (default index.html) */
  entry?: string;
  /** the flag that set `entry`, named in hints: `--entry` (lint, info; the default) or `--composition` (render, pack) */
  entryFlag?: string;
  /**
   * the entry's HTML when it is not a file on disk (the preview's page that hosts a sub-composition alone);
   * `entry` then names where that page stands in the project (relative URLs resolve from there)
   */
  source?: string;
}
