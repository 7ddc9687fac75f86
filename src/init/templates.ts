/**
 * Project templates shipped in `<package root>/templates/<name>/` and the scaffolding that copies one
 * into a new project folder together with a local copy of GSAP (so compositions work offline).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { EnvironmentError, UsageError } from "../errors.js";
import { findPackageRoot } from "../package-root.js";
import { analyzeProject } from "../compose/model.js";
import { writeAgentFiles } from "./agent-files.js";

export interface TemplateInfo {
  /** Folder name, used with `--template`. */
  id: string;
  name: string;
  description: string;
  dir: string;
}

export interface InitOptions {
  /** Template id; default "blank". */
  template?: string;
  /** Write into an existing non-empty folder (template files are overwritten, other files are kept). */
  force?: boolean;
  /** Write AGENTS.md, CLAUDE.md and .cursor/rules/hyperframes.mdc for AI coding agents; default true. */
  agentFiles?: boolean;
}

export interface InitResult {
  /** Absolute path of the project folder. */
  dir: string;
  template: string;
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

/** Files of a template folder that describe the template and are not copied into projects. */
const TEMPLATE_META = new Set(["template.json"]);
/** Text files in which `{{name}}` is replaced with the project name. */
const TEXT_EXT = new Set([".html", ".md", ".json", ".css", ".js", ".txt"]);

export { findPackageRoot };

export function templatesDir(): string {
  return path.join(findPackageRoot(), "templates");
}

/** All templates, sorted by id. */
export function listTemplates(dir: string = templatesDir()): TemplateInfo[] {
  if (!existsSync(dir)) {
    throw new EnvironmentError("templates_missing", `the templates folder ${dir} does not exist`, {
      hint: "reinstall hyperframes-toolkit; its package must include templates/",
    });
  }
  const out: TemplateInfo[] = [];
  for (const id of readdirSync(dir).sort()) {
    const tdir = path.join(dir, id);
    const meta = path.join(tdir, "template.json");
    if (!statSync(tdir).isDirectory() || !existsSync(meta)) continue;
    let parsed: { name?: unknown; description?: unknown };
    try {
      parsed = JSON.parse(readFileSync(meta, "utf8")) as typeof parsed;
    } catch (e) {
      throw new EnvironmentError("template_invalid", `${meta} is not valid JSON: ${(e as Error).message}`, { file: meta });
    }
    out.push({
      id,
      name: typeof parsed.name === "string" ? parsed.name : id,
      description: typeof parsed.description === "string" ? parsed.description : "",
      dir: tdir,
    });
  }
  return out;
}

/** Path of the installed `gsap/dist/gsap.min.js`. */
export function resolveGsap(): string {
  try {
    return createRequire(import.meta.url).resolve("gsap/dist/gsap.min.js");
  } catch (e) {
    throw new EnvironmentError("gsap_not_found", "cannot find gsap/dist/gsap.min.js in the installed packages", {
      hint: "run `npm install` in the hyperframes-toolkit folder (gsap is a dependency)",
      cause: e,
    });
  }
}

function walkFiles(dir: string, rel = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...walkFiles(dir, r));
    else if (entry.isFile()) files.push(r);
  }
  return files;
}

/** The project name escaped for the file type it is written into. */
function escapeFor(ext: string, name: string): string {
  if (ext === ".html") return name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  if (ext === ".json" || ext === ".js") return JSON.stringify(name).slice(1, -1);
  return name;
}

/** A project name usable in text: the folder's base name. */
function projectName(dir: string): string {
  return path.basename(path.resolve(dir));
}

/**
 * Create a project folder from a template: copies the template files (replacing `{{name}}` with the
 * folder name), a local `gsap.min.js`, a `.gitignore` for `renders/` and, unless `agentFiles: false`, the
 * guide for AI coding agents (AGENTS.md and its pointers; existing ones are kept).
 */
export function initProject(target: string, options: InitOptions = {}): InitResult {
  if (!target || !target.trim()) {
    throw new UsageError("init_missing_name", "hyperframes init needs a project folder name", { hint: "e.g. hyperframes init my-video" });
  }
  const templateId = options.template ?? "blank";
  const templates = listTemplates();
  const tpl = templates.find((t) => t.id === templateId);
  if (!tpl) {
    throw new UsageError("unknown_template", `unknown template "${templateId}"`, {
      hint: `use one of: ${templates.map((t) => t.id).join(", ")} (see hyperframes init --list-templates)`,
    });
  }
  const dir = path.resolve(target);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new UsageError("init_target_not_directory", `${target} exists and is not a folder`, {
        data: { dir },
        hint: "choose another project name",
      });
    }
    const entries = readdirSync(dir);
    if (entries.length > 0 && !options.force) {
      throw new UsageError("init_target_not_empty", `${target} already exists and is not empty (${entries.length} entries)`, {
        data: { dir },
        hint: "choose another name, empty the folder, or pass --force to write the template files into it",
      });
    }
  }
  const gsap = resolveGsap();
  mkdirSync(dir, { recursive: true });

  const name = projectName(dir);
  const written: string[] = [];
  for (const rel of walkFiles(tpl.dir)) {
    if (TEMPLATE_META.has(rel)) continue;
    const src = path.join(tpl.dir, rel);
    const dst = path.join(dir, rel);
    mkdirSync(path.dirname(dst), { recursive: true });
    const ext = path.extname(rel).toLowerCase();
    if (TEXT_EXT.has(ext)) {
      writeFileSync(dst, readFileSync(src, "utf8").split("{{name}}").join(escapeFor(ext, name)));
    } else {
      copyFileSync(src, dst);
    }
    written.push(rel);
  }
  copyFileSync(gsap, path.join(dir, "gsap.min.js"));
  written.push("gsap.min.js");
  const gitignore = path.join(dir, ".gitignore");
  if (!existsSync(gitignore)) {
    writeFileSync(gitignore, "renders/\n");
    written.push(".gitignore");
  }
  if (options.agentFiles !== false) {
    const model = analyzeProject(dir).model;
    if (model) written.push(...writeAgentFiles(dir, model, name));
  }
  return { dir, template: tpl.id, files: written.sort() };
}
