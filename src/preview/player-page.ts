/** The player UI page (served at `/` and `/__hyperframes/`): markup; styles in player-css.ts, behaviour in client/. */
import { CSS, THEME_BOOT } from "./player-css.js";


const ICONS = {
  start: '<svg viewBox="0 0 16 16"><path d="M3 2h2v12H3zM14 2v12L6 8z"/></svg>',
  prev: '<svg viewBox="0 0 16 16"><path d="M4 2h2v12H4zM13 2v12L7 8z"/></svg>',
  play: '<svg viewBox="0 0 16 16"><path d="M4 2l10 6-10 6z"/></svg>',
  next: '<svg viewBox="0 0 16 16"><path d="M3 2l6 6-6 6zM10 2h2v12h-2z"/></svg>',
  end: '<svg viewBox="0 0 16 16"><path d="M2 2l8 6-8 6zM11 2h2v12h-2z"/></svg>',
  loop: '<svg viewBox="0 0 16 16"><path d="M4 5h7V3l3 3-3 3V7H4a1 1 0 00-1 1v1H1V8a3 3 0 013-3zm8 6H5v2l-3-3 3-3v2h7a1 1 0 001-1V7h2v1a3 3 0 01-3 3z"/></svg>',
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function playerPage(opts: { projectName: string; wsToken: string; apiToken?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 16 16%22%3E%3Cpath d=%22M4 2l10 6-10 6z%22 fill=%22%236366f1%22/%3E%3C/svg%3E">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.projectName)} · HyperFrames preview</title>
<script>${THEME_BOOT}</script>
<style>${CSS}</style>
</head>
<body>
<div id="app">
  <header>
    <div class="brand"><div class="logo"></div>HyperFrames <span class="sub">preview</span></div>
    <div class="sep"></div>
    <select id="comp-picker" title="Composition"></select>
    <span class="meta" id="comp-meta"></span>
    <div class="spacer"></div>
    <button class="btn lint-badge" id="lint-badge" aria-controls="lint-panel" aria-expanded="false">Lint</button>
    <button class="btn icon" id="theme-toggle" type="button" title="Theme"></button>
    <span class="meta" id="conn"><span class="status-dot" id="conn-dot"></span> <span id="conn-text">connecting</span></span>
    <button class="btn" id="snapshot-btn" type="button" title="Save this frame as a full-resolution PNG, made by the render pipeline, in renders/">Snapshot</button>
    <button class="btn primary" id="render-btn" title="Render the current composition and variables: settings, progress and history" aria-controls="render-panel" aria-expanded="false">Render</button>
  </header>
  <main id="stage">
    <div id="frame-box"><iframe id="comp-frame" title="composition" allow="autoplay; fullscreen"></iframe></div>
    <div id="loading">Loading…</div>
    <div id="overlay" role="alert"></div>
  </main>
  <section id="timeline">
    <div id="transport">
      <button class="btn icon" id="btn-start" title="Jump to start (Home)">${ICONS.start}</button>
      <button class="btn icon" id="btn-prev" title="Previous frame (←; Shift: 10 frames)">${ICONS.prev}</button>
      <button class="btn icon play" id="btn-play" title="Play / pause (Space; J/K/L shuttle)">${ICONS.play}</button>
      <button class="btn icon" id="btn-next" title="Next frame (→; Shift: 10 frames)">${ICONS.next}</button>
      <button class="btn icon" id="btn-end" title="Jump to end (End)">${ICONS.end}</button>
      <span id="time">0.00 s <span class="dur">/ 0.00 s</span></span>
      <span id="frameno">0 / 0</span>
      <span id="shuttle" class="kbd" aria-live="polite"></span>
      <input id="jump" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" placeholder="go to…" aria-label="Go to a frame (48) or a time (1.5s, 0:01.5)" title="Go to a frame (48) or a time (1.5s, 0:01.5); Enter">
      <div class="spacer"></div>
      <button class="btn" id="compare-btn" type="button" title="Compare with the last render (overlay, then split)">Compare</button>
      <button class="btn icon" id="btn-loop" title="Loop (R)">${ICONS.loop}</button>
      <select id="rate" title="Playback speed">
        <option value="0.25">0.25×</option><option value="0.5">0.5×</option><option value="1" selected>1×</option>
        <option value="1.5">1.5×</option><option value="2">2×</option><option value="4">4×</option>
      </select>
    </div>
    <div id="tracks">
      <div class="ruler"><div class="lab" id="ruler-lab">time</div><div id="scrub"><div class="fill" id="scrub-fill"></div></div></div>
      <div id="lanes"></div>
      <div id="playhead"></div>
    </div>
  </section>
  <aside>
    <div class="panel-head">Variables<span class="spacer"></span><span class="kbd" id="vars-count"></span></div>
    <div id="vars"></div>
    <div class="vars-actions">
      <button class="btn" id="vars-reset" title="Reset every variable to its default">Reset</button>
      <button class="btn" id="vars-copy" title="Copy the overrides as a --variables JSON argument">Copy --variables</button>
    </div>
    <div id="lint-panel"><div class="panel-head">Lint</div><ul id="lint-list"></ul></div>
    <div id="render-panel" aria-label="Render">
      <div class="panel-head">Render<span class="spacer"></span><button class="btn icon" id="render-close" title="Close">✕</button></div>
      <form id="render-form">
        <div class="grid">
          <label>Format<select id="render-format"><option value="mp4">MP4</option><option value="webm">WebM</option><option value="mov">MOV</option><option value="gif">GIF</option></select></label>
          <label>Quality<select id="render-quality"><option value="draft">Draft</option><option value="standard">Standard</option><option value="high">High</option></select></label>
          <label>FPS<input id="render-fps" type="number" min="1" max="240" step="1"></label>
        </div>
        <div class="kbd" id="render-vars-label">Variables</div>
        <pre id="render-vars"></pre>
        <button class="btn primary" id="render-start" type="submit">Start render</button>
      </form>
      <div id="render-progress"></div>
      <div class="panel-head">History<span class="spacer"></span><span class="kbd" id="render-count"></span></div>
      <ul id="render-history"></ul>
      <video id="render-player" controls muted preload="metadata"></video>
    </div>
  </aside>
</div>
<div id="toast"></div>
<script>window.__HF_WS = ${JSON.stringify({ token: opts.wsToken, path: "/" }).replace(/</g, "\\u003c")};window.__HF_API_TOKEN = ${JSON.stringify(opts.apiToken ?? "").replace(/</g, "\\u003c")};</script>
<script src="/__hyperframes/client.js"></script>
</body>
</html>`;
}
