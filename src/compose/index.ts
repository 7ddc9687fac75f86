/** The static composition model (no browser): loading, timing, variables, referenced files and lint. */
export * from "./types.js";
export { loadComposition, analyzeProject, DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FPS } from "./model.js";
export type { ProjectAnalysis, FileReference, ScriptInfo, LoadedDoc, ReferenceKind } from "./model.js";
export { lintProject, lintProjectSync, formatFinding, LINT_CODES, renderGate, RENDERED_ANYWAY } from "./lint.js";
export { LINT_FIXES, lintCodeTable } from "./lint-fixes.js";
export type { LintOptions, RenderGate } from "./lint.js";
export { readVariableOverrides, mergeVariables, parseVariableSchema, checkVariableValue, isCssColor, VARIABLE_TYPES } from "./variables.js";
export type { MergedVariables } from "./variables.js";
export { parseStartExpression, parseTimingNumber, frameCount, createStartResolver } from "./timing.js";
export type { StartExpression, TimingNode } from "./timing.js";
