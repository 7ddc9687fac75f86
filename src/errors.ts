/**
 * Typed errors. Every error the toolkit reports to a user is a HyperframesError with a stable `code`,
 * a one-line message that names the file/element/flag at fault, and a `hint` saying what to do.
 */
export type ExitCode = 0 | 1 | 2 | 130;

export interface ErrorDetails {
  /** What to do about it, shown after the message. */
  hint?: string;
  /** File the problem is in (absolute or project-relative). */
  file?: string;
  /** 1-based line in `file`, when known. */
  line?: number;
  /** Extra machine-readable context (never secrets). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

export class HyperframesError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly file?: string;
  readonly line?: number;
  readonly data?: Record<string, unknown>;
  /** 1 = the user's input is at fault; 2 = internal/environment failure. */
  readonly exitCode: ExitCode = 1;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.hint = details.hint;
    this.file = details.file;
    this.line = details.line;
    this.data = details.data;
  }

  /** `file:line: message (hint)` on one line, for terminals. */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ""}: ` : "";
    return `${where}${this.message}${this.hint ? ` — ${this.hint}` : ""} [${this.code}]`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, file: this.file, line: this.line, data: this.data };
  }
}

/** Bad user input: flags, project files, variables, data rows. Exit code 1. */
export class UsageError extends HyperframesError {}
/** The composition itself is invalid (lint errors, missing root, bad timing). Exit code 1. */
export class CompositionError extends HyperframesError {}
/** A variable override does not match the schema. Exit code 1. */
export class VariablesError extends HyperframesError {}
/** No usable browser / ffmpeg / ffprobe was found. Exit code 2. */
export class EnvironmentError extends HyperframesError {
  override readonly exitCode = 2;
}
/** RenderError codes where the composition itself is at fault (its script threw, its media cannot be read): exit code 1. */
const COMPOSITION_FAULTS: ReadonlySet<string> = new Set(["seek_failed", "video_extract_failed", "audio_mix_failed"]);

/**
 * Rendering failed after it started: a browser crash, a render timeout, the encoder failing, an output check
 * (exit code 2, as the README's table says), or the composition's own script or media (exit code 1).
 */
export class RenderError extends HyperframesError {
  override readonly exitCode: ExitCode;
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
    this.exitCode = COMPOSITION_FAULTS.has(code) ? 1 : 2;
  }
}
/** The page never became ready within the timeout. Exit code 2. */
export class RenderTimeoutError extends RenderError {}
/** The render was cancelled (Ctrl-C or an AbortSignal). Exit code 130. */
export class RenderCancelledError extends HyperframesError {
  override readonly exitCode = 130;
  constructor(message = "Render cancelled") {
    super("render_cancelled", message);
  }
}
/** The finished output failed verification (frame count, duration, audio, all-black). */
export class OutputVerificationError extends RenderError {
  override readonly exitCode = 2;
}
/** HeyGen API / cloud errors; carries the API's code/message/param. */
export class CloudError extends HyperframesError {
  readonly status?: number;
  readonly param?: string;
  constructor(code: string, message: string, details: ErrorDetails & { status?: number; param?: string } = {}) {
    super(code, message, details);
    this.status = details.status;
    this.param = details.param;
  }
}
/** A cloud command was cancelled (Ctrl-C or an AbortSignal). Exit code 130. */
export class CloudCancelledError extends CloudError {
  override readonly exitCode = 130;
  constructor(message = "cancelled (Ctrl-C)", details: ErrorDetails = {}) {
    super("cancelled", message, details);
  }
}

export function isHyperframesError(e: unknown): e is HyperframesError {
  return e instanceof HyperframesError;
}
