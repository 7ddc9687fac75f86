/**
 * Virtual clock for render mode: Date, Date.now, performance.now and requestAnimationFrame follow the
 * frame being rendered (composition time in ms, starting at 0 = page load). rAF callbacks are queued and
 * run once per rendered frame with the frame's timestamp. Timers are left alone (as in the reference).
 *
 * Same-origin iframes share the clock: the renderer runs FRAME_CLOCK_SCRIPT (../frame-clock.ts) in every new
 * document before its own scripts, and it hands the frame's window to `adoptFrame`, so a page embedded in an
 * iframe animates with the composition's time as the official renderer's does (its rAF callbacks run in the
 * same per-frame flush, with the same timestamp).
 */
export interface VirtualTime {
  set(ms: number): void;
  get(): number;
  /** Run the rAF callbacks queued so far (the page's and its frames') with the current virtual timestamp. */
  flushFrame(): void;
  /** Give another window (a same-origin iframe's) this clock. */
  adoptFrame(win: Window): void;
  realNow(): number;
  realRequestAnimationFrame: typeof requestAnimationFrame;
}

export function installVirtualTime(): VirtualTime {
  let now = 0;
  const realPerfNow = performance.now.bind(performance);
  const realRaf = window.requestAnimationFrame.bind(window);
  let queue = new Map<number, FrameRequestCallback>();
  let nextId = 1;
  const adopted = new WeakSet<Window>();

  function patch(win: Window): void {
    if (adopted.has(win)) return;
    adopted.add(win);
    const G = win as any;
    const RealDate: DateConstructor = G.Date;
    function VDate(this: any, ...args: any[]) {
      if (!(this instanceof VDate)) return new RealDate(now).toString();
      return args.length === 0 ? new RealDate(now) : new (RealDate as any)(...args);
    }
    VDate.prototype = RealDate.prototype;
    (VDate as any).now = () => now;
    (VDate as any).parse = RealDate.parse;
    (VDate as any).UTC = RealDate.UTC;
    G.Date = VDate;
    G.performance.now = () => now;
    G.requestAnimationFrame = (cb: FrameRequestCallback) => {
      const id = nextId++;
      queue.set(id, cb);
      return id;
    };
    G.cancelAnimationFrame = (id: number) => {
      queue.delete(id);
    };
  }
  patch(window);

  const vt: VirtualTime = {
    set(ms) {
      now = ms;
    },
    get: () => now,
    flushFrame() {
      const q = queue;
      queue = new Map();
      for (const cb of q.values()) {
        try {
          cb(now);
        } catch (e) {
          setTimeout(() => {
            throw e;
          });
        }
      }
    },
    adoptFrame(win) {
      // only a window this page may script (same origin, about:blank, srcdoc): a cross-origin one throws here
      try {
        if (win === window || !win.document) return;
      } catch {
        return;
      }
      patch(win);
    },
    realNow: realPerfNow,
    realRequestAnimationFrame: realRaf,
  };
  (window as any).__HF_VIRTUAL_TIME__ = { seekToTime: (ms: number) => (vt.set(ms), vt.flushFrame()), getTime: () => now, adoptFrame: vt.adoptFrame };
  return vt;
}
