/** One root rule (compose/root-rule.ts) for the model and the preview's composition list: data-root="true" wins. */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadComposition } from "../src/compose/model.js";
import { describeComposition } from "../src/preview/project.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "hf-root-rule-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = `<html><body>
<div data-composition-id="first" data-width="10" data-height="10" data-duration="1"></div>
<div data-composition-id="chosen" data-root="true" data-width="20" data-height="30" data-duration="2"></div>
</body></html>`;

describe("root rule", () => {
  it("the model and the preview's composition list pick the same data-root=\"true\" element", async () => {
    writeFileSync(path.join(dir, "index.html"), page);
    const m = await loadComposition(dir);
    const p = describeComposition("index.html", page);
    expect([m.id, m.width, m.height]).toEqual(["chosen", 20, 30]);
    expect([p?.id, p?.width, p?.height]).toEqual(["chosen", 20, 30]);
  });

  it("without data-root, the first element that is not inside another composition", () => {
    const nested = `<html><body><template><div data-composition-id="t"></div></template><div data-composition-id="outer" data-width="40"><div data-composition-id="inner" data-width="50"></div></div></body></html>`;
    expect(describeComposition("index.html", nested)?.id).toBe("outer");
  });
});
