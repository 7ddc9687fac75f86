/** `hyperframes cloud status|list|delete|download`: one render, the list, removal and fetching a finished video. */
import path from "node:path";
import { Command } from "commander";
import { CloudError, UsageError } from "../../../errors.js";
import { createOutput, numberOption } from "../../output.js";
import { type RenderDetail } from "../../../cloud/client.js";
import { fmtBytes } from "../../../cloud/upload.js";
import { common, makeClient, downloadOutputs, cancellable, type CommonOpts } from "./shared.js";

export function registerManage(cloud: Command): void {
  // ------------------------------------------------------------------ status / list / delete / download
  common(cloud.command("status").description("show one cloud render").argument("<id>", "render id")).action(
    cancellable(undefined, async (signal: AbortSignal, id: string, o: CommonOpts, cmd: Command) => {
      const out = createOutput(!!o.json);
      const r = await makeClient(o, cmd).getRender(id, signal);
      out.result(
        { type: "render", ...r },
        [`${r.render_id}: ${r.status}`, r.title ? `title: ${r.title}` : "", r.duration ? `duration: ${r.duration} s` : "", r.video_url ? `video: ${r.video_url}` : "", r.failure_message ? `failure: ${r.failure_message}` : ""]
          .filter(Boolean)
          .join("\n"),
      );
    }),
  );

  common(cloud.command("list").description("list cloud renders (first page; --all for every page)"))
    .option("--all", "follow next_token through every page")
    .addOption(numberOption("--limit <n>", "page size (1-100)", 20))
    .action(cancellable(undefined, async (signal: AbortSignal, o: CommonOpts & { all?: boolean; limit: string }, cmd: Command) => {
      const out = createOutput(!!o.json);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError("invalid_option", `--limit must be an integer from 1 to 100, got "${o.limit}"`);
      const c = makeClient(o, cmd);
      let renders: RenderDetail[];
      let has_more = false;
      let next_token: string | null = null;
      if (o.all) renders = await c.listAllRenders({ limit, signal });
      else ({ data: renders, has_more, next_token } = await c.listRenders({ limit, signal }));
      out.result(
        { type: "renders", renders, has_more, next_token },
        renders.length === 0
          ? "no renders"
          : renders.map((r) => `${r.render_id}  ${r.status.padEnd(9)}  ${r.title ?? ""}`).join("\n") + (has_more ? "\n(more: use --all)" : ""),
      );
    }));

  common(cloud.command("delete").description("delete a cloud render").argument("<id>", "render id")).action(
    cancellable(`check with \`hyperframes cloud list\` whether it was deleted`, async (signal: AbortSignal, id: string, o: CommonOpts, cmd: Command) => {
      const out = createOutput(!!o.json);
      await makeClient(o, cmd).deleteRender(id, signal);
      out.result({ type: "deleted", render_id: id }, `deleted ${id}`);
    }),
  );

  common(cloud.command("download").description("download a finished cloud render").argument("<id>", "render id"))
    .option("--dir <dir>", "project folder: the video goes to <dir>/renders/", ".")
    .option("-o, --output <file>", "where to write the video")
    .option("--thumbnail", "also download the thumbnail")
    .action(cancellable(undefined, async (signal: AbortSignal, id: string, o: CommonOpts & { dir: string; output?: string; thumbnail?: boolean }, cmd: Command) => {
      const out = createOutput(!!o.json);
      const r = await makeClient(o, cmd).getRender(id, signal);
      if (r.status !== "completed")
        throw new CloudError("render_not_completed", `cloud render ${id} is ${r.status}${r.failure_message ? `: ${r.failure_message}` : ""}`, {
          hint: r.status === "failed" ? "re-submit it" : `wait, or use \`hyperframes cloud status ${id}\``,
        });
      const files = await downloadOutputs(r, path.resolve(o.dir), { id, output: o.output, thumbnail: o.thumbnail, title: typeof r.title === "string" ? r.title : undefined, signal }, out);
      out.result({ type: "downloaded", render_id: id, ...files }, `${files.video} (${fmtBytes(files.bytes)})`);
    }));
}
