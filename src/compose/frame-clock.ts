/**
 * The script the renderer runs in every new document of a capture page before the document's own scripts
 * (Page.addScriptToEvaluateOnNewDocument). In a same-origin iframe it hands the frame's window to the top
 * page's virtual clock (runtime/virtual-time.ts), so the iframe's Date, performance.now and
 * requestAnimationFrame follow the rendered frame; in the top page, or when the top page has no virtual
 * clock (preview, a cross-origin frame), it does nothing.
 */
export const FRAME_CLOCK_SCRIPT = `(() => {
  try {
    if (window.top !== window) window.top.__HF_VIRTUAL_TIME__?.adoptFrame?.(window);
  } catch {}
})();`;
