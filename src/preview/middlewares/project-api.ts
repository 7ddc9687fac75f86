/**
 * `/__hyperframes/api/project` (read-only): what the player shows about the project — its name and folder,
 * the composition picker, and the chosen composition's size, variables, static clips and lint findings
 * (../project.ts). `?comp=<file>` picks one; without it, the entry composition (else the first found).
 * A `comp` that is not a composition of the project is a 404 with `preview_unknown_composition`, never another
 * composition in its place. The security gate has already run; nothing here changes state.
 */
import type { Connect } from "vite";
import { describeForPreview, discoverCompositions } from "../project.js";
import { routeMiddleware, sendJson, type PreviewContext } from "./http.js";

export function projectApiMiddleware(ctx: PreviewContext): Connect.NextHandleFunction {
  const { project, projectName } = ctx;
  return routeMiddleware(async ({ path: p, url }, _req, res, next) => {
    if (p !== "/__hyperframes/api/project") return next();
    const compositions = discoverCompositions(project);
    const wanted = url.searchParams.get("comp");
    const comp = wanted ? compositions.find((c) => c.file === wanted) : (compositions.find((c) => c.kind === "entry") ?? compositions[0]);
    // a link to a composition that is not there says so (never another composition in its place)
    if (wanted && !comp)
      return sendJson(res, 404, {
        name: projectName,
        dir: project,
        compositions,
        composition: null,
        error: {
          code: "preview_unknown_composition",
          message: `${wanted} is not a composition of this project`,
          hint: compositions.length ? `pick one of: ${compositions.map((c) => c.file).join(", ")}` : "add an index.html with a data-composition-id root",
        },
      });
    const details = comp ? await describeForPreview(project, comp.file) : null;
    return sendJson(res, 200, { name: projectName, dir: project, compositions, composition: details });
  });
}
