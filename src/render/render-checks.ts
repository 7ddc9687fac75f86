/**
 * Checks a render makes of its own inputs and outcome: the output name against the format, what the page was
 * refused, and what an unexpected failure is called (browser_crashed, render_failed: exit code 2).
 */
import path from "node:path";
import { CompositionError, HyperframesError, RenderError, UsageError } from "../errors.js";
import { isCrash } from "./frame-pipeline.js";
import { FORMATS, FORMAT_TRAITS, formatForExtension, type Format } from "./options.js";
import type { Refusal } from "./server.js";

/** The output name must fit the format: `.mp4` for mp4…, no known video extension for a png-sequence folder. */
export function checkOutputName(output: string, format: Format): void {
  const ext = path.extname(output).slice(1).toLowerCase();
  const wanted = FORMAT_TRAITS[format].extension;
  const named = formatForExtension(ext);
  if (wanted ? !ext || ext === wanted : !named) return;
  const base = path.basename(output);
  throw new UsageError("invalid_option", `--output ${base} does not match --format ${format}`, {
    hint: !wanted
      ? `a ${format} is a folder: give a name without .${ext}, or --format ${named}`
      : named
        ? `use a .${wanted} file name or --format ${named}`
        : `.${ext} is not an output format: use a .${wanted} file name (formats: ${FORMATS.join(", ")}${ext === "png" ? "; PNG frames: --format png-sequence and a folder name" : ""})`,
  });
}

function listRefusals(rs: readonly Refusal[]): string {
  const shown = rs.slice(0, 5).map((r) => `${r.url}${r.via ? ` (${r.via})` : ""}`);
  return shown.join(", ") + (rs.length > 5 ? ` and ${rs.length - 5} more` : "");
}

/** The error for what the render file server and the capture pages refused (undefined: nothing was). */
export function refusalError(refusals: readonly Refusal[], entry: string, cause?: unknown): CompositionError | undefined {
  const files = refusals.filter((r) => r.kind !== "network");
  if (files.length)
    return new CompositionError(
      "file_outside_project",
      `the page asked for ${listRefusals(files)}: ${files.some((f) => f.kind === "outside") ? "outside the project folder (a .. path or a symlink leading out)" : "a .env file"}; renders read only the project's own files`,
      { file: entry, hint: "copy the file into the project (not a symlink to elsewhere) and reference it by a relative path", data: { urls: files.map((r) => r.url) }, cause },
    );
  const net = refusals.filter((r) => r.kind === "network");
  if (net.length)
    return new CompositionError("network_request_blocked", `the composition tried to reach the network, which renders block: ${listRefusals(net)}`, {
      file: entry,
      hint: "copy those files into the project and reference them by relative paths, or pass --allow-network to let the requests through (the video may then change from one render to the next)",
      data: { urls: net.map((r) => r.url) },
      cause,
    });
  return undefined;
}

/** A failure as the typed error it is: ours as thrown, a browser gone as browser_crashed, anything else render_failed. */
export function renderFailure(e: unknown): HyperframesError {
  if (e instanceof HyperframesError) return e;
  const msg = ((e as Error)?.message ?? String(e)).split("\n")[0];
  if (isCrash(e))
    return new RenderError("browser_crashed", `the browser stopped unexpectedly while rendering: ${msg}`, {
      hint: "try again with fewer --workers; run `hyperframes doctor` to check the browser",
      cause: e,
    });
  return new RenderError("render_failed", `render failed: ${msg}`, { cause: e, hint: "run again with --debug for details" });
}
