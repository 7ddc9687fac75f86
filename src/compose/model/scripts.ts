/**
 * Model stage "scripts": every <script> that runs in the page (inline templates only when mounted), with
 * its inline source and where that source starts.
 */
import { allElements, attr, describeElement, isInsideTemplate, ownText, parentElement, type Element } from "../html.js";
import { classifyUrl } from "../files.js";
import type { Ctx } from "./context.js";
import type { LoadedDoc, VNode } from "./types.js";

const JS_TYPES = new Set(["", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"]);

/** Collect the scripts of every loaded document into `a.scripts`. */
export function collectScripts(ctx: Ctx): void {
  const { a, lineOf } = ctx;
  const scriptScope = (d: LoadedDoc): Element[] => {
    if (d.mode === "document") return allElements(d.html.doc);
    const inContainer = d.container ? allElements(d.container) : allElements(d.html.doc);
    return d.templated ? inContainer : allElements(d.html.doc);
  };
  for (const d of a.docs) {
    for (const el of scriptScope(d)) {
      if (el.name !== "script") continue;
      if (d.mode === "document" && isInsideTemplate(el) && !isMountedTemplateContent(el, a.nodes)) continue;
      const src = attr(el, "src");
      const type = (attr(el, "type") ?? "").trim().toLowerCase();
      const { text, offset } = ownText(el);
      a.scripts.push({
        file: d.rel,
        line: lineOf(d, el),
        element: describeElement(el),
        src,
        remote: src !== undefined && classifyUrl(src).kind === "remote",
        text: src !== undefined ? "" : text,
        textLine: offset !== undefined ? d.html.lineAt(offset) : undefined,
        isJs: JS_TYPES.has(type),
      });
    }
  }
}

/** A script inside an inline <template> counts only when that template is mounted. */
function isMountedTemplateContent(el: Element, nodes: VNode[]): boolean {
  for (let p = parentElement(el); p; p = parentElement(p)) {
    if (p.name === "template") {
      const tid = attr(p, "id");
      return nodes.some((n) => n.isHost && n.mount?.src === `#${tid}`);
    }
  }
  return false;
}
