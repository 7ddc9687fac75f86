/** Derives commander flags from the single render-option table (src/render/options.ts). */
import { InvalidArgumentError, Option, type Command } from "commander";
import { optionsFor, coerceOption, type RenderOptionDef } from "../render/options.js";
import { QUALITY_ALIASES, UNSUPPORTED_VALUES } from "./official-flags.js";

function toCommanderOption(d: RenderOptionDef): Option {
  const names = `${d.short ? `-${d.short}, ` : ""}--${d.flag}`;
  const flags = d.type === "boolean" ? names : `${names} ${d.valueName ?? "<value>"}`;
  // defaults are shown, not applied here: the API applies them, and an unset --format can then follow
  // the --output extension (-o clip.webm)
  const shown = d.default !== undefined && d.type !== "boolean" ? ` (default: ${String(d.default)})` : "";
  const o = new Option(flags, d.help + shown);
  // the official CLI's quality names are accepted too (mapped by official-flags.ts)
  if (d.choices) o.choices([...(d.choices as string[]), ...(d.name === "quality" ? Object.keys(QUALITY_ALIASES) : [])]);
  // an official value with no meaning here (--format hls) says what to use instead of listing the choices
  const refused = UNSUPPORTED_VALUES[d.name];
  const parse = o.parseArg;
  if (refused && parse)
    o.argParser((value: string, previous: unknown) => {
      if (Object.hasOwn(refused, value)) throw new InvalidArgumentError(refused[value]!);
      return parse(value, previous);
    });
  return o;
}

/** Add every option of `scope` (except those listed in `skip`) to a command. */
export function addRenderFlags(cmd: Command, scope: "local" | "cloud", skip: string[] = []): Command {
  for (const d of optionsFor(scope)) {
    if (skip.includes(d.name)) continue;
    cmd.addOption(toCommanderOption(d));
  }
  return cmd;
}

/** Read the parsed flag values back into API option names, validated and typed. */
export function readRenderFlags(opts: Record<string, unknown>, scope: "local" | "cloud"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of optionsFor(scope)) {
    const v = opts[d.name];
    if (v === undefined) continue;
    out[d.name] = coerceOption(d, v);
  }
  return out;
}
