// Paths of the sub-composition compiler: rebasing references against a sub-composition's folder, reading its file.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { CompositionError } from "../../errors.js";
import { checkProjectPath, projectRelative, resolveLocalPath } from "../files.js";
import type { Ctx } from "./context.js";

/** A reference that is not a relative path (URL with a scheme, protocol-relative, root-absolute, fragment). */
const NON_RELATIVE = /^([a-z][a-z0-9+.-]*:|\/|#|\{\{)/i;

/**
 * Rewrite a path written inside a sub-composition file for the page it is mounted in (resolveLocalPath's
 * rule, as the official compiler): `../x` from the sub-composition's folder; a plain relative path names a
 * sibling of the sub-composition when that file exists, else it is left as written (project-root relative).
 */
export function rebasePath(ctx: Ctx, ref: string, subFileRel: string): string {
  if (!ref || NON_RELATIVE.test(ref)) return ref;
  const cut = ref.search(/[?#]/);
  const file = cut < 0 ? ref : ref.slice(0, cut);
  if (!file) return ref;
  const abs = resolveLocalPath(file, {
    projectDir: ctx.projectDir,
    baseDir: ctx.projectDir,
    fileDir: path.dirname(path.join(ctx.projectDir, subFileRel)),
    mode: "subcomposition",
  });
  const rel = projectRelative(ctx.projectDir, abs);
  if (!rel) return ref;
  return rel === path.posix.normalize(file) ? ref : rel + (cut < 0 ? "" : ref.slice(cut));
}

export function rebaseCssUrls(ctx: Ctx, css: string, subFileRel: string): string {
  return css.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, (m, q: string, p: string) => {
    const r = rebasePath(ctx, p.trim(), subFileRel);
    return r === p.trim() ? m : `url(${q}${r}${q})`;
  });
}

/** Absolute path of a project path as the file server sees it: `/x` is the project root, not the disk's. */
export function projectPath(ctx: Ctx, rel: string): string {
  return rel.startsWith("/") ? path.join(ctx.projectDir, rel) : path.resolve(ctx.projectDir, rel);
}

/** Where a reference really leads when that is outside the project (a `..` path or a symlink), else undefined. */
export function outsideProject(ctx: Ctx, abs: string): string | undefined {
  const c = checkProjectPath(ctx.projectDir, abs);
  return c.inside ? undefined : c.viaSymlink ? `a symlink to ${c.real}` : c.real;
}

export function readSub(ctx: Ctx, rel: string, hostDesc: string, fromFile: string): string {
  const abs = projectPath(ctx, rel);
  const outside = outsideProject(ctx, abs);
  if (outside)
    throw new CompositionError("subcomposition_outside_project", `${hostDesc} data-composition-src="${rel}" points outside the project (${outside})`, {
      file: fromFile,
      hint: "keep sub-compositions inside the project folder (renders and the preview read only the project's own files)",
    });
  if (!existsSync(abs))
    throw new CompositionError("subcomposition_file_missing", `${hostDesc} data-composition-src="${rel}": file not found`, {
      file: fromFile,
      hint: `create ${rel} or fix the path (it is resolved from the project root)`,
    });
  ctx.deps.add(rel);
  return readFileSync(abs, "utf8");
}
