/**
 * The preview's render history: the files in the project's renders/ folder (where the Render button writes),
 * newest first, and deleting one of them. Deleting is refused for anything that is not a file directly in
 * renders/ (no sub-paths, no `..`, no symlinks, no partial outputs of a running render), so the endpoint can
 * never remove another file of the project or of the machine; the plugin checks the request comes from the
 * player itself (guard.ts stateChangeRefusal) first.
 */
import { lstatSync, readdirSync, realpathSync, unlinkSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { checkProjectPath } from "../compose/files.js";
import { isPartialOutputName } from "../render/temp-files.js";

export const RENDERS_DIR = "renders";

export interface RenderFile {
  /** project-relative path, e.g. renders/index-preview-20260101-120000.mp4 */
  file: string;
  name: string;
  /** where the preview serves it */
  url: string;
  size: number;
  /** modification time, ms since the epoch */
  mtime: number;
  kind: "video" | "image" | "other";
}

const VIDEO = /\.(mp4|webm|mov|mkv)$/i;
const IMAGE = /\.(gif|png|jpe?g|webp)$/i;

/** The renders/ folder when it is the project's own (not a symlink leading elsewhere). */
function rendersDir(project: string): string | undefined {
  const dir = path.join(project, RENDERS_DIR);
  const c = checkProjectPath(project, dir);
  return c.exists && c.inside ? dir : undefined;
}

export function listRenders(project: string): RenderFile[] {
  const dir = rendersDir(project);
  if (!dir) return [];
  const out: RenderFile[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".") || isPartialOutputName(name)) continue;
    try {
      const st = lstatSync(path.join(dir, name));
      if (!st.isFile()) continue;
      out.push({
        file: `${RENDERS_DIR}/${name}`,
        name,
        url: `/${RENDERS_DIR}/${encodeURIComponent(name)}`,
        size: st.size,
        mtime: st.mtimeMs,
        kind: VIDEO.test(name) ? "video" : IMAGE.test(name) ? "image" : "other",
      });
    } catch {
      // gone meanwhile
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
}

/** Delete `file` (project-relative, `renders/<name>`); refuses anything else. */
export function deleteRender(project: string, file: unknown): RenderFile {
  const refuse = (why: string) => new UsageError("preview_delete_refused", `cannot delete ${JSON.stringify(file)}: ${why}`, { hint: "only files the history lists (directly in renders/) can be deleted" });
  if (typeof file !== "string") throw refuse("not a file name");
  const m = /^renders\/([^/\\]+)$/.exec(file);
  const name = m?.[1];
  if (!name || name === "." || name === ".." || name.startsWith(".") || isPartialOutputName(name)) throw refuse("it is not a file in renders/");
  const dir = rendersDir(project);
  if (!dir) throw refuse("the project has no renders/ folder of its own");
  const abs = path.join(dir, name);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    throw new UsageError("preview_render_missing", `${file} does not exist`, { hint: "refresh the history" });
  }
  if (!st.isFile()) throw refuse(st.isSymbolicLink() ? "it is a symlink" : "it is not a file");
  if (path.dirname(realpathSync(abs)) !== realpathSync(dir)) throw refuse("it is not inside renders/");
  const entry = listRenders(project).find((r) => r.name === name);
  unlinkSync(abs);
  return entry!;
}
