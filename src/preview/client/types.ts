/** Light typing for the player UI (browser side). Mirrors src/preview/project.ts and the runtime's globals. */

export interface VariableDecl {
  id: string;
  type: "string" | "number" | "color" | "boolean" | "enum" | "font" | "image" | string;
  label: string;
  default: unknown;
  description?: string;
  options?: { value: string; label: string }[];
  min?: number;
  max?: number;
  step?: number;
  unit?: string;
  placeholder?: string;
}

export interface Clip {
  id: string;
  kind: string;
  start: number | null;
  duration: number | null;
  track: number;
  compositionId: string;
}

export interface LintFinding {
  code: string;
  severity: "error" | "warning";
  message: string;
  hint: string;
  file: string;
  line?: number;
  element?: string;
}

export interface CompositionEntry {
  file: string;
  id: string;
  width: number;
  height: number;
  fps: number;
}

export interface CompositionDetails extends CompositionEntry {
  duration: number;
  variables: VariableDecl[];
  clips: Clip[];
  lint: { findings: LintFinding[]; errorCount: number; warningCount: number } | null;
  modelError?: { message: string; hint?: string; file?: string; line?: number; code?: string };
}

export interface ProjectInfo {
  name: string;
  dir: string;
  compositions: CompositionEntry[];
  composition: CompositionDetails | null;
}

export interface PageError {
  kind: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
}

export interface HfApi {
  seek(t: number): Promise<void>;
  readonly duration: number;
  readonly fps: number;
  ready: Promise<void>;
  clips(): Clip[];
  getTime(): number;
  readonly error?: string;
  errors?: string[];
  warnings?: string[];
}

export interface HfPlayer {
  play(): void;
  pause(): void;
  seek(t: number): Promise<void> | void;
  getTime(): number;
  getDuration(): number;
  isPlaying(): boolean;
  setPlaybackRate(r: number): void;
  setLoop?(l: boolean): void;
  loop?: boolean;
}

export interface CompositionWindow extends Window {
  __hf?: HfApi;
  __player?: HfPlayer;
  __hfReady?: boolean;
  __hfPreviewErrors?: PageError[];
}

export interface RenderJob {
  id: string;
  status: "running" | "done" | "error" | "cancelled";
  composition: string;
  progress: { phase?: string; frame: number; total: number; fps: number; etaSeconds: number; message?: string };
  output?: string;
  url?: string;
  frames?: number;
  error?: { message: string; code?: string; hint?: string };
}
