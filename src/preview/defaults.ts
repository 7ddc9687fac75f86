/** Where `hyperframes dev` listens unless told otherwise (kept apart so the CLI can show them without loading Vite). */
export const DEFAULT_PORT = 3002;
export const DEFAULT_HOST = "127.0.0.1";
