/**
 * The Snapshot button: saves the frame on screen as a full-resolution PNG made by the render pipeline (the
 * server runs render/snapshot.ts), into renders/ where the history lists it.
 */
import { $, toast } from "./dom.js";
import { apiHeaders } from "./api.js";

export interface SnapshotTarget {
  composition: string;
  variables: Record<string, unknown>;
  frame: number;
  sub: boolean;
}

export function bindSnapshot(current: () => SnapshotTarget, onSaved: (file: string) => void): void {
  const btn = $<HTMLButtonElement>("snapshot-btn");
  btn.addEventListener("click", async () => {
    const t = current();
    if (t.sub) return toast("Snapshots are taken of a page: open one that mounts this sub-composition");
    btn.disabled = true;
    btn.textContent = "Saving…";
    try {
      const r = await fetch("/__hyperframes/snapshot", { method: "POST", headers: apiHeaders(), body: JSON.stringify({ composition: t.composition, variables: t.variables, frame: t.frame }) });
      const body = (await r.json()) as { file?: string; width?: number; height?: number; error?: { message?: string; hint?: string } };
      if (!r.ok || !body.file) throw new Error(`${body.error?.message ?? `HTTP ${r.status}`}${body.error?.hint ? ` — ${body.error.hint}` : ""}`);
      btn.dataset.last = body.file;
      toast(`Saved frame ${t.frame} at ${body.width}×${body.height}: ${body.file}`);
      onSaved(body.file);
    } catch (e) {
      toast(`Snapshot failed: ${(e as Error).message}`);
    } finally {
      btn.disabled = false;
      btn.textContent = "Snapshot";
    }
  });
}
