/**
 * Script rules: non-deterministic calls (non_deterministic_code), requestAnimationFrame-driven drawing
 * (requestanimationframe_in_composition), and network use: remote scripts and assets (remote_script,
 * remote_asset) and network APIs in inline scripts (network_request).
 */
import type { LintFinding } from "../types.js";
import type { ProjectAnalysis } from "../model.js";
import { GSAP_CDN_RE } from "../files.js";
import { fontServiceUse, isFontServiceUrl } from "../fonts/font-services.js";
import { scriptFindingAt, type LintContext, type LintRule } from "./rule.js";

interface ScriptPattern {
  re: RegExp;
  what: string;
  hint: string;
}

const NON_DETERMINISTIC: ScriptPattern[] = [
  { re: /\bMath\s*\.\s*random\s*\(/, what: "Math.random()", hint: "use a seeded PRNG (e.g. mulberry32 with a fixed seed) so every render is identical" },
  { re: /\bDate\s*\.\s*now\s*\(/, what: "Date.now()", hint: "derive motion from the timeline time, not the wall clock" },
  { re: /\bnew\s+Date\b\s*(\(\s*\)|(?!\s*\())/, what: "new Date() without arguments", hint: "use a fixed date (new Date(2024, 0, 1)) or the timeline time" },
  { re: /\bperformance\s*\.\s*now\s*\(/, what: "performance.now()", hint: "derive motion from the timeline time, not the wall clock" },
  { re: /\bcrypto\s*\.\s*getRandomValues\s*\(/, what: "crypto.getRandomValues()", hint: "use a seeded PRNG so every render is identical" },
  { re: /\bgsap\s*\.\s*utils\s*\.\s*random\s*\(/, what: "gsap.utils.random()", hint: "use a seeded PRNG so every render is identical" },
  { re: /["'`]random\(/, what: 'a GSAP "random(...)" value', hint: "compute the values once with a seeded PRNG" },
];

/** The first match of each pattern in each inline script, in script order, then pattern order. */
function patternFindings(ctx: LintContext, patterns: ScriptPattern[], code: string, message: (what: string) => string): LintFinding[] {
  const out: LintFinding[] = [];
  for (const { s, code: text } of ctx.inline)
    for (const p of patterns) {
      const m = p.re.exec(text);
      if (m) out.push(scriptFindingAt(s, text, m.index, { code, severity: "warning", message: message(p.what), hint: p.hint }));
    }
  return out;
}

export const nonDeterministicCode: LintRule = {
  name: "non-deterministic-code",
  codes: { non_deterministic_code: "warning" },
  check: (ctx) => patternFindings(ctx, NON_DETERMINISTIC, "non_deterministic_code", (what) => `inline script uses ${what}, which differs between renders and between frames`),
};

const RAF: ScriptPattern[] = [
  {
    re: /\brequestAnimationFrame\s*\(/,
    what: "requestAnimationFrame()",
    hint: "drive the animation from a paused GSAP timeline (or a seekable adapter) registered in window.__timelines",
  },
];

export const requestAnimationFrameRule: LintRule = {
  name: "request-animation-frame",
  codes: { requestanimationframe_in_composition: "warning" },
  check: (ctx) =>
    patternFindings(
      ctx,
      RAF,
      "requestanimationframe_in_composition",
      (what) => `inline script uses ${what}; frames are captured by seeking, so rAF-driven drawing is only deterministic under the renderer's virtual clock`,
    ),
};

export const network: LintRule = {
  name: "network",
  codes: { remote_script: "warning", remote_asset: "warning", network_request: "warning", font_service_stylesheet: "warning" },
  check: ({ a, inline }) => networkFindings(a, inline),
};

export const SCRIPT_RULES: LintRule[] = [nonDeterministicCode, requestAnimationFrameRule, network];

/** Network APIs in inline scripts (first use of each per script). */
const NETWORK_PATTERNS: { re: RegExp; what: string }[] = [
  { re: /\bfetch\s*\(/, what: "fetch()" },
  { re: /\bXMLHttpRequest\b/, what: "XMLHttpRequest" },
  { re: /\bimport\s*\(\s*["'`](?:https?:)?\/\//, what: "import() of a URL" },
  { re: /(?:\bfrom|^\s*import)\s*["'`](?:https?:)?\/\//m, what: "an import from a URL" },
  { re: /\bnew\s+(?:WebSocket|EventSource|WebTransport|RTCPeerConnection)\s*\(/, what: "a network connection (WebSocket, EventSource, WebRTC)" },
  { re: /\bnavigator\s*\.\s*sendBeacon\s*\(/, what: "navigator.sendBeacon()" },
  { re: /\b(?:src|href|srcset)\s*=\s*\\?["'`]?(?:https?:)?\/\/|setAttribute\s*\(\s*["'](?:src|href)["']\s*,\s*["'`](?:https?:)?\/\//, what: "a src/href set to a network URL" },
];

const ALLOW_NETWORK_NOTE = "renders block every request outside the project (the render fails unless --allow-network), and what comes from the network can differ between renders";

/**
 * A Google Fonts sheet, which renders and the preview do not fetch (font-services.ts): nothing to say when
 * every family it asks for is bundled, a warning naming those that are not.
 */
function fontServiceFinding(url: string, where: { file: string; element?: string; line?: number }): LintFinding[] {
  const { missing } = fontServiceUse(url);
  if (!missing.length) return [];
  const they = missing.length > 1;
  return [
    {
      code: "font_service_stylesheet",
      severity: "warning",
      message: `${url} asks Google Fonts for ${missing.join(", ")}, which ${they ? "have" : "has"} no bundled face; renders and the preview do not fetch the sheet, so ${they ? "they draw" : "it draws"} with a fallback font (bundled families draw as usual)`,
      hint: "put the font files in the project with an @font-face rule, or use a bundled family (`hyperframes info` lists the fonts a page resolves to)",
      ...where,
    },
  ];
}

/**
 * Network use: remote references in the markup and CSS (scripts keep their own code, remote_script; remote
 * sub-compositions are the model's remote_subcomposition) and network APIs in inline scripts.
 */
function networkFindings(a: ProjectAnalysis, inline: LintContext["inline"]): LintFinding[] {
  const out: LintFinding[] = [];
  const at = (f: { file: string; line?: number; element?: string }) => ({
    file: f.file,
    ...(f.element !== undefined ? { element: f.element } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
  });
  for (const s of a.scripts) {
    if (!s.remote) continue;
    const gsap = GSAP_CDN_RE.test(s.src!.trim());
    out.push({
      code: "remote_script",
      severity: "warning",
      message: gsap
        ? `script ${s.src} loads GSAP from a CDN: renders use the installed gsap package instead, but the preview needs the network`
        : `script ${s.src} loads from the network: ${ALLOW_NETWORK_NOTE}`,
      hint: "download the script into the project (e.g. npm's gsap/dist/gsap.min.js) and load it by a relative path",
      ...at(s),
    });
  }
  const KIND: Record<string, string> = { stylesheet: "stylesheet", link: "link", media: "media", image: "image", poster: "poster", srcset: "srcset image", "css-url": "CSS url()", "css-import": "CSS @import" };
  for (const r of a.references) {
    if (!r.remote || r.kind === "script" || r.kind === "subcomposition") continue;
    if ((r.kind === "stylesheet" || r.kind === "css-import") && isFontServiceUrl(r.url)) {
      out.push(...fontServiceFinding(r.url, at(r)));
      continue;
    }
    out.push({
      code: "remote_asset",
      severity: "warning",
      message: `${KIND[r.kind] ?? r.kind} ${r.url} loads from the network: ${ALLOW_NETWORK_NOTE}`,
      hint: "download the file into the project and reference it by a relative path",
      ...at(r),
    });
  }
  for (const { s, code } of inline) {
    for (const p of NETWORK_PATTERNS) {
      const m = p.re.exec(code);
      if (!m) continue;
      out.push(
        scriptFindingAt(s, code, m.index, {
          code: "network_request",
          severity: "warning",
          message: `inline script uses ${p.what}, which reaches the network unless it loads a file of the project: ${ALLOW_NETWORK_NOTE}`,
          hint: "put the data in the project (a file next to the composition, or inline in the script) and load it by a relative path",
        }),
      );
    }
  }
  return out;
}
