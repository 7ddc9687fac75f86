/**
 * Composition variables: parsing the `data-composition-variables` schema, reading `--variables` /
 * `--variables-file` overrides, and merging overrides over the declared defaults (contract §6).
 */
import { readFileSync } from "node:fs";
import { UsageError, VariablesError } from "../errors.js";
import type { VariableDecl, VariableType } from "./types.js";

export const VARIABLE_TYPES: readonly VariableType[] = ["string", "number", "color", "boolean", "enum", "font", "image"];

const NAMED_COLORS = new Set(
  (
    "aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood cadetblue " +
    "chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey " +
    "darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray " +
    "darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen " +
    "fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki " +
    "lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen " +
    "lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime " +
    "limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue " +
    "mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive " +
    "olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum " +
    "powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue " +
    "slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke " +
    "yellow yellowgreen transparent currentcolor"
  ).split(" "),
);

/** A CSS colour: hex, rgb()/rgba()/hsl()/hsla()/hwb()/lab()/lch()/oklab()/oklch()/color(), or a named colour. */
export function isCssColor(v: string): boolean {
  const t = v.trim();
  if (/^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(t)) return true;
  if (/^(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(\s*[^()]*\)$/i.test(t)) return true;
  return NAMED_COLORS.has(t.toLowerCase());
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `${JSON.stringify(v).slice(0, 60)} (array)`;
  const json = JSON.stringify(v);
  return `${(json ?? String(v)).slice(0, 60)} (${typeof v})`;
}

export interface ValueProblem {
  /** "type": wrong type or out-of-range enum (an error with --strict-variables); "range": outside min/max (always a warning) */
  kind: "type" | "range";
  expected: string;
}

/** Check one value against its declaration; null when it fits. */
export function checkVariableValue(decl: Pick<VariableDecl, "type" | "options" | "min" | "max">, value: unknown): ValueProblem | null {
  switch (decl.type) {
    case "string":
      return typeof value === "string" ? null : { kind: "type", expected: "a string" };
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return { kind: "type", expected: "a number" };
      if (typeof decl.min === "number" && value < decl.min) return { kind: "range", expected: `a number ≥ ${decl.min}` };
      if (typeof decl.max === "number" && value > decl.max) return { kind: "range", expected: `a number ≤ ${decl.max}` };
      return null;
    case "boolean":
      return typeof value === "boolean" ? null : { kind: "type", expected: "true or false" };
    case "color":
      return typeof value === "string" && isCssColor(value)
        ? null
        : { kind: "type", expected: "a CSS colour string (#rrggbb, rgb(), hsl() or a colour name)" };
    case "font":
      if (typeof value === "string") return null;
      if (value && typeof value === "object" && !Array.isArray(value) && typeof (value as { name?: unknown }).name === "string") return null;
      return { kind: "type", expected: 'a font family string or {"name", "source"}' };
    case "image":
      if (typeof value === "string") return null;
      if (value && typeof value === "object" && !Array.isArray(value) && typeof (value as { url?: unknown }).url === "string") return null;
      return { kind: "type", expected: 'an image URL string or {"url"}' };
    case "enum": {
      const opts = (decl.options ?? []).map((o) => o.value);
      if (typeof value === "string" && opts.includes(value)) return null;
      return { kind: "type", expected: `one of ${opts.map((o) => JSON.stringify(o)).join(", ") || "(no options declared)"}` };
    }
    default:
      return null;
  }
}

export interface SchemaProblem {
  code: "invalid_variables_json" | "invalid_variable_declaration" | "variable_default_type_mismatch" | "duplicate_variable_id";
  severity: "error" | "warning";
  message: string;
  hint: string;
  variableId?: string;
}

/** Parse one `data-composition-variables` attribute value into declarations plus problems. */
export function parseVariableSchema(json: string): { decls: VariableDecl[]; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  const entries = parseSchemaArray(json, problems);
  if (!entries) return { decls: [], problems };
  const decls: VariableDecl[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const checked = checkDeclaration(entry, i, problems);
    if (!checked) return;
    const { d, id, type } = checked;
    if (seen.has(id)) {
      problems.push({
        code: "duplicate_variable_id",
        severity: "warning",
        variableId: id,
        message: `variable "${id}" is declared more than once; the last declaration wins`,
        hint: "remove the duplicate declaration or rename one of them",
      });
    }
    seen.add(id);
    checkDefault(d, id, type, problems);
    const decl = { ...d, id, type, label: typeof d.label === "string" ? d.label : id, default: d.default } as VariableDecl;
    const prev = decls.findIndex((x) => x.id === id);
    if (prev !== -1) decls.splice(prev, 1);
    decls.push(decl);
  });
  return { decls, problems };
}

/** The schema's entries, or null (and a problem) when it is not a JSON array. */
function parseSchemaArray(json: string, problems: SchemaProblem[]): unknown[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    problems.push({
      code: "invalid_variables_json",
      severity: "error",
      message: `data-composition-variables is not valid JSON: ${(e as Error).message}`,
      hint: 'write a JSON array, e.g. data-composition-variables=\'[{"id":"title","type":"string","label":"Title","default":"Hello"}]\'',
    });
    return null;
  }
  if (!Array.isArray(parsed)) {
    const asArray = declarationsFromObject(parsed);
    problems.push({
      code: "invalid_variables_json",
      severity: "error",
      message: `data-composition-variables must be a JSON array of declarations, got ${parsed === null ? "null" : typeof parsed}`,
      // an object keyed by id (registry caption-texture): the official renderer ignores it; say the array it means
      hint: asArray
        ? `write it as an array of declarations with an id each (the official renderer ignores the object form, so no default applies): data-composition-variables='${asArray}'`
        : "wrap the declarations in [ ... ]",
    });
    return null;
  }
  return parsed;
}

/** `{"texture": {"type": "string", "default": "lava"}}` as the array it means, or undefined when it is not that shape. */
function declarationsFromObject(v: unknown): string | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const entries = Object.entries(v as Record<string, unknown>);
  if (!entries.length || !entries.every(([, d]) => d && typeof d === "object" && !Array.isArray(d))) return undefined;
  const decls = entries.map(([id, d]) => ({ id, ...(d as Record<string, unknown>), label: (d as Record<string, unknown>).label ?? id }));
  return JSON.stringify(decls).replace(/'/g, "&#39;");
}

/** Entry #`i + 1` as a declaration with an id and a known type (an enum with options), or null and a problem. */
function checkDeclaration(entry: unknown, i: number, problems: SchemaProblem[]): { d: Record<string, unknown>; id: string; type: VariableType } | null {
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
    problems.push({
      code: "invalid_variable_declaration",
      severity: "error",
      message: `variable declaration #${i + 1} is not an object`,
      hint: 'each declaration is {"id", "type", "label", "default"}',
    });
    return null;
  }
  const d = entry as Record<string, unknown>;
  if (typeof d.id !== "string" || !d.id) {
    problems.push({
      code: "invalid_variable_declaration",
      severity: "error",
      message: `variable declaration #${i + 1} has no string "id"`,
      hint: 'add an "id" (the key used in --variables and getVariables())',
    });
    return null;
  }
  const id = d.id;
  if (typeof d.type !== "string" || !VARIABLE_TYPES.includes(d.type as VariableType)) {
    problems.push({
      code: "invalid_variable_declaration",
      severity: "error",
      variableId: id,
      message: `variable "${id}" has ${d.type === undefined ? "no type" : `unknown type ${JSON.stringify(d.type)}`}`,
      hint: `use one of: ${VARIABLE_TYPES.join(", ")}`,
    });
    return null;
  }
  const type = d.type as VariableType;
  if (type === "enum" && !hasEnumOptions(d.options)) {
    problems.push({
      code: "invalid_variable_declaration",
      severity: "error",
      variableId: id,
      message: `enum variable "${id}" needs a non-empty "options" array of {"value", "label"}`,
      hint: 'add "options": [{"value": "a", "label": "A"}, ...]',
    });
    return null;
  }
  return { d, id, type };
}

function hasEnumOptions(opts: unknown): boolean {
  return Array.isArray(opts) && opts.length > 0 && opts.every((o) => o && typeof o === "object" && typeof (o as { value?: unknown }).value === "string");
}

/** A declaration needs a "default" of its type. */
function checkDefault(d: Record<string, unknown>, id: string, type: VariableType, problems: SchemaProblem[]): void {
  if (!("default" in d)) {
    problems.push({
      code: "variable_default_type_mismatch",
      severity: "error",
      variableId: id,
      message: `variable "${id}" (${type}) has no "default"`,
      hint: `add a "default" of the right type`,
    });
    return;
  }
  const p = checkVariableValue(d as unknown as VariableDecl, d.default);
  if (p && p.kind === "type")
    problems.push({
      code: "variable_default_type_mismatch",
      severity: "error",
      variableId: id,
      message: `variable "${id}" (${type}) has default ${describeValue(d.default)}, expected ${p.expected}`,
      hint: `change the default to ${p.expected}`,
    });
}

/** Merge declaration lists; a later declaration of the same id replaces the earlier one. */
export function mergeSchemas(...lists: VariableDecl[][]): VariableDecl[] {
  const out: VariableDecl[] = [];
  for (const list of lists)
    for (const d of list) {
      const i = out.findIndex((x) => x.id === d.id);
      if (i !== -1) out.splice(i, 1);
      out.push(d);
    }
  return out;
}

function parseOverrideJson(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError("invalid_variables", `${what} is not valid JSON: ${(e as Error).message}`, {
      hint: `pass a JSON object keyed by variable id, e.g. '{"title":"Hello"}'`,
    });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new UsageError("invalid_variables", `${what} must be a JSON object keyed by variable id, got ${Array.isArray(parsed) ? "an array" : parsed === null ? "null" : typeof parsed}`, {
      hint: `pass a JSON object, e.g. '{"title":"Hello"}'`,
    });
  return parsed as Record<string, unknown>;
}

/** Read render-time overrides from `--variables <json>` or `--variables-file <path>` (mutually exclusive). */
export function readVariableOverrides(opts: { variables?: string | object; variablesFile?: string }): Record<string, unknown> {
  const { variables, variablesFile } = opts;
  if (variables !== undefined && variablesFile !== undefined)
    throw new UsageError("variables_conflict", "--variables and --variables-file cannot be used together", {
      hint: "pass the overrides one way only",
    });
  if (variablesFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(variablesFile, "utf8");
    } catch (e) {
      throw new UsageError("variables_file_not_found", `--variables-file ${variablesFile} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        file: variablesFile,
        hint: "check the path of the JSON file",
      });
    }
    return parseOverrideJson(text, `--variables-file ${variablesFile}`);
  }
  if (variables === undefined) return {};
  if (typeof variables === "string") return parseOverrideJson(variables, "--variables");
  if (!variables || typeof variables !== "object" || Array.isArray(variables))
    throw new UsageError("invalid_variables", "variables must be an object keyed by variable id", { hint: `pass e.g. {"title":"Hello"}` });
  return { ...(variables as Record<string, unknown>) };
}

export interface MergedVariables {
  values: Record<string, unknown>;
  warnings: string[];
}

/**
 * Declared defaults merged with overrides. Without `strict`, undeclared keys and mismatched values are kept
 * as given and reported as warnings; with `strict`, they throw a VariablesError naming the variable.
 */
export function mergeVariables(schema: VariableDecl[], overrides: Record<string, unknown>, opts: { strict?: boolean } = {}): MergedVariables {
  const values: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const d of schema) if ("default" in d) values[d.id] = d.default;
  const declared = new Map(schema.map((d) => [d.id, d]));
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const decl = declared.get(key);
    if (!decl) {
      const known = schema.map((d) => d.id);
      const msg = `variable "${key}" is not declared by the composition${known.length ? ` (declared: ${known.join(", ")})` : " (it declares no variables)"}`;
      if (opts.strict)
        throw new VariablesError("unknown_variable", msg, {
          hint: "remove it, fix its name, or declare it in data-composition-variables",
          data: { variable: key },
        });
      warnings.push(msg);
    } else {
      const p = checkVariableValue(decl, value);
      if (p) {
        const msg = `variable "${key}" expects ${p.expected} (type ${decl.type}), got ${describeValue(value)}`;
        if (opts.strict && p.kind === "type")
          throw new VariablesError("variable_type_mismatch", msg, {
            hint: `pass ${p.expected} for "${key}"`,
            data: { variable: key, expected: decl.type, got: value },
          });
        warnings.push(msg);
      }
    }
    values[key] = value;
  }
  return { values, warnings };
}
