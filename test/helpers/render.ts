/** Render helpers for the tests: the real render() API into a temp folder, draft quality unless told. */
import path from "node:path";
import { render, type RenderOptions, type RenderResult } from "../../src/render/render.js";
import { tempDir } from "./project.js";

export interface TestRender extends RenderResult {
  /** warnings reported through onWarning */
  warned: string[];
}

/** Render `project` to `<temp>/out.<format>` with the real pipeline (Chrome + FFmpeg). */
export async function renderProject(project: string, opts: Partial<RenderOptions> = {}): Promise<TestRender> {
  const warned: string[] = [];
  const format = opts.format ?? "mp4";
  const result = await render({
    quality: "draft",
    ...opts,
    project,
    output: opts.output ?? path.join(tempDir("hf-render-out-"), `out.${format}`),
    onWarning: (m) => {
      warned.push(m);
      opts.onWarning?.(m);
    },
  });
  return { ...result, warned };
}
