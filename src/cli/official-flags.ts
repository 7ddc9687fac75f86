/**
 * The official HyperFrames CLI's render flags, as this toolkit reads them, so its users' scripts and agents
 * switch without edits: the values it spells differently are mapped (said once, on stderr), the strict modes
 * and --best-effort choose how the lint run before every render gates it (cli/lint-gate.ts), and a flag that
 * means nothing here fails with what to use instead (never silently ignored).
 * The flags both CLIs share are in the render option table (src/render/options.ts), with the same short forms.
 */
import { Option, type Command } from "commander";
import { UsageError } from "../errors.js";

/** Official flags with no meaning here, and what to say about each. */
const UNSUPPORTED: Record<string, string> = {
  "video-bitrate": "a bitrate target is not offered here; use --crf (lower = better) or --quality",
  docker: "renders here are deterministic without Docker (bundled fonts, pinned browser flags); drop --docker",
  gpu: "GPU encoding is not offered here; drop --gpu",
  hdr: "HDR output is not offered here (renders are SDR BT.709); drop --hdr",
  sdr: "renders here are always SDR; drop --sdr",
  "gif-loop": "gifs here always loop forever; drop --gif-loop",
  "hls-segment-seconds": "HLS output is not offered here; use --format mp4",
  "browser-gpu": "capture here is software (SwiftShader) for identical pixels everywhere; drop --browser-gpu",
  "experimental-fast-capture": "capture here already uses begin-frame capture where the browser can; drop the flag",
  "low-memory-mode": "use --workers 1 to render with one capture page",
  "video-frame-format": "video clips are extracted as the renderer needs them; drop the flag",
  "vp9-cpu-used": "WebM speed follows --quality here; drop the flag",
  "max-concurrent-renders": "there is no producer server here; for batches use --concurrency",
  "page-side-compositing": "drop the flag (shader transitions are composited by the page here)",
  resume: "batch renders resume by themselves here (batch-manifest.json); drop --resume",
  "keep-segments": "drop the flag (no segmented capture here)",
  "frames-cache-dir": "drop the flag (extracted video frames are cached in the render's temp folder)",
  "protocol-timeout": "use --timeout <seconds> (how long the page may take to become ready)",
  "player-ready-timeout": "use --timeout <seconds> (how long the page may take to become ready)",
  "browser-timeout": "use --timeout <seconds> (how long the page may take to become ready)",
  resolution: "renders here are at the composition's own size: set data-width/data-height on the root (e.g. 3840x2160 for 4K), or render in the cloud with `hyperframes cloud render --resolution 4k`",
  skill: "drop the flag (no telemetry here)",
  "lint-verbose": "run `hyperframes lint` for the full findings",
};

/** `--quality` values of the official CLI → this toolkit's presets. */
export const QUALITY_ALIASES: Readonly<Record<string, string>> = { looks: "standard", delivery: "high" };

/** Values of the official CLI that this toolkit does not offer, per option name, with what to use instead. */
export const UNSUPPORTED_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  format: { hls: "HLS output is not offered by hyperframes-toolkit; use --format mp4" },
};

export interface OfficialFlagValues {
  strict?: boolean;
  strictAll?: boolean;
  bestEffort?: boolean;
  batchConcurrency?: string;
  batchFailFast?: boolean;
  [key: string]: unknown;
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Add the official-only flags to `render`: the strict modes and aliases as options, the rest hidden, to refuse. */
export function addOfficialRenderFlags(cmd: Command): Command {
  cmd
    .option("--strict", "refuse to render when lint reports errors (the default here; the official CLI's flag)")
    .option("--strict-all", "refuse to render when lint reports errors or warnings")
    .addOption(new Option("--best-effort", "the official CLI's name for --force: render despite lint errors").hideHelp())
    .addOption(new Option("--no-best-effort").hideHelp())
    .addOption(new Option("--batch-concurrency <n>", "the official CLI's name for --concurrency").hideHelp())
    .addOption(new Option("--batch-fail-fast", "the official CLI's name for --fail-fast").hideHelp());
  for (const flag of Object.keys(UNSUPPORTED)) {
    const opt = new Option(`--${flag} [value]`).hideHelp();
    cmd.addOption(opt);
    if (!flag.startsWith("no-")) cmd.addOption(new Option(`--no-${flag}`).hideHelp());
  }
  return cmd;
}

/** Fail on an official flag that means nothing here, naming what to use instead. */
export function refuseUnsupported(values: OfficialFlagValues): void {
  for (const [flag, instead] of Object.entries(UNSUPPORTED)) {
    if (values[camel(flag)] !== undefined)
      throw new UsageError("unsupported_option", `--${flag} (from the official HyperFrames CLI) is not supported by hyperframes-toolkit`, { hint: instead });
  }
}

/**
 * Official spellings of values this toolkit names differently, rewritten before the flags are read:
 * `--quality looks|delivery`, `--workers auto`, `--composition .`, `--batch-concurrency`, `--batch-fail-fast`.
 * Returns notes to print once.
 */
export function mapOfficialValues(values: Record<string, unknown>): string[] {
  const notes: string[] = [];
  const q = values.quality;
  if (typeof q === "string" && q in QUALITY_ALIASES) {
    values.quality = QUALITY_ALIASES[q];
    notes.push(`--quality ${q} is rendered as --quality ${values.quality} here`);
  }
  if (values.workers === "auto") delete values.workers;
  if (values.composition === ".") delete values.composition;
  const fps = values.fps;
  if (typeof fps === "string" && /^\s*\d+\s*\/\s*\d+\s*$/.test(fps)) {
    const [a, b] = fps.split("/").map(Number) as [number, number];
    if (b > 0 && Number.isInteger(a / b)) values.fps = String(a / b);
    else
      throw new UsageError("invalid_option", `--fps ${fps.trim()} is a fractional frame rate; this toolkit renders whole frame rates`, {
        hint: `use --fps ${Math.round(a / b)}`,
      });
  }
  if (values.batchConcurrency !== undefined) {
    if (values.concurrency === undefined) values.concurrency = values.batchConcurrency;
    delete values.batchConcurrency;
  }
  if (values.batchFailFast !== undefined) {
    if (values.batchFailFast) values.failFast = true;
    delete values.batchFailFast;
  }
  return notes;
}
