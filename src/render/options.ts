/**
 * The single definition of every render option: name, CLI flag, type, default, help, and how it maps to
 * the cloud API body. The CLI flags (`hyperframes render`, `hyperframes cloud render`), the programmatic
 * `render()` API and the cloud request body are all derived from this table.
 */
import { UsageError } from "../errors.js";

export type OptionType = "int" | "number" | "string" | "enum" | "boolean" | "json" | "path";

export interface RenderOptionDef<T = unknown> {
  /** camelCase name used by the programmatic API. */
  readonly name: string;
  /** long CLI flag without dashes, e.g. "fps" → `--fps <value>`. */
  readonly flag: string;
  readonly short?: string;
  readonly type: OptionType;
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Default; undefined = derived at run time (e.g. fps from data-fps). */
  readonly default?: T;
  readonly help: string;
  /** Placeholder in --help, e.g. "<n>". */
  readonly valueName?: string;
  /** Where the option applies. */
  readonly scope: readonly ("local" | "cloud")[];
  /** Key in the cloud `POST /v3/hyperframes/renders` body, if it is sent there. */
  readonly cloudKey?: string;
  /** The choices the cloud accepts, when fewer than the local ones (e.g. no gif there). */
  readonly cloudChoices?: readonly string[];
}

const def = <T>(d: RenderOptionDef<T>) => d;

export const QUALITIES = ["draft", "standard", "high"] as const;
export const FORMATS = ["mp4", "webm", "mov", "gif", "png-sequence"] as const;
/** The formats HeyGen's cloud renders. */
export const CLOUD_FORMATS = ["mp4", "webm", "mov"] as const;
export type Quality = (typeof QUALITIES)[number];
export type Format = (typeof FORMATS)[number];

export interface FormatTraits {
  /** file extension; null: the output is a folder (of NNNN.png frames) */
  readonly extension: string | null;
  /** a transparent page background stays transparent (alpha kept) */
  readonly transparent: boolean;
  /** the composition's audio is muxed in */
  readonly audio: boolean;
}

/** What each output format is: a file or a folder, alpha or not, audio or not. */
export const FORMAT_TRAITS: Record<Format, FormatTraits> = {
  mp4: { extension: "mp4", transparent: false, audio: true },
  webm: { extension: "webm", transparent: true, audio: true },
  mov: { extension: "mov", transparent: true, audio: true },
  gif: { extension: "gif", transparent: false, audio: false },
  "png-sequence": { extension: null, transparent: true, audio: false },
};

/** The format an output path's extension names (`clip.webm` → webm), if any. */
export function formatForExtension(ext: string): Format | undefined {
  const e = ext.replace(/^\./, "").toLowerCase();
  return (FORMATS as readonly string[]).find((f) => FORMAT_TRAITS[f as Format].extension === e) as Format | undefined;
}

export const RENDER_OPTIONS = [
  def({ name: "fps", flag: "fps", short: "f", type: "int", min: 1, max: 240, valueName: "<n>", scope: ["local", "cloud"], cloudKey: "fps",
    help: "frames per second: 24, 30 or 60 (any integer 1-240); default: the root's data-fps, else 30" }),
  def<Quality>({ name: "quality", flag: "quality", short: "q", type: "enum", choices: QUALITIES, default: "standard", valueName: "<preset>", scope: ["local", "cloud"], cloudKey: "quality",
    help: "draft (fast review), standard or high" }),
  def<Format>({ name: "format", flag: "format", type: "enum", choices: FORMATS, cloudChoices: CLOUD_FORMATS, default: "mp4", valueName: "<fmt>", scope: ["local", "cloud"], cloudKey: "format",
    help: "mp4 (H.264/AAC), webm (VP9/Opus, keeps transparency), mov (ProRes 4444, keeps transparency), gif (palette-optimised, no audio) or png-sequence (a folder of NNNN.png frames with alpha, no audio); the cloud renders mp4, webm and mov" }),
  def({ name: "variables", flag: "variables", type: "json", valueName: "<json>", scope: ["local", "cloud"], cloudKey: "variables",
    help: "variable overrides as a JSON object, e.g. '{\"title\":\"Hello\"}'" }),
  def({ name: "variablesFile", flag: "variables-file", type: "path", valueName: "<file>", scope: ["local", "cloud"],
    help: "read variable overrides from a JSON file (instead of --variables)" }),
  def({ name: "strictVariables", flag: "strict-variables", type: "boolean", default: false, scope: ["local", "cloud"],
    help: "unknown variables and wrong types are errors, not warnings" }),
  def({ name: "crf", flag: "crf", type: "int", min: 0, max: 63, valueName: "<n>", scope: ["local"],
    help: "override the quality preset's CRF (lower = better, bigger)" }),
  def({ name: "workers", flag: "workers", short: "w", type: "int", min: 1, max: 16, valueName: "<n>", scope: ["local"],
    help: "parallel capture pages; default: chosen from CPU cores and frame count" }),
  def({ name: "frames", flag: "frames", type: "string", valueName: "<range>", scope: ["local"],
    help: "render only part: START:END (0-based, END excluded), e.g. 0:30, or A-B (both included), e.g. 0-29" }),
  def({ name: "range", flag: "range", type: "string", valueName: "<seconds>", scope: ["local"],
    help: "render only part, in seconds: START-END (END excluded), e.g. 1.5-3" }),
  def({ name: "allowNetwork", flag: "allow-network", type: "boolean", default: false, scope: ["local"],
    help: "let the composition reach the network while rendering (by default every request outside the project is blocked and the render fails, listing them)" }),
  def({ name: "browser", flag: "browser", type: "path", valueName: "<path>", scope: ["local"],
    help: "Chrome/Chromium executable to use (also HYPERFRAMES_BROWSER_PATH)" }),
  def({ name: "composition", flag: "composition", short: "c", type: "string", default: "index.html", valueName: "<file>", scope: ["local", "cloud"], cloudKey: "composition",
    help: "entry HTML file inside the project" }),
  def({ name: "resolution", flag: "resolution", type: "enum", choices: ["1080p", "4k"], default: "1080p", valueName: "<res>", scope: ["cloud"], cloudKey: "resolution",
    help: "cloud output resolution" }),
  def({ name: "aspectRatio", flag: "aspect-ratio", type: "enum", choices: ["16:9", "9:16", "1:1"], default: "16:9", valueName: "<ratio>", scope: ["cloud"], cloudKey: "aspect_ratio",
    help: "cloud output aspect ratio" }),
  def({ name: "title", flag: "title", type: "string", valueName: "<text>", scope: ["cloud"], cloudKey: "title", max: 500,
    help: "cloud render title (max 500 characters)" }),
  def({ name: "callbackUrl", flag: "callback-url", type: "string", valueName: "<url>", scope: ["cloud"], cloudKey: "callback_url",
    help: "webhook URL notified when the cloud render finishes" }),
  def({ name: "callbackId", flag: "callback-id", type: "string", valueName: "<id>", scope: ["cloud"], cloudKey: "callback_id", max: 256,
    help: "your own id echoed in the webhook (max 256 characters)" }),
] as const satisfies readonly RenderOptionDef<any>[];

export type RenderOptionName = (typeof RENDER_OPTIONS)[number]["name"];

export function optionDef(name: string): RenderOptionDef {
  const d = RENDER_OPTIONS.find((o) => o.name === name);
  if (!d) throw new Error(`unknown render option ${name}`);
  return d as RenderOptionDef;
}

export function optionsFor(scope: "local" | "cloud"): RenderOptionDef[] {
  const defs = (RENDER_OPTIONS as readonly RenderOptionDef[]).filter((o) => o.scope.includes(scope));
  // the cloud sees its own, narrower choices (and its own help text is the same table's)
  return scope === "cloud" ? defs.map((d) => (d.cloudChoices ? { ...d, choices: d.cloudChoices } : d)) : defs;
}

/**
 * Parse and validate one raw value (string from the CLI, or a typed value from the API) against its
 * definition. Throws a UsageError naming the flag and the accepted values.
 */
export function coerceOption(d: RenderOptionDef, raw: unknown): unknown {
  if (raw === undefined || raw === null) return undefined;
  const flag = `--${d.flag}`;
  switch (d.type) {
    case "int":
    case "number": {
      const n = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n) || (d.type === "int" && !Number.isInteger(n)))
        throw new UsageError("invalid_option", `${flag} must be ${d.type === "int" ? "an integer" : "a number"}, got "${String(raw)}"`, {
          hint: d.min !== undefined ? `use a value from ${d.min} to ${d.max}` : undefined,
        });
      if ((d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max))
        throw new UsageError("invalid_option", `${flag} must be between ${d.min} and ${d.max}, got ${n}`, { hint: `e.g. ${flag} ${d.name === "fps" ? 30 : d.min}` });
      return n;
    }
    case "enum": {
      const s = String(raw);
      if (!d.choices!.includes(s))
        throw new UsageError("invalid_option", `${flag} must be one of ${d.choices!.join(", ")}, got "${s}"`, { hint: `e.g. ${flag} ${d.choices![0]}` });
      return s;
    }
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "1") return true;
      if (raw === "false" || raw === "0") return false;
      throw new UsageError("invalid_option", `${flag} must be true or false, got "${String(raw)}"`);
    case "json": {
      if (typeof raw === "object") return raw;
      try {
        return JSON.parse(String(raw));
      } catch (e) {
        throw new UsageError("invalid_option", `${flag} is not valid JSON: ${(e as Error).message}`, { hint: `quote it for your shell, e.g. ${flag} '{"title":"Hello"}'` });
      }
    }
    case "string":
    case "path": {
      const s = String(raw);
      if (d.max !== undefined && s.length > d.max) throw new UsageError("invalid_option", `${flag} is longer than ${d.max} characters (${s.length})`);
      return s;
    }
  }
}

/** Apply defaults and validation to a partial options object (API or parsed CLI), keyed by option name. */
export function resolveOptions<T extends Record<string, unknown>>(scope: "local" | "cloud", input: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...input };
  for (const d of optionsFor(scope)) {
    const v = coerceOption(d, input[d.name]);
    out[d.name] = v === undefined ? d.default : v;
  }
  return out as T;
}

/** Build the cloud API request body fields from resolved options (only options with a cloudKey and a value). */
export function toCloudBody(opts: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const d of optionsFor("cloud")) {
    if (!d.cloudKey) continue;
    const v = opts[d.name];
    if (v !== undefined && v !== null) body[d.cloudKey] = v;
  }
  return body;
}

export interface FrameRange {
  start: number;
  end: number;
}

/**
 * The frames to render: `--frames START:END` (0-based, END exclusive), `--frames A-B` (both included, as
 * page ranges are written), or `--range S1-S2` in seconds (from S1 up to, not including, S2). One of them.
 */
export function parseFrameRange(s: string | undefined, total: number, range?: { seconds: string; fps: number }): FrameRange {
  if (range) {
    if (s) throw new UsageError("invalid_option", "--frames and --range both select frames; give one of them", { hint: "e.g. --range 1.5-3 or --frames 45:90" });
    const m = /^\s*(\d*\.?\d+)?\s*-\s*(\d*\.?\d+)?\s*$/.exec(range.seconds);
    if (!m || (m[1] === undefined && m[2] === undefined))
      throw new UsageError("invalid_option", `--range must look like START-END in seconds, got "${range.seconds}"`, { hint: "e.g. --range 1.5-3 (or 2- for the rest)" });
    const start = m[1] !== undefined ? Math.round(Number(m[1]) * range.fps) : 0;
    const endFrame = m[2] !== undefined ? Math.round(Number(m[2]) * range.fps) : total;
    return checkedRange(start, Math.min(endFrame, total), total, `--range ${range.seconds}`);
  }
  if (!s) return { start: 0, end: total };
  const colon = /^(\d*):(\d*)$/.exec(s.trim());
  const dash = /^(\d+)-(\d+)$/.exec(s.trim());
  if (!colon && !dash) throw new UsageError("invalid_option", `--frames must look like START:END or A-B, got "${s}"`, { hint: "e.g. --frames 0:30 (END excluded) or --frames 0-29 (both included)" });
  if (dash) return checkedRange(Number(dash[1]), Math.min(Number(dash[2]) + 1, total), total, `--frames ${s}`);
  const start = colon![1] ? Number(colon![1]) : 0;
  const end = colon![2] ? Math.min(Number(colon![2]), total) : total;
  return checkedRange(start, end, total, `--frames ${s}`);
}

function checkedRange(start: number, end: number, total: number, what: string): FrameRange {
  if (start >= end) throw new UsageError("invalid_option", `${what} selects no frames (the composition has ${total})`, { hint: `use a range inside 0:${total}` });
  return { start, end };
}
