/** `loop` media wrap back to their data-media-start (not to the start of the file), for video and audio. */
import { afterAll, describe, expect, it } from "vitest";
import path from "node:path";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames, pixel, colourDistance, makeColourVideo, makeTone, sourceFrameColour, meanVolumeDb, COLOUR_TOL } from "./helpers/media.js";

afterAll(cleanupProjects);

describe("looping media", () => {
  it("a looping video repeats [media start, end of source); a looping audio track keeps sounding", async () => {
    const dir = makeProject(
      {
        "index.html": page({
          duration: 2,
          fps: 10,
          rootAttrs: "data-no-timeline",
          gsap: false,
          body: `<video id="v" src="clip.mp4" muted loop data-start="0" data-duration="2" data-media-start="0.5" style="position:absolute;left:0;top:0;width:320px;height:180px"></video>
<audio id="a" src="tone.wav" loop data-start="0" data-duration="2" data-media-start="0.2"></audio>`,
        }),
      },
      { gsap: false },
    );
    makeColourVideo(path.join(dir, "clip.mp4"), 10, 10); // 1 s source, frames 0..9
    makeTone(path.join(dir, "tone.wav"), 0.5);
    const r = await renderProject(dir, { workers: 1 });
    const d = await decodeFrames(r.output);
    // period = source frames 5..9 (media start 0.5 s); composition frame i shows source 5 + (i mod 5)
    for (const i of [0, 4, 5, 7, 12, 19]) {
      const want = sourceFrameColour(5 + (i % 5));
      expect(colourDistance(pixel(d, i, 160, 90), want), `frame ${i}`).toBeLessThan(COLOUR_TOL);
    }
    // the 0.5 s tone from 0.2 s loops a 0.3 s period: sound all the way through
    for (const [a, b] of [[0.05, 0.45], [0.6, 1.0], [1.5, 1.95]]) expect(meanVolumeDb(r.output, a, b)).toBeGreaterThan(-40);
  });
});
