/** Variables: schema parsing, reading overrides from flags/files, merging (strict and not). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isCssColor, mergeVariables, parseVariableSchema, readVariableOverrides } from "../src/compose/variables.js";
import { UsageError, VariablesError } from "../src/errors.js";
import { loadComposition } from "../src/compose/model.js";
import type { VariableDecl } from "../src/compose/types.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "hf-vars-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const schema: VariableDecl[] = parseVariableSchema(
  JSON.stringify([
    { id: "title", type: "string", label: "Title", default: "Hello" },
    { id: "barWidth", type: "number", label: "Bar", default: 200, min: 0, max: 560 },
    { id: "accent", type: "color", label: "Accent", default: "#ff3366" },
    { id: "showBadge", type: "boolean", label: "Badge", default: true },
    { id: "align", type: "enum", label: "Align", default: "left", options: [{ value: "left", label: "L" }, { value: "right", label: "R" }] },
    { id: "font", type: "font", label: "Font", default: "Inter" },
    { id: "logo", type: "image", label: "Logo", default: "assets/logo.png" },
  ]),
).decls;

describe("readVariableOverrides", () => {
  it("reads --variables JSON, objects, files, and nothing", () => {
    expect(readVariableOverrides({ variables: '{"title":"Hi","barWidth":3}' })).toEqual({ title: "Hi", barWidth: 3 });
    expect(readVariableOverrides({ variables: { a: 1 } })).toEqual({ a: 1 });
    const f = path.join(tmp, "vars.json");
    writeFileSync(f, '{"accent":"red"}');
    expect(readVariableOverrides({ variablesFile: f })).toEqual({ accent: "red" });
    expect(readVariableOverrides({})).toEqual({});
  });
  it("rejects both flags, bad JSON, non-objects and missing files with a UsageError naming the flag/file", () => {
    const f = path.join(tmp, "vars2.json");
    writeFileSync(f, "[1,2]");
    expect(() => readVariableOverrides({ variables: "{}", variablesFile: f })).toThrow(UsageError);
    expect(() => readVariableOverrides({ variables: "{title:" })).toThrow(/--variables is not valid JSON/);
    expect(() => readVariableOverrides({ variables: "[1]" })).toThrow(/--variables must be a JSON object/);
    expect(() => readVariableOverrides({ variables: "null" })).toThrow(UsageError);
    expect(() => readVariableOverrides({ variablesFile: f })).toThrow(new RegExp(`--variables-file ${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} must be a JSON object`));
    expect(() => readVariableOverrides({ variablesFile: path.join(tmp, "missing.json") })).toThrow(/cannot be read/);
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, "{nope");
    try {
      readVariableOverrides({ variablesFile: bad });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toContain(bad);
      expect((e as UsageError).hint).toBeTruthy();
    }
  });
});

describe("mergeVariables", () => {
  it("merges overrides over defaults", () => {
    const r = mergeVariables(schema, { title: "Override", barWidth: 420, accent: "rgb(1, 2, 3)", showBadge: false, align: "right" });
    expect(r.values).toEqual({
      title: "Override",
      barWidth: 420,
      accent: "rgb(1, 2, 3)",
      showBadge: false,
      align: "right",
      font: "Inter",
      logo: "assets/logo.png",
    });
    expect(r.warnings).toEqual([]);
    expect(mergeVariables(schema, {}).values.title).toBe("Hello");
    expect(mergeVariables(schema, { font: { name: "Roboto", source: "google" }, logo: { url: "https://x/y.png" } }, { strict: true }).warnings).toEqual([]);
  });
  it("non-strict: unknown keys and wrong types are kept, with warnings", () => {
    const r = mergeVariables(schema, { nope: 1, barWidth: "wide", accent: "notacolor", align: "middle", showBadge: "yes", barWidth2: 1 });
    expect(r.values.nope).toBe(1);
    expect(r.values.barWidth).toBe("wide");
    expect(r.values.align).toBe("middle");
    expect(r.warnings).toHaveLength(6);
    expect(r.warnings.join("\n")).toMatch(/"nope" is not declared/);
    expect(r.warnings.join("\n")).toMatch(/"barWidth" expects a number/);
    expect(r.warnings.join("\n")).toMatch(/"align" expects one of "left", "right"/);
  });
  it("strict: a VariablesError names the variable, the expected type and the value", () => {
    const err = (o: Record<string, unknown>) => {
      try {
        mergeVariables(schema, o, { strict: true });
      } catch (e) {
        return e as VariablesError;
      }
      throw new Error("did not throw");
    };
    let e = err({ barWidth: "wide" });
    expect(e).toBeInstanceOf(VariablesError);
    expect(e.message).toBe('variable "barWidth" expects a number (type number), got "wide" (string)');
    expect(e.code).toBe("variable_type_mismatch");
    e = err({ nope: 1 });
    expect(e.code).toBe("unknown_variable");
    expect(e.message).toContain('"nope"');
    expect(err({ align: "middle" }).message).toContain('one of "left", "right"');
    expect(err({ showBadge: 1 }).message).toContain("true or false");
    expect(err({ accent: 12 }).message).toContain("colour");
    expect(err({ title: 5 }).message).toContain("a string");
    expect(err({ logo: { href: "x" } }).message).toContain("image");
    // out of min/max range is only a warning, even in strict mode
    expect(mergeVariables(schema, { barWidth: 9999 }, { strict: true }).warnings[0]).toMatch(/≤ 560/);
  });
  it("checks colours", () => {
    for (const ok of ["#fff", "#FF3366", "#ff336680", "rgb(0,0,0)", "rgba(0, 0, 0, .5)", "hsl(120 50% 50%)", "red", "RebeccaPurple", "transparent", "oklch(0.7 0.1 200)"])
      expect(isCssColor(ok), ok).toBe(true);
    for (const bad of ["#ff", "#ggg", "rgb(", "reddish", "", "12"]) expect(isCssColor(bad), bad).toBe(false);
  });
});

describe("schema parsing", () => {
  it("reports declaration problems and keeps the last duplicate", () => {
    const { decls, problems } = parseVariableSchema(
      JSON.stringify([
        { id: "a", type: "string", label: "A", default: "x" },
        { id: "a", type: "string", label: "A2", default: "y" },
        { id: "n", type: "number", label: "N", default: "1" },
        { id: "e", type: "enum", label: "E", default: "z", options: [{ value: "q", label: "Q" }] },
        { type: "string" },
        { id: "t", type: "date", default: 1 },
        { id: "o", type: "enum", default: "x" },
      ]),
    );
    expect(problems.map((p) => p.code)).toEqual([
      "duplicate_variable_id",
      "variable_default_type_mismatch",
      "variable_default_type_mismatch",
      "invalid_variable_declaration",
      "invalid_variable_declaration",
      "invalid_variable_declaration",
    ]);
    expect(decls.map((d) => [d.id, d.default])).toEqual([
      ["a", "y"],
      ["n", "1"],
      ["e", "z"],
    ]);
    expect(parseVariableSchema("{").problems[0]?.code).toBe("invalid_variables_json");
    expect(parseVariableSchema('{"id":"x"}').problems[0]?.code).toBe("invalid_variables_json");
  });

  it("the model merges <html> and root declarations, later wins", async () => {
    const m = await loadComposition(path.resolve("test/fixtures/good/full"));
    expect(m.variables.map((v) => [v.id, v.type, v.default])).toEqual([
      ["title", "string", "Hello"],
      ["accent", "color", "blue"],
      ["count", "number", 3],
    ]);
  });
});
