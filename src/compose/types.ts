/**
 * Shared types of the static composition model (built without a browser by ./model.ts).
 * The renderer, packager, lint, info and preview all read these.
 */
import type { MediaPlayback } from "./media-rules.js";

export type VariableType = "string" | "number" | "color" | "boolean" | "enum" | "font" | "image";

export interface VariableDecl {
  id: string;
  type: VariableType;
  label: string;
  default: unknown;
  description?: string;
  options?: { value: string; label: string }[];
  min?: number;
  max?: number;
  step?: number;
  [extra: string]: unknown;
}

export interface SourceLocation {
  /** project-relative posix path */
  file: string;
  /** 1-based line, when known */
  line?: number;
}

export interface ClipInfo {
  /** element id, or a generated description like `div.scene:nth(3)` when it has none */
  id: string;
  tag: string;
  /** "scene" | "video" | "audio" | "img" | "composition" */
  kind: "scene" | "video" | "audio" | "img" | "composition";
  /** authored data-start */
  startAttr: string;
  /** resolved absolute start in seconds (null if unresolvable: unknown id or cycle) */
  start: number | null;
  /** resolved duration in seconds (null = unknown: visible until the end) */
  duration: number | null;
  track: number;
  /** id of the composition this clip belongs to */
  compositionId: string;
  location: SourceLocation;
}

export interface MediaInfo extends MediaPlayback {
  id?: string;
  tag: "video" | "audio" | "img";
  /** src as authored */
  src?: string;
  /** absolute local path, when src is a local file */
  localPath?: string;
  /** true when src is http(s) */
  remote: boolean;
  start: number | null;
  duration: number | null;
  track: number;
  location: SourceLocation;
}

export interface SubCompositionInfo {
  /** host's data-composition-id */
  id: string;
  /** data-composition-src as authored, and resolved project-relative path */
  src: string;
  file: string;
  start: number | null;
  duration: number | null;
  /** the loaded child model, when the file exists and parses */
  model?: CompositionModel;
  location: SourceLocation;
}

export interface CompositionModel {
  /** absolute project directory */
  dir: string;
  /** entry file, project-relative (e.g. "index.html") */
  entry: string;
  id: string;
  width: number;
  height: number;
  /** static duration in seconds (data-duration, else data-composition-duration, else 0) */
  duration: number;
  /** data-fps, if set */
  fps?: number;
  noTimeline: boolean;
  variables: VariableDecl[];
  clips: ClipInfo[];
  media: MediaInfo[];
  subCompositions: SubCompositionInfo[];
  /** every local file the project references, project-relative posix paths, entry first */
  files: string[];
  /** external URLs the composition loads (scripts, styles, media, fonts) */
  externalUrls: string[];
}

export type Severity = "error" | "warning";

export interface LintFinding {
  code: string;
  severity: Severity;
  message: string;
  hint: string;
  file: string;
  line?: number;
  /** element description, e.g. `<video id="intro">` */
  element?: string;
}

export interface LintResult {
  findings: LintFinding[];
  errorCount: number;
  warningCount: number;
}
