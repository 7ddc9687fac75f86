/**
 * Listens to the dev server's HMR websocket for our `hf:reload` event. The player does not load Vite's own
 * client: that one would reload the whole player page on an .html change and lose the player's state.
 */
import { $ } from "./dom.js";

export interface HmrHandlers {
  onReload(data: { files: string[] }): void;
  onConnection(up: boolean): void;
}

export function connectHmr(handlers: HmrHandlers): void {
  const cfg = (window as any).__HF_WS as { token: string; path: string } | undefined;
  if (!cfg) return;
  let retry = 500;
  let wasDown = false;
  const open = () => {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${proto}://${location.host}${cfg.path}?token=${encodeURIComponent(cfg.token)}`, "vite-hmr");
    ws.addEventListener("open", () => {
      retry = 500;
      handlers.onConnection(true);
      // the server restarted while we were away: files may have changed
      if (wasDown) handlers.onReload({ files: [] });
      wasDown = false;
    });
    ws.addEventListener("message", (ev) => {
      let msg: any;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (msg?.type === "custom" && msg.event === "hf:reload") handlers.onReload(msg.data ?? { files: [] });
    });
    ws.addEventListener("close", () => {
      handlers.onConnection(false);
      wasDown = true;
      setTimeout(open, retry);
      retry = Math.min(retry * 2, 5000);
    });
  };
  open();
}

/** The connection light in the top bar. */
export function showConnection(up: boolean): void {
  $("conn-dot").className = `status-dot ${up ? "live" : "err"}`;
  $("conn-text").textContent = up ? "live" : "disconnected";
}
