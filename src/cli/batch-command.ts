/** `hyperframes render --batch`: implemented in src/render/batch.ts (issue #7). */
import { UsageError } from "../errors.js";
import type { RenderCliOptions } from "./commands/render.js";

export async function runBatchCommand(_dir: string, _o: RenderCliOptions, _ctx: { debug: boolean }): Promise<void> {
  throw new UsageError("not_implemented", "--batch is not available yet");
}
