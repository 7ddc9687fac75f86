import type { Command } from "commander";

/** Placeholder: `hyperframes render` is implemented by its own issue. */
export function register(_program: Command): void {}
