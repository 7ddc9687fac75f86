/**
 * The render history in the render panel: the files in the project's renders/ folder (read from the server,
 * so it survives a reload), each with play (in the panel's player), download and delete (a second click
 * confirms; the server deletes only files directly in renders/, for the player's own requests).
 */
import { $, h, toast } from "./dom.js";
import { apiHeaders } from "./api.js";
import type { RenderFile } from "./types.js";

function size(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

function when(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
}

export class RenderHistory {
  private readonly list = $("render-history");
  private readonly count = $("render-count");
  private readonly player = $<HTMLVideoElement>("render-player");
  files: RenderFile[] = [];
  private playing = "";

  async refresh(): Promise<void> {
    try {
      const r = await fetch("/__hyperframes/renders", { cache: "no-store" });
      this.files = ((await r.json()) as { renders: RenderFile[] }).renders ?? [];
    } catch {
      this.files = [];
    }
    this.draw();
  }

  /** The newest video in the history (the one to compare with), if any. */
  latestVideo(): RenderFile | undefined {
    return this.files.find((f) => f.kind === "video");
  }

  play(f: RenderFile): void {
    this.playing = f.file;
    this.player.src = f.url;
    this.player.classList.add("show");
    void this.player.play().catch(() => undefined);
    this.draw();
  }

  private async remove(f: RenderFile): Promise<void> {
    const r = await fetch("/__hyperframes/renders/delete", { method: "POST", headers: apiHeaders(), body: JSON.stringify({ file: f.file }) });
    if (!r.ok) {
      const body = (await r.json().catch(() => ({}))) as { error?: { message?: string } };
      toast(`Delete failed: ${body.error?.message ?? `HTTP ${r.status}`}`);
    } else if (this.playing === f.file) {
      this.player.removeAttribute("src");
      this.player.classList.remove("show");
      this.playing = "";
    }
    await this.refresh();
  }

  private draw(): void {
    this.list.textContent = "";
    this.count.textContent = this.files.length ? String(this.files.length) : "";
    if (!this.files.length) {
      this.list.append(h("li", { class: "empty" }, "No renders yet: they are saved in renders/."));
      return;
    }
    for (const f of this.files) {
      const del = h("button", { class: "btn", type: "button", "data-action": "delete", title: `Delete ${f.file}` }, "Delete");
      del.addEventListener("click", () => {
        if (del.dataset.armed) return void this.remove(f);
        del.dataset.armed = "1";
        del.textContent = "Confirm";
        setTimeout(() => {
          delete del.dataset.armed;
          del.textContent = "Delete";
        }, 3000);
      });
      const row = h("div", { class: "row" }, h("span", { class: "kbd" }, `${size(f.size)} · ${when(f.mtime)}`));
      if (f.kind !== "other") {
        const play = h("button", { class: "btn", type: "button", "data-action": "play", title: `Play ${f.name}` }, "Play");
        play.addEventListener("click", () => (f.kind === "video" ? this.play(f) : window.open(f.url, "_blank")));
        row.append(play);
      }
      row.append(h("a", { class: "btn", href: f.url, download: f.name, "data-action": "download", title: `Download ${f.name}` }, "Download"), del);
      this.list.append(h("li", { class: this.playing === f.file ? "playing" : "", "data-file": f.file }, h("div", { class: "name" }, f.name), row));
    }
  }
}
