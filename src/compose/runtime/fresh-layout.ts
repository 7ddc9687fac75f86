/**
 * Every changed render frame is laid out afresh, so it is drawn as on a page that starts at that frame.
 *
 * Within one page, Chrome keeps the text layout of an element whose transform changes (transforms need no
 * layout). Text that moved with fractional offsets in earlier frames and later rotates is then drawn with glyph
 * edges slightly off from a page that starts at that moment (real-world case gsap-letters, frames 84 and 95:
 * 45.9 dB against the official references; bench frames 150 and 299 lost 1-2 dB). Repainting does not
 * help (a colour change on the text: no change); a new text layout does. The official renderer's references
 * are drawn fresh for every frame, and ours now are too.
 *
 * How: a constructed stylesheet that sets `unicode-bidi: bidi-override` on every element is adopted, the
 * layout is flushed, and the sheet is dropped again, so the frame's own layout (in the capture that follows)
 * rebuilds every text run with the page's own styles. No DOM mutation (the page's MutationObservers and our
 * change detection see nothing). `unicode-bidi` is not animatable, so no CSS transition can hold the change
 * back, even `transition: all … allow-discrete` (a discrete font property, `font-variant-position`, measured
 * as effective without transitions and ineffective with one). Cost: two style/layout passes per changed
 * frame (no measurable difference on the 1080p bench). Shadow trees and iframes keep their layout (a
 * document sheet does not reach them).
 *
 * Written by hand: it is a few lines of the render contract, not a library's job.
 */

let sheet: CSSStyleSheet | undefined;

export function freshLayout(): void {
  const root = document.documentElement;
  if (!root || !("adoptedStyleSheets" in document) || typeof CSSStyleSheet !== "function") return;
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync("* { unicode-bidi: bidi-override !important; }");
    }
    const own = sheet;
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, own];
    void root.offsetHeight;
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== own);
  } catch {
    // a page that froze adoptedStyleSheets: its frames keep Chrome's incremental layout
  }
}
