/**
 * A <video> used as an image source by page code draws the rendered frame (video-sources.ts), as the
 * official renderer's WebGL video textures do (its producer test `webgl-video-texture-render-compat`):
 * `drawImage(video)` on a 2D canvas from an hf-seek listener and from an rAF callback, and
 * `texImage2D(…, video)` in WebGL. The video itself is parked out of sight, as such pages do. Real Chrome +
 * FFmpeg; the canvases' colours read back from the decoded MP4.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { cleanupProjects, makeProject, page } from "./helpers/project.js";
import { renderProject } from "./helpers/render.js";
import { decodeFrames, pixel, colourDistance, describeColour, makeColourVideo, sourceFrameColour, COLOUR_TOL, type DecodedFrames } from "./helpers/media.js";

afterAll(cleanupProjects);

const SCRIPT = `
const v = document.getElementById("v");
// 2D canvas, drawn on every hf-seek, only once the video says it has data (as authors write it)
const c2 = document.getElementById("c2d").getContext("2d");
addEventListener("hf-seek", () => { if (v.readyState >= 2) c2.drawImage(v, 0, 0, 160, 90); });
// 2D canvas drawn from requestAnimationFrame
const cr = document.getElementById("craf").getContext("2d");
(function loop() { if (v.readyState >= 2) cr.drawImage(v, 0, 0, 160, 90); requestAnimationFrame(loop); })();
// WebGL: the video as a texture on a full-canvas triangle
const gl = document.getElementById("cgl").getContext("webgl", { preserveDrawingBuffer: true });
const sh = (t, s) => { const o = gl.createShader(t); gl.shaderSource(o, s); gl.compileShader(o); return o; };
const p = gl.createProgram();
gl.attachShader(p, sh(gl.VERTEX_SHADER, "attribute vec2 a; varying vec2 uv; void main(){ uv = a * 0.5 + 0.5; gl_Position = vec4(a, 0.0, 1.0); }"));
gl.attachShader(p, sh(gl.FRAGMENT_SHADER, "precision mediump float; varying vec2 uv; uniform sampler2D t; void main(){ gl_FragColor = texture2D(t, uv); }"));
gl.linkProgram(p); gl.useProgram(p);
gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
gl.enableVertexAttribArray(0); gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
addEventListener("hf-seek", () => {
  if (v.readyState >= 2) gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, v);
  gl.clearColor(0, 0, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT); gl.drawArrays(gl.TRIANGLES, 0, 3);
});
`;

describe("render: a video drawn by page code shows the rendered frame", () => {
  let d: DecodedFrames;
  beforeAll(async () => {
    const dir = makeProject(
      {
        "index.html": page({
          duration: 1,
          fps: 10,
          gsap: false,
          body: `<video id="v" src="clip.mp4" muted playsinline class="clip" data-start="0" data-duration="1" data-track-index="0" style="position:absolute;left:0;top:0;width:4px;height:4px;opacity:0"></video>
    <canvas id="c2d" width="160" height="90" style="position:absolute;left:0;top:0"></canvas>
    <canvas id="cgl" width="160" height="90" style="position:absolute;left:160px;top:0"></canvas>
    <canvas id="craf" width="160" height="90" style="position:absolute;left:0;top:90px"></canvas>`,
          script: SCRIPT,
        }),
      },
      { gsap: false },
    );
    makeColourVideo(path.join(dir, "clip.mp4"), 10, 10);
    d = await decodeFrames((await renderProject(dir, { quality: "high" })).output);
  }, 120_000);

  it("drawImage from hf-seek, drawImage from rAF and a WebGL texture all show video frame i at composition frame i", () => {
    for (const i of [0, 3, 6, 9]) {
      const want = sourceFrameColour(i);
      for (const [name, x, y] of [["2D canvas (hf-seek)", 80, 45], ["WebGL texture", 240, 45], ["2D canvas (rAF)", 80, 135]] as const) {
        const got = pixel(d, i, x, y);
        expect(colourDistance(got, want), `${name} at frame ${i}: ${describeColour(got)}, want ${describeColour(want)}`).toBeLessThan(COLOUR_TOL);
      }
    }
  });
});
