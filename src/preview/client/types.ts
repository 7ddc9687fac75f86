/** Typing for the player UI (browser side): the server's payload types, and the runtime's globals. */
import type { ProgressView } from "../../render/progress-text.js";

// The server's own types (type-only imports: esbuild drops them from the browser bundle).
import type { CompositionEntry, CompositionDetails } from "../project.js";
export type { VariableDecl, LintFinding, LintResult } from "../../compose/types.js";
export type { CompositionEntry, CompositionDetails };
export type { RenderFile } from "../render-history.js";

export type Clip = CompositionDetails["clips"][number];
export type { AnimatedElement, AnimatedSpan } from "../../compose/runtime/inventory.js";
import type { HfRuntimeApi } from "../../compose/runtime/protocol.js";

export interface ProjectInfo {
  name: string;
  dir: string;
  compositions: CompositionEntry[];
  composition: CompositionDetails | null;
  /** set when the composition asked for is not one of the project's */
  error?: { code: string; message: string; hint?: string };
}

export interface PageError {
  kind: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
}

/** The runtime's window.__hf, as the player reads it (compose/runtime/protocol.ts). */
export type HfApi = HfRuntimeApi;

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
  progress: Partial<ProgressView> & { phase?: string; frame: number; total: number; fps: number; etaSeconds: number };
  output?: string;
  url?: string;
  frames?: number;
  error?: { message: string; code?: string; hint?: string };
}
