/**
 * Which lint findings stop a render before it starts (the CLI lints first for `render`, a batch and
 * `snapshot`). Every error does, except the codes listed in RENDERED_ANYWAY: the official CLI's lint reports
 * them as errors (so does ours, for parity), but this renderer draws those compositions right, and real
 * projects the official renderer renders have them (the real-world corpus: missing-host-comp-id,
 * overlay-montage-prod, sub-composition-video, video-hfid-no-id). With `warningsToo` (--strict-all) warnings
 * stop the render too.
 */
import type { LintFinding, LintResult } from "../types.js";

/** Lint error codes that do not stop a render, and why the render still comes out right. */
export const RENDERED_ANYWAY: Readonly<Record<string, string>> = {
  host_missing_composition_id: "the sub-composition is mounted from its data-composition-src all the same",
  media_missing_id: "media are found by element, not by id: the video is drawn and the audio mixed all the same",
};

export interface RenderGate {
  /** findings that stop the render */
  blocking: LintFinding[];
  /** lint errors the render goes ahead with (RENDERED_ANYWAY): worth a warning */
  tolerated: LintFinding[];
}

export function renderGate(r: LintResult, o: { warningsToo?: boolean } = {}): RenderGate {
  const blocking: LintFinding[] = [];
  const tolerated: LintFinding[] = [];
  for (const f of r.findings) {
    if (f.severity === "error" && f.code in RENDERED_ANYWAY) (o.warningsToo ? blocking : tolerated).push(f);
    else if (f.severity === "error" || o.warningsToo) blocking.push(f);
  }
  return { blocking, tolerated };
}
