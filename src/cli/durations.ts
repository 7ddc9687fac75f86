/**
 * Duration flags: every one is in seconds, decimals allowed (`--timeout 0.5`), as the official CLI writes
 * them. `cloud --timeout` and `cloud render --poll-interval` were milliseconds before the first release: a
 * value of 1000 or more is refused as "probably milliseconds" with the number to write instead, so an old
 * script fails once, loudly, instead of waiting 2000 seconds.
 */
import { UsageError } from "../errors.js";

export interface SecondsLimits {
  /** smallest value, in seconds */
  min: number;
  /** largest value, in seconds (must be < 1000: larger values are read as milliseconds) */
  max: number;
}

/** Parse a `--flag <seconds>` value into milliseconds, or throw a UsageError that names the flag and the unit. */
export function secondsFlag(flag: string, raw: unknown, limits: SecondsLimits): number {
  const text = String(raw).trim();
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new UsageError("invalid_option", `${flag} must be a number of seconds, got "${text}"`, { hint: `e.g. ${flag} 2.5` });
  if (n >= 1000)
    throw new UsageError("invalid_option", `${flag} is in seconds (as in the official CLI), and ${text} seconds looks like milliseconds`, {
      hint: `for ${text} ms write ${flag} ${Number((n / 1000).toFixed(3))}; the largest value is ${limits.max}`,
    });
  if (n < limits.min || n > limits.max)
    throw new UsageError("invalid_option", `${flag} must be from ${limits.min} to ${limits.max} seconds, got ${text}`);
  return Math.round(n * 1000);
}
