/** The stage's frame box: each composition iframe at the composition's own size, scaled to fit the stage. */

interface Size {
  width: number;
  height: number;
}

/** An iframe laid out at the composition's pixel size (the box scales it). */
export function sizeFrame(frame: HTMLIFrameElement, d: Size): void {
  frame.width = String(d.width);
  frame.height = String(d.height);
  frame.style.width = `${d.width}px`;
  frame.style.height = `${d.height}px`;
}

/** Fit the box (and every iframe in it) into the stage, keeping the aspect ratio; the scale goes in data-scale. */
export function fitFrames(box: HTMLElement, stage: HTMLElement, d: Size): void {
  const pad = 32;
  const sw = Math.max(50, stage.clientWidth - pad * 2);
  const sh = Math.max(50, stage.clientHeight - pad * 2);
  const s = Math.min(sw / d.width, sh / d.height);
  box.style.width = `${Math.round(d.width * s)}px`;
  box.style.height = `${Math.round(d.height * s)}px`;
  for (const f of Array.from(box.querySelectorAll("iframe"))) {
    sizeFrame(f, d);
    f.style.transform = `scale(${s})`;
  }
  box.dataset.scale = String(s);
}
