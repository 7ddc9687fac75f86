/** How the commands that run for a while (render, batch, snapshot, dev) stop on a signal. */

/** The signals that stop a command cleanly: Ctrl-C, `kill`, and the terminal going away (an SSH disconnect). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * One AbortController wired to SIGINT, SIGTERM and SIGHUP: the first signal cancels cleanly (exit 130, nothing
 * left behind), a second exits at once (the exit hooks still stop the browsers and remove the temp folders).
 */
export function abortOnSignals(onFirst?: () => void): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) {
      onFirst?.();
      ac.abort();
    } else process.exit(130);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return {
    signal: ac.signal,
    dispose() {
      for (const s of STOP_SIGNALS) process.off(s, handler);
    },
  };
}
