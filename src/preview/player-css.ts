/**
 * The player UI's styles, in a dark and a light theme: the light one when the system prefers it (unless the
 * page is told dark) or when the page is told light (the theme button, client/theme.ts, sets
 * <html data-theme> and remembers the choice). THEME_BOOT applies a remembered choice before the first paint.
 */

const LIGHT = `--bg: #f3f4f6; --panel: #ffffff; --panel2: #f0f2f5; --line: #e2e5ea; --line2: #cdd2da; --text: #1b1e24; --muted: #596170;
  --faint: #858c98; --accent: #3b6be0; --accent2: #2c58c9; --danger: #d23445; --warn: #a86b10; --ok: #17895b;
  --hover: #e8ebf0; --hover-line: #b6bcc7; --stage-a: #eef0f3; --stage-b: #dcdfe5; --checker-a: #e7e9ec; --checker-b: #f6f7f8;
  --frame-ring: #c6cbd3; --row-line: #eceef2; --switch: #cdd2da; --lane: #eef0f3; --tick: #c3c8d0; --tick-major: #959ca8;
  --bar-bg: #e2e5ea; --play-bg: #e4e8ee; --thumb: #eef0f3; --toast: #ffffff; --shadow: rgba(30,40,60,.18); color-scheme: light;`;
const LIGHT_WHEN_SYSTEM = `@media (prefers-color-scheme: light) { :root:not([data-theme="dark"]) { ${LIGHT} } }`;

/** Sets <html data-theme> from the remembered choice before the page paints (no flash of the other theme). */
export const THEME_BOOT = `try{var t=localStorage.getItem("hf-preview-theme");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

export const CSS = `
:root {
  --bg: #0c0d10; --panel: #15171c; --panel2: #1b1e24; --line: #262a32; --line2: #323742;
  --text: #dde1e8; --muted: #8a909c; --faint: #5c626d; --accent: #5b8cff; --accent2: #86a8ff;
  --danger: #ff5d6c; --warn: #f3b94d; --ok: #3ecf8e;
  --hover: #21252d; --hover-line: #46505f; --stage-a: #15171c; --stage-b: #0c0d10; --checker-a: #1a1c21; --checker-b: #141619;
  --frame-ring: #2a2e36; --row-line: #1f2228; --switch: #2b3039; --lane: #111317; --tick: #3a404b; --tick-major: #4b5260;
  --bar-bg: #262a32; --play-bg: #252a33; --thumb: #0e0f12; --toast: #232833; --shadow: rgba(0,0,0,.55);
  --mono: ui-monospace, "SF Mono", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  color-scheme: dark;
}
${LIGHT_WHEN_SYSTEM}
:root[data-theme="light"] { ${LIGHT} }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--text);
  font: 13px/1.4 Inter, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; overflow: hidden; }
button, select, input { font: inherit; color: inherit; }
#app { display: grid; height: 100vh; grid-template-columns: minmax(0, 1fr) 300px; grid-template-rows: 44px minmax(0, 1fr) auto; }
header { grid-column: 1 / 3; display: flex; align-items: center; gap: 12px; padding: 0 12px; background: var(--panel); border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: center; gap: 8px; font-weight: 600; letter-spacing: .2px; }
.brand .logo { width: 18px; height: 18px; border-radius: 4px; background: linear-gradient(135deg, #5b8cff, #b45bff); }
.brand .sub { color: var(--muted); font-weight: 400; }
.sep { width: 1px; height: 20px; background: var(--line2); }
.meta { color: var(--muted); font-family: var(--mono); font-size: 12px; white-space: nowrap; }
.spacer { flex: 1; }
.status-dot { width: 8px; height: 8px; border-radius: 50%; background: var(--faint); display: inline-block; }
.status-dot.live { background: var(--ok); box-shadow: 0 0 6px var(--ok); }
.status-dot.err { background: var(--danger); }
select, input[type=text], input[type=number], input[type=url] {
  background: var(--panel2); border: 1px solid var(--line2); border-radius: 6px; padding: 5px 8px; outline: none; min-width: 0; }
select:focus, input:focus { border-color: var(--accent); }
.btn { display: inline-flex; align-items: center; justify-content: center; gap: 6px; height: 28px; padding: 0 10px; border-radius: 6px;
  background: var(--panel2); border: 1px solid var(--line2); cursor: pointer; white-space: nowrap; }
.btn:hover { border-color: var(--hover-line); background: var(--hover); }
.btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
.btn.primary:hover { background: var(--accent2); }
.btn.icon { width: 30px; padding: 0; }
.btn.on { color: var(--accent2); border-color: var(--accent); background: rgba(91,140,255,.12); }
.btn:disabled { opacity: .45; cursor: default; }
.btn svg { width: 14px; height: 14px; fill: currentColor; }
#stage { grid-row: 2; grid-column: 1; position: relative; overflow: hidden; display: flex; align-items: center; justify-content: center;
  background: radial-gradient(ellipse at center, var(--stage-a) 0%, var(--stage-b) 70%); }
#frame-box { position: relative; box-shadow: 0 10px 40px var(--shadow), 0 0 0 1px var(--frame-ring); background:
  repeating-conic-gradient(var(--checker-a) 0% 25%, var(--checker-b) 0% 50%) 50% / 20px 20px; }
#frame-box iframe { position: absolute; left: 0; top: 0; border: 0; transform-origin: 0 0; background: transparent; }
#compare-video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: fill; pointer-events: none; z-index: 2; }
#frame-box[data-compare="overlay"] #compare-video { opacity: .5; }
#frame-box[data-compare="split"] #compare-video { clip-path: inset(0 0 0 50%); }
#compare-divider { display: none; position: absolute; top: 0; bottom: 0; left: 50%; width: 2px; margin-left: -1px; background: var(--accent); z-index: 3; pointer-events: none; }
#frame-box[data-compare="split"] #compare-divider { display: block; }
#loading { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; color: var(--muted); pointer-events: none; }
#overlay { position: absolute; inset: 16px; display: none; overflow: auto; padding: 18px 20px; border-radius: 10px;
  background: rgba(20, 10, 14, .94); border: 1px solid rgba(255,93,108,.55); box-shadow: 0 12px 40px rgba(0,0,0,.6); z-index: 5; }
#overlay.show { display: block; }
#overlay h2 { margin: 0 0 4px; font-size: 15px; color: var(--danger); display: flex; align-items: center; gap: 8px; }
#overlay .where { color: var(--muted); font-family: var(--mono); font-size: 12px; margin-bottom: 10px; }
#overlay pre { margin: 6px 0 12px; padding: 10px 12px; background: #0b0b0e; border-radius: 6px; font: 12px/1.5 var(--mono); white-space: pre-wrap; color: #ffc2c8; max-height: 220px; overflow: auto; }
#overlay h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 14px 0 6px; }
#overlay ul { list-style: none; margin: 0; padding: 0; }
#overlay li { padding: 6px 0; border-top: 1px solid #2a1c22; font-size: 12.5px; }
#overlay li .sev { font: 600 10px var(--mono); text-transform: uppercase; padding: 1px 5px; border-radius: 3px; margin-right: 6px; }
#overlay li .sev.error { background: rgba(255,93,108,.18); color: var(--danger); }
#overlay li .sev.warning { background: rgba(243,185,77,.16); color: var(--warn); }
#overlay li .loc { color: var(--muted); font-family: var(--mono); font-size: 11.5px; }
#overlay li .hint { color: var(--muted); margin-top: 2px; }
#overlay .close { position: absolute; right: 12px; top: 12px; }
#overlay .foot { color: var(--faint); font-size: 12px; margin-top: 12px; }
aside { grid-row: 2 / 4; grid-column: 2; background: var(--panel); border-left: 1px solid var(--line); display: flex; flex-direction: column; min-height: 0; }
.panel-head { display: flex; align-items: center; gap: 8px; padding: 10px 14px; border-bottom: 1px solid var(--line);
  font-size: 11px; text-transform: uppercase; letter-spacing: .09em; color: var(--muted); font-weight: 600; }
.panel-head .spacer { flex: 1; }
#vars { flex: 1; overflow: auto; padding: 6px 14px 14px; }
.var { padding: 9px 0; border-bottom: 1px solid var(--row-line); }
.var label.name { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; margin-bottom: 6px; color: var(--text); font-size: 12.5px; }
.var label.name .id { color: var(--faint); font: 11px var(--mono); }
.var.changed label.name .txt::before { content: ""; display: inline-block; width: 6px; height: 6px; border-radius: 50%; background: var(--accent); margin-right: 7px; vertical-align: 2px; }
.var input[type=text], .var input[type=url], .var select { width: 100%; }
.var .row { display: flex; align-items: center; gap: 8px; }
.var input[type=range] { flex: 1; accent-color: var(--accent); }
.var input[type=number] { width: 76px; }
.var input[type=color] { width: 34px; height: 28px; padding: 0; border: 1px solid var(--line2); border-radius: 6px; background: var(--panel2); cursor: pointer; }
.var input[type=color]::-webkit-color-swatch-wrapper { padding: 3px; } .var input[type=color]::-webkit-color-swatch { border: 0; border-radius: 3px; }
.var .desc { color: var(--faint); font-size: 11.5px; margin-top: 4px; }
.var .thumb { width: 100%; max-height: 70px; object-fit: contain; margin-top: 6px; border-radius: 4px; background: var(--thumb); }
.switch { position: relative; width: 34px; height: 20px; flex: none; }
.switch input { opacity: 0; width: 0; height: 0; position: absolute; }
.switch span { position: absolute; inset: 0; border-radius: 10px; background: var(--switch); cursor: pointer; transition: background .15s; }
.switch span::after { content: ""; position: absolute; left: 3px; top: 3px; width: 14px; height: 14px; border-radius: 50%; background: #cfd4dc; transition: transform .15s; }
.switch input:checked + span { background: var(--accent); }
.switch input:checked + span::after { transform: translateX(14px); background: #fff; }
.empty { color: var(--faint); padding: 16px 0; font-size: 12.5px; }
.vars-actions { display: flex; gap: 8px; padding: 10px 14px; border-top: 1px solid var(--line); }
.vars-actions .btn { flex: 1; }
.lint-badge { height: 24px; font: 12px var(--mono); }
.lint-badge.ok { color: var(--ok); } .lint-badge.warn { color: var(--warn); border-color: #5a4a23; } .lint-badge.err { color: var(--danger); border-color: #5a2830; }
#lint-panel { display: none; border-top: 1px solid var(--line); max-height: 40vh; overflow: auto; }
#lint-panel.show { display: block; }
#lint-list { list-style: none; margin: 0; padding: 6px 0; }
#lint-list li { padding: 6px 14px; border-bottom: 1px solid var(--line); font-size: 12px; }
#lint-list li.pick { cursor: pointer; } #lint-list li.pick:hover { background: var(--panel2); }
#lint-list .row { display: flex; gap: 8px; align-items: baseline; } #lint-list .loc { color: var(--muted); font-family: var(--mono); margin-left: auto; }
#lint-list .sev { font: 10.5px var(--mono); text-transform: uppercase; } #lint-list .sev.error { color: var(--danger); } #lint-list .sev.warning { color: var(--warn); }
#lint-list .hint { color: var(--muted); margin-top: 2px; } #lint-list .empty { color: var(--muted); padding: 4px 14px; }
#render-panel { border-top: 1px solid var(--line); display: none; max-height: 62vh; overflow: auto; flex: none; }
#render-panel.show { display: block; }
#render-panel .panel-head .btn.icon { width: 22px; height: 22px; }
#render-form { padding: 10px 14px; }
#render-form .grid { display: grid; grid-template-columns: 1fr 1fr 70px; gap: 8px; }
#render-form label { display: flex; flex-direction: column; gap: 4px; font-size: 11.5px; color: var(--muted); }
#render-form select, #render-form input { width: 100%; }
#render-vars { margin: 4px 0 10px; padding: 6px 8px; background: var(--panel2); border-radius: 6px; font: 11.5px var(--mono); white-space: pre-wrap; max-height: 80px; overflow: auto; }
#render-start { width: 100%; }
#render-progress { padding: 0 14px; }
#render-progress:not(:empty) { padding: 10px 14px; border-top: 1px solid var(--line); }
#render-history { list-style: none; margin: 0; padding: 4px 0; }
#render-history li { padding: 6px 14px; border-bottom: 1px solid var(--line); font-size: 12px; }
#render-history li .name { font-family: var(--mono); font-size: 11.5px; word-break: break-all; }
#render-history li .row { display: flex; gap: 6px; align-items: center; margin-top: 4px; }
#render-history li .row .kbd { margin-right: auto; }
#render-history li .btn { height: 22px; padding: 0 7px; font-size: 11.5px; }
#render-history li.playing { background: var(--panel2); }
#render-history .empty { color: var(--muted); padding: 4px 14px; }
#render-player { display: none; width: calc(100% - 28px); margin: 8px 14px 14px; border-radius: 6px; background: #000; }
#render-player.show { display: block; }
#render-panel .title { display: flex; justify-content: space-between; font-size: 12.5px; margin-bottom: 8px; }
#render-panel .bar { height: 6px; border-radius: 3px; background: var(--bar-bg); overflow: hidden; }
#render-panel .bar i { display: block; height: 100%; width: 0; background: linear-gradient(90deg, var(--accent), #b45bff); transition: width .2s; }
#render-panel .info { color: var(--muted); font: 11.5px var(--mono); margin-top: 6px; }
#render-panel a { color: var(--accent2); }
#render-panel a.btn { color: inherit; text-decoration: none; }
#render-panel .err { color: var(--danger); font-size: 12px; margin-top: 6px; white-space: pre-wrap; }
#timeline { grid-row: 3; grid-column: 1; background: var(--panel); border-top: 1px solid var(--line); user-select: none; }
#transport { display: flex; align-items: center; gap: 6px; padding: 8px 12px; }
#transport .btn.play { width: 38px; height: 30px; background: var(--play-bg); }
#time { font: 13px var(--mono); margin-left: 10px; letter-spacing: .02em; }
#time .dur { color: var(--muted); }
#frameno { font: 12px var(--mono); color: var(--muted); margin-left: 10px; padding: 2px 8px; border: 1px solid var(--line2); border-radius: 5px; }
#transport select { height: 28px; padding: 0 6px; }
#shuttle { min-width: 44px; margin-left: 6px; color: var(--accent2); }
#jump { width: 84px; height: 28px; font: 12px var(--mono); }
#jump.bad { border-color: var(--danger); }
#tracks { position: relative; padding: 0 12px 10px 0; }
.ruler, .lane { display: grid; grid-template-columns: 112px minmax(0, 1fr); align-items: stretch; }
.ruler .lab, .lane .lab { color: var(--faint); font: 11px var(--mono); padding: 0 10px 0 12px; display: flex; align-items: center; justify-content: flex-end; white-space: nowrap; }
#scrub { position: relative; height: 26px; cursor: pointer; border-bottom: 1px solid var(--line); }
#scrub .tick { position: absolute; bottom: 0; width: 1px; height: 6px; background: var(--tick); }
#scrub .tick.major { height: 10px; background: var(--tick-major); }
#scrub .tick span { position: absolute; left: 4px; bottom: 8px; font: 10px var(--mono); color: var(--muted); white-space: nowrap; }
#scrub .fill { position: absolute; left: 0; top: 0; bottom: 0; background: rgba(91,140,255,.10); pointer-events: none; }
#lanes { max-height: min(148px, 24vh); overflow-y: auto; overflow-x: hidden; }
#lanes:has(.lane.anim) { max-height: 36vh; }
.lane .lab .toggle { background: none; border: 0; color: var(--muted); cursor: pointer; padding: 0; font: inherit; white-space: nowrap; }
.lane .lab .toggle:hover { color: var(--text); }
.lane.anim { height: 18px; margin-top: 1px; }
.lane.anim .lab { color: var(--muted); font-size: 10.5px; overflow: hidden; text-overflow: ellipsis; justify-content: flex-start; padding-left: 22px; }
.lane.anim .body { background: transparent; border-bottom: 1px dashed var(--line); border-radius: 0; }
.span { position: absolute; top: 3px; bottom: 3px; min-width: 3px; border-radius: 3px; cursor: pointer; background: rgba(91,140,255,.55); border: 1px solid rgba(134,168,255,.7); }
.span:hover { background: rgba(91,140,255,.85); }
.span.k-css { background: rgba(243,185,77,.5); border-color: rgba(243,185,77,.8); } .span.k-waapi { background: rgba(62,207,142,.5); border-color: rgba(62,207,142,.8); }
.lane { height: 26px; margin-top: 3px; }
.lane .body { position: relative; background: var(--lane); border-radius: 4px; }
.clip { position: absolute; top: 2px; bottom: 2px; min-width: 3px; border-radius: 4px; padding: 0 6px; font-size: 11px; line-height: 22px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; color: #fff; border: 1px solid rgba(255,255,255,.14);
  background: #3d6fd9; opacity: .78; }
.clip:hover { opacity: 1; }
.clip.active { opacity: 1; box-shadow: 0 0 0 1px rgba(255,255,255,.5) inset; }
.clip.open { background-image: repeating-linear-gradient(135deg, transparent 0 6px, rgba(0,0,0,.18) 6px 12px); }
.clip.k-video { background-color: #a24f93; } .clip.k-audio { background-color: #26876a; } .clip.k-img { background-color: #b87c22; }
.clip.k-composition { background-color: #6f53c9; } .clip.k-scene { background-color: #3a66c4; }
#playhead { position: absolute; top: 0; bottom: 0; width: 0; pointer-events: none; z-index: 3; }
#playhead::before { content: ""; position: absolute; left: -1px; top: 0; bottom: 0; width: 2px; background: #ff5d6c; }
#playhead::after { content: ""; position: absolute; left: -6px; top: 0; border: 6px solid transparent; border-top: 8px solid #ff5d6c; }
.kbd { font: 11px var(--mono); color: var(--faint); }
#toast { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%) translateY(20px); opacity: 0; background: var(--toast); border: 1px solid var(--line2);
  padding: 8px 14px; border-radius: 8px; transition: all .2s; pointer-events: none; z-index: 10; max-width: 70vw; }
#toast.show { opacity: 1; transform: translateX(-50%); }
/* narrow windows (1024 px): a slimmer side panel, a header that shrinks its texts before its buttons */
header > * { flex: none; }
header .meta, #comp-picker { flex: 0 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
#comp-picker { max-width: 34vw; }
@media (max-width: 1180px) {
  #app { grid-template-columns: minmax(0, 1fr) 260px; }
  .brand .sub, #conn-text { display: none; }
  #transport { gap: 4px; padding: 8px; }
  #time, #frameno { margin-left: 4px; }
}
`;
