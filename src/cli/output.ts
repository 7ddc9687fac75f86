/** Terminal/JSON output helpers shared by all commands. */
import { redactText } from "../cloud/redact.js";
import { Option } from "commander";

/**
 * Replace the HeyGen API key, the webhook secret and anything shaped like an API key or bearer token with a
 * redaction marker (rules in src/cloud/redact.ts).
 */
export function redactSecrets(text: string): string {
  return redactText(text, [process.env.HEYGEN_API_KEY, process.env.HEYGEN_WEBHOOK_SECRET]);
}

export interface Output {
  json: boolean;
  /** Human line to stderr (so stdout stays clean for --json). */
  info(msg: string): void;
  warn(msg: string): void;
  /** One JSON event on stdout (only in --json mode). */
  event(obj: Record<string, unknown>): void;
  /** Final result: JSON on stdout with --json (with `ok`: true unless the object says), else the human text on stdout. */
  result(obj: Record<string, unknown>, human: string): void;
}

/** Every final JSON result carries `ok` (after `type`): true unless the command set it. */
export function withOk(o: Record<string, unknown>): Record<string, unknown> {
  if (typeof o.ok === "boolean") return o;
  const { type, ...rest } = o;
  return type === undefined ? { ok: true, ...rest } : { type, ok: true, ...rest };
}

export function createOutput(json: boolean): Output {
  return {
    json,
    info: (m) => {
      if (!json) process.stderr.write(redactSecrets(m) + "\n");
    },
    warn: (m) => process.stderr.write(redactSecrets(`warning: ${m}`) + "\n"),
    event: (o) => {
      if (json) process.stdout.write(redactSecrets(JSON.stringify(o)) + "\n");
    },
    result: (o, human) => {
      if (json) process.stdout.write(redactSecrets(JSON.stringify(withOk(o))) + "\n");
      else if (human) process.stdout.write(redactSecrets(human) + "\n");
    },
  };
}

/** An option with a numeric default, shown unquoted in --help (`default: 60`, not `default: "60"`). */
export function numberOption(flags: string, description: string, value: number): Option {
  return new Option(flags, description).default(value);
}
