/**
 * The public API is deliberate (issue 18 §4): the package, imported by its name as a user does
 * (`import * as hf from "hyperframes-toolkit"`, resolved through package.json "exports" to dist/), exports exactly
 * the names listed here, values and types; docs/API.md documents each of them and nothing else; and the README's
 * and examples' imports from the package use only exported names. An accidental export (`export *` of a module)
 * or a dropped one fails here.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO } from "./helpers/project.js";
import { cli } from "./helpers/cli.js";

const VALUES = [
  // render locally
  "render",
  "snapshot",
  "renderBatch",
  "QUALITIES",
  "FORMATS",
  // inspect
  "loadComposition",
  "lintProject",
  "formatFinding",
  "renderGate",
  // cloud
  "packProject",
  "packProjectToFile",
  "cloudRender",
  "cloudRenderBatch",
  "HyperframesCloud",
  "estimateCost",
  "verifyWebhook",
  "signWebhook",
  "startWebhookListener",
  // preview
  "startPreview",
  // errors
  "HyperframesError",
  "UsageError",
  "CompositionError",
  "VariablesError",
  "EnvironmentError",
  "RenderError",
  "RenderTimeoutError",
  "RenderCancelledError",
  "OutputVerificationError",
  "CloudError",
  "CloudCancelledError",
  "isHyperframesError",
];

const TYPES = [
  "RenderOptions",
  "RenderResult",
  "RenderProgress",
  "RenderStage",
  "SnapshotOptions",
  "SnapshotResult",
  "SnapshotFile",
  "RenderBatchOptions",
  "BatchRun",
  "BatchRowResult",
  "BatchRowStart",
  "BatchProgress",
  "BatchSummary",
  "BatchManifest",
  "Row",
  "Quality",
  "Format",
  "LintOptions",
  "RenderGate",
  "CompositionModel",
  "LintResult",
  "LintFinding",
  "Severity",
  "VariableDecl",
  "VariableType",
  "ClipInfo",
  "MediaInfo",
  "SubCompositionInfo",
  "PackOptions",
  "PackResult",
  "PackFileResult",
  "PackedFile",
  "CloudRenderOptions",
  "CloudRenderResult",
  "CloudRenderBatchOptions",
  "CloudRenderBatchResult",
  "CloudRenderEvent",
  "CloudRenderEstimate",
  "CloudRenderSettings",
  "CloudClientOptions",
  "CreateRenderRequest",
  "CreateOptions",
  "CreateResult",
  "RenderDetail",
  "RenderStatus",
  "ProjectInput",
  "WaitOptions",
  "Page",
  "CostEstimate",
  "WebhookVerification",
  "WebhookFailure",
  "HyperframesWebhookEvent",
  "VerifyOptions",
  "ListenOptions",
  "ListenEvent",
  "WebhookListener",
  "PreviewOptions",
  "PreviewServer",
  "ErrorDetails",
  "ExitCode",
];

const sorted = (a: Iterable<string>) => [...a].sort();

/** Every name `export { … } from` / `export type { … } from` statements of a declaration file export. */
function declaredExports(dts: string): string[] {
  const names: string[] = [];
  for (const m of dts.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const part of m[1]!.split(",")) {
      const p = part.trim().replace(/^type\s+/, "");
      if (p) names.push(p.split(/\s+as\s+/).pop()!.trim());
    }
  return names;
}

describe("the public API", () => {
  it("`import * as hf from \"hyperframes-toolkit\"` (package.json exports → dist/) has exactly the listed values", () => {
    cli(["--version"]); // fails early with a clear message when dist/ is not built
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", 'import * as hf from "hyperframes-toolkit"; console.log(JSON.stringify(Object.keys(hf)))'], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(sorted(JSON.parse(r.stdout) as string[])).toEqual(sorted(VALUES));
  });

  it("its declarations (dist/index.d.ts, package.json types) export exactly the listed values and types", () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { types: string; exports: Record<string, { types: string }> };
    expect(pkg.exports["."]!.types).toBe(`./${pkg.types}`);
    const names = declaredExports(readFileSync(path.join(REPO, pkg.types), "utf8"));
    expect(new Set(names).size, "a name exported twice").toBe(names.length);
    expect(sorted(names)).toEqual(sorted([...VALUES, ...TYPES]));
  });

  it("docs/API.md has one line for each exported name, and names nothing else", () => {
    const doc = readFileSync(path.join(REPO, "docs", "API.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!);
    expect(sorted(rows)).toEqual(sorted([...VALUES, ...TYPES]));
  });

  it("the README and examples import only exported names from the package", () => {
    const sources = [path.join(REPO, "README.md"), path.join(REPO, "docs", "API.md")];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(mjs|js|ts|md)$/.test(e.name) && !/\.min\.js$/.test(e.name)) sources.push(p);
      }
    };
    walk(path.join(REPO, "examples"));
    const exported = new Set([...VALUES, ...TYPES]);
    let imports = 0;
    for (const f of sources) {
      for (const m of readFileSync(f, "utf8").matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+["']hyperframes-toolkit["']/g)) {
        imports++;
        for (const part of m[1]!.split(",")) {
          const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim();
          if (name) expect(exported.has(name), `${path.relative(REPO, f)} imports ${name}`).toBe(true);
        }
      }
    }
    expect(imports).toBeGreaterThanOrEqual(3); // README, docs/API.md, examples/batch-from-csv
  });
});
