/** Terminal/JSON output helpers shared by all commands. */
import { redactText } from "../upload/redact.js";

/**
 * Replace the HeyGen API key, the webhook secret and anything shaped like an API key or bearer token with a
 * redaction marker (rules in src/upload/redact.ts).
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
  /** Final result: JSON on stdout with --json, else the human text on stdout. */
  result(obj: Record<string, unknown>, human: string): void;
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
      if (json) process.stdout.write(redactSecrets(JSON.stringify(o)) + "\n");
      else if (human) process.stdout.write(redactSecrets(human) + "\n");
    },
  };
}
