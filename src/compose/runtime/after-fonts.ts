// Runs the body scripts the page builder marked inert (defer-scripts.ts), once the page's web fonts have
// loaded: the rule and why are in ../script-gate.ts.
import { AFTER_FONTS_LINE_ATTR, AFTER_FONTS_MODULE_TYPE, AFTER_FONTS_TYPE, AFTER_FONTS_WAIT_MS } from "../script-gate.js";
import { warnings } from "./state.js";
import { addRuntimeStyle } from "./visibility.js";

interface Held {
  target: EventTarget;
  listener: EventListenerOrEventListenerObject;
  type: string;
}

/** Lay the page out (that starts the loads of the faces it uses), then wait for them, 5 s at most. */
async function fontsLoaded(): Promise<void> {
  const fonts = (document as any).fonts as FontFaceSet | undefined;
  if (!fonts) return;
  void document.body?.offsetHeight;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = await Promise.race([
    fonts.ready.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), AFTER_FONTS_WAIT_MS))),
  ]);
  clearTimeout(timer);
  if (!timedOut) return;
  const loading = new Set<string>();
  fonts.forEach((f) => {
    if (f.status === "loading") loading.add(f.family);
  });
  warnings.push(`web fonts still loading after ${AFTER_FONTS_WAIT_MS / 1000} s; the composition's scripts ran without them: ${[...loading].join(", ")}`);
}

/** Hold `DOMContentLoaded` listeners, and window `load` listeners once the page has loaded; returns the undo. */
function holdLateListeners(target: Document | Window, held: Held[]): () => void {
  const own = Object.getOwnPropertyDescriptor(target, "addEventListener");
  const native = target.addEventListener;
  const hold = function (this: unknown, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    if (!listener) return;
    if (type === "DOMContentLoaded" || (type === "load" && target === window && document.readyState === "complete")) held.push({ target, listener, type });
    else native.call(target, type, listener, options);
  };
  (target as any).addEventListener = hold;
  return () => {
    if ((target as any).addEventListener !== hold) return;
    if (own) Object.defineProperty(target, "addEventListener", own);
    else delete (target as any).addEventListener;
  };
}

/** A live copy of a marked script, in its place; its code keeps its page lines (errors map to the author's file). */
function activate(el: HTMLScriptElement): HTMLScriptElement | null {
  if (!el.isConnected) return null;
  const s = document.createElement("script");
  for (const a of Array.from(el.attributes)) if (a.name !== "type" && a.name !== AFTER_FONTS_LINE_ATTR) s.setAttribute(a.name, a.value);
  if (el.getAttribute("type") === AFTER_FONTS_MODULE_TYPE) s.type = "module";
  s.async = el.hasAttribute("async");
  const line = Number(el.getAttribute(AFTER_FONTS_LINE_ATTR)) || 1;
  const code = el.text;
  // a script added by code has no file of its own: name it the page, and start its code on its page line
  if (code) s.text = `${"\n".repeat(Math.max(0, line - 1))}${code}\n//# sourceURL=${location.href.split("#")[0]}`;
  el.replaceWith(s);
  return s;
}

const loadedOrFailed = (s: HTMLScriptElement) =>
  new Promise<void>((r) => {
    s.addEventListener("load", () => r(), { once: true });
    s.addEventListener("error", () => r(), { once: true });
  });

/** Module scripts inserted with async=false run in order: a marker module after one has run once it has. */
function modulesRun(): Promise<void> {
  const marker = document.createElement("script");
  marker.type = "module";
  marker.async = false;
  marker.text = 'document.dispatchEvent(new Event("hf-after-fonts-modules"))';
  const done = new Promise<void>((r) => document.addEventListener("hf-after-fonts-modules", () => r(), { once: true }));
  document.body.appendChild(marker);
  return done.then(() => marker.remove());
}

/**
 * Consecutive inline classic scripts run as one script, as the official compiler merges them (between two
 * scripts that run on their own: a file, a module, `async` or `defer`): a function declared in a later one is
 * there for an earlier one, and an error stops the rest of the run. The merged code keeps every line where it
 * was (each member starts on its page line), so errors still map to the author's file and line.
 */
function mergeInlineRuns(marked: HTMLScriptElement[]): HTMLScriptElement[] {
  const alone = (el: HTMLScriptElement) =>
    el.getAttribute("type") === AFTER_FONTS_MODULE_TYPE || el.hasAttribute("src") || el.hasAttribute("async") || el.hasAttribute("defer");
  const out: HTMLScriptElement[] = [];
  let run: HTMLScriptElement[] = [];
  const flush = () => {
    if (run.length > 1) {
      // the first member keeps its line (activate() pads to it); each next one is padded to its own from there
      let code = run[0]!.text;
      let line = (Number(run[0]!.getAttribute(AFTER_FONTS_LINE_ATTR)) || 1) + (code.match(/\n/g) ?? []).length;
      for (const el of run.slice(1)) {
        const at = Number(el.getAttribute(AFTER_FONTS_LINE_ATTR)) || line + 1;
        code += "\n;" + "\n".repeat(Math.max(0, at - line - 1)) + el.text;
        line = Math.max(at, line + 1) + (el.text.match(/\n/g) ?? []).length;
        el.remove();
      }
      run[0]!.text = code;
    }
    if (run.length) out.push(run[0]!);
    run = [];
  };
  for (const el of marked) {
    if (alone(el)) {
      flush();
      out.push(el);
    } else run.push(el);
  }
  flush();
  return out;
}

/**
 * While the body scripts run, every timed element but media is hidden (`visibility: hidden !important`), as in
 * the official runtime: a script that reads computed styles at build time (a canvas copy of a scene that skips
 * hidden elements, say) sees its timed elements hidden. The rule goes once the last script has run, before the
 * held listeners are called; checked with the official CLI 0.8.170 (timers and microtasks of a module's wait
 * see it, DOMContentLoaded and load listeners and animation frames do not).
 */
const TIMED_HIDDEN_WHILE_SCRIPTS = "[data-start]:not(video, audio, img) { visibility: hidden !important; }";
function hideTimedWhileScriptsRun(): () => void {
  const style = addRuntimeStyle(TIMED_HIDDEN_WHILE_SCRIPTS);
  return () => style.remove();
}

/**
 * Runs the marked scripts (classic ones in document order, then modules and `defer` files, as a parser
 * would) after the fonts; returns a function that calls the listeners held meanwhile.
 */
export async function runAfterFontsScripts(): Promise<() => void> {
  const found = Array.from(document.querySelectorAll<HTMLScriptElement>(`script[type="${AFTER_FONTS_TYPE}"], script[type="${AFTER_FONTS_MODULE_TYPE}"]`));
  if (found.length === 0) return () => undefined;
  await fontsLoaded();
  const marked = mergeInlineRuns(found);
  const late = (el: HTMLScriptElement) => el.getAttribute("type") === AFTER_FONTS_MODULE_TYPE || (el.hasAttribute("defer") && el.hasAttribute("src"));
  const held: Held[] = [];
  const undo = [document, window].map((t) => holdLateListeners(t, held));
  undo.push(hideTimedWhileScriptsRun());
  try {
    for (const el of [...marked.filter((e) => !late(e)), ...marked.filter(late)]) {
      const s = activate(el);
      if (!s) continue;
      if (s.type === "module") await modulesRun();
      else if (s.hasAttribute("src") && !s.async) await loadedOrFailed(s);
    }
  } finally {
    for (const u of undo) u();
  }
  return () => {
    for (const { target, listener, type } of held) {
      const event = new Event(type);
      try {
        if (typeof listener === "function") listener.call(target, event);
        else listener.handleEvent(event);
      } catch (e) {
        reportError(e);
      }
    }
  };
}
