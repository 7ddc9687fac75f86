/**
 * Virtual clock for render mode: Date, Date.now, performance.now and requestAnimationFrame follow the
 * frame being rendered (composition time in ms, starting at 0 = page load). rAF callbacks are queued and
 * run once per rendered frame with the frame's timestamp. Timers are left alone (as in the reference).
 */
export interface VirtualTime {
  set(ms: number): void;
  get(): number;
  /** Run the rAF callbacks queued so far with the current virtual timestamp. */
  flushFrame(): void;
  realNow(): number;
  realRequestAnimationFrame: typeof requestAnimationFrame;
}

export function installVirtualTime(): VirtualTime {
  const W = window as any;
  let now = 0;
  const RealDate = Date;
  const realPerfNow = performance.now.bind(performance);
  const realRaf = window.requestAnimationFrame.bind(window);

  function VDate(this: any, ...args: any[]) {
    if (!(this instanceof VDate)) return new RealDate(now).toString();
    return args.length === 0 ? new RealDate(now) : new (RealDate as any)(...args);
  }
  VDate.prototype = RealDate.prototype;
  (VDate as any).now = () => now;
  (VDate as any).parse = RealDate.parse;
  (VDate as any).UTC = RealDate.UTC;
  W.Date = VDate;
  performance.now = () => now;

  let queue = new Map<number, FrameRequestCallback>();
  let nextId = 1;
  W.requestAnimationFrame = (cb: FrameRequestCallback) => {
    const id = nextId++;
    queue.set(id, cb);
    return id;
  };
  W.cancelAnimationFrame = (id: number) => {
    queue.delete(id);
  };

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
    realNow: realPerfNow,
    realRequestAnimationFrame: realRaf,
  };
  W.__HF_VIRTUAL_TIME__ = { seekToTime: (ms: number) => (vt.set(ms), vt.flushFrame()), getTime: () => now };
  return vt;
}
