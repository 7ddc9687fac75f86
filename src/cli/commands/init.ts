/** `hyperframes init <name>`: create a project folder from a template (see src/init/templates.ts). */
import path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { createOutput } from "../output.js";
import { initProject, listTemplates } from "../../init/templates.js";

interface InitFlags {
  template: string;
  force?: boolean;
  json?: boolean;
  listTemplates?: boolean;
  agentFiles?: boolean;
}

/** Quote a path for the "next steps" shell lines when it needs it. */
function shellArg(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

export function register(program: Command): void {
  program
    .command("init")
    .description("create a new composition project from a template")
    .argument("[name]", "project folder to create (relative or absolute path)")
    .option("-t, --template <name>", "template to start from (see --list-templates)", "blank")
    .option("--force", "write into an existing non-empty folder (template files are overwritten)")
    .option("--list-templates", "list the available templates and exit")
    .option("--no-agent-files", "do not write AGENTS.md, CLAUDE.md and .cursor/rules/hyperframes.mdc (the guide for AI coding agents)")
    .option("--json", "machine-readable output on stdout")
    .addHelpText(
      "after",
      `
Examples:
  $ hyperframes init my-video
  $ hyperframes init promo --template title-card
  $ hyperframes init promo --no-agent-files          without the AI agent guide
  $ hyperframes init --list-templates`,
    )
    .action((name: string | undefined, flags: InitFlags) => {
      const out = createOutput(Boolean(flags.json));
      if (flags.listTemplates) {
        const templates = listTemplates();
        const width = Math.max(...templates.map((t) => t.id.length));
        out.result(
          { type: "templates", templates: templates.map(({ id, name, description }) => ({ id, name, description })) },
          templates.map((t) => `${t.id.padEnd(width)}  ${t.description}`).join("\n"),
        );
        return;
      }
      if (!name) {
        throw new UsageError("init_missing_name", "hyperframes init needs a project folder name", {
          hint: "e.g. hyperframes init my-video --template blank (templates: hyperframes init --list-templates)",
        });
      }
      const res = initProject(name, { template: flags.template, force: Boolean(flags.force), agentFiles: flags.agentFiles !== false });
      const rel = path.relative(process.cwd(), res.dir) || ".";
      const shown = shellArg(rel.startsWith("..") ? res.dir : rel);
      const next = [`hyperframes dev ${shown}`, `hyperframes lint ${shown}`, `hyperframes snapshot ${shown}`, `hyperframes render ${shown}`];
      out.result(
        { type: "init", ok: true, dir: res.dir, template: res.template, files: res.files, next },
        [
          `Created ${rel} from the "${res.template}" template (${res.files.length} files).`,
          "",
          "Next steps:",
          ...[
            [next[0], "live preview in your browser"],
            [next[1], "check the composition"],
            [next[2], "PNG stills of a few moments"],
            [next[3], `render to ${path.join(rel, "renders")}/*.mp4`],
          ].map(([cmd, what]) => `  ${cmd!.padEnd(Math.max(...next.map((n) => n.length)))}   ${what}`),
          ...(res.files.includes("AGENTS.md") ? ["", "AI coding agents: AGENTS.md has the rules and the edit → lint → snapshot → render loop."] : []),
        ].join("\n"),
      );
    });
}
