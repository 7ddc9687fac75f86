// Sub-composition scripts: inline ones wrapped in their host's scope, external ones loaded once, all moved to the end of <body>.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Element } from "domhandler";
import { CompositionError } from "../../errors.js";
import type { Piece } from "../line-map.js";
import type { ChildContent, Ctx } from "./context.js";
import { outsideProject, projectPath, rebasePath } from "./paths.js";

/**
 * A sub-composition script, wrapped so it runs with the scoped `document`, `window`, `gsap` and
 * `__hyperframes` of its host. The code keeps its own lines (the wrapper adds none before it).
 */
function scriptTag(code: Piece, scopeId: string): Piece[] {
  const safe = code.text.replace(/<\/script/gi, "<\\/script");
  return [
    { text: `<script>(function(){var __s=window.__hfScope(${JSON.stringify(scopeId)});(function(document,window,gsap,__hyperframes){` },
    { ...code, text: safe },
    { text: `\n}).call(__s.window,__s.document,__s.window,__s.gsap,__s.__hyperframes);})();</script>\n` },
  ];
}

export const LIB_RE = /(^|\/)(gsap|ScrollTrigger|lottie|anime|three)(\.min)?\.js$/i;

/** An attribute value as parsed (entities kept as written), re-quoted with double quotes. */
const quoteAttr = (raw: string) => raw.replace(/"/g, "&quot;");

export function isJsScript(el: Element): boolean {
  const type = (el.attribs.type ?? "").trim();
  return !type || /^(text|application)\/(javascript|ecmascript)$|^module$/i.test(type);
}

/** Move one sub-composition <script> to the end-of-body lists (external ones run before inline ones). */
export function takeScript(ctx: Ctx, el: Element, content: ChildContent, subRel: string, scopeId: string): void {
  const src = el.attribs.src;
  if (src !== undefined) {
    if (/^(https?:)?\/\//i.test(src)) {
      // remote library or script: once per page
      const key = LIB_RE.test(src) ? libName(src) : src;
      if (ctx.loadedScripts.has(key) || ctx.loadedScripts.has(src)) return;
      ctx.loadedScripts.add(key);
      ctx.loadedScripts.add(src);
      ctx.externalScripts.push([{ text: `<script src="${quoteAttr(src)}"></script>\n` }]);
      return;
    }
    const rel = path.posix.normalize(rebasePath(ctx, src.replace(/^\.\//, ""), subRel));
    const outside = outsideProject(ctx, projectPath(ctx, rel));
    if (outside)
      throw new CompositionError("file_outside_project", `<script src="${src}"> in ${subRel} points outside the project (${outside})`, {
        file: subRel,
        hint: "copy the script into the project and load it by a relative path (renders and the preview read only the project's own files)",
      });
    if (ctx.loadedScripts.has(rel) || (LIB_RE.test(rel) && ctx.loadedScripts.has(libName(rel)))) return;
    ctx.loadedScripts.add(rel);
    if (LIB_RE.test(rel)) ctx.loadedScripts.add(libName(rel));
    // like the official compiler, a script file runs as written, unscoped (GSAP plugins, helpers); only
    // inline scripts get the host's scope
    if (existsSync(path.resolve(ctx.projectDir, rel))) ctx.deps.add(rel);
    ctx.externalScripts.push([{ text: `<script src="${quoteAttr(rel)}"></script>\n` }]);
    return;
  }
  const textNode = el.children.find((c) => (c as { data?: string }).data !== undefined) as { startIndex?: number | null } | undefined;
  const code = el.children.map((c) => (c as { data?: string }).data ?? "").join("");
  const at = textNode?.startIndex;
  ctx.inlineScripts.push(scriptTag({ text: code, file: content.file, line: at != null ? content.lineAt(at) : undefined }, scopeId));
}

export function libName(src: string): string {
  const m = LIB_RE.exec(src);
  return m ? `lib:${m[2]!.toLowerCase()}` : src;
}
