/** The player's requests that change state on the server carry these (guard.ts refuses any without them). */
export function apiHeaders(): Record<string, string> {
  return { "Content-Type": "application/json", "X-Hyperframes-Token": String((window as any).__HF_API_TOKEN ?? "") };
}
