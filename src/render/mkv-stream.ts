/**
 * A minimal streaming Matroska writer for one MJPEG video track: the container that lets the renderer give
 * FFmpeg timestamped frames, so a frame identical to the previous one is not sent (nor decoded) at all and
 * the encoder's fps filter repeats the previous picture instead.
 *
 * Layout: EBML header, a Segment of unknown size (a stream), Info (timestamps in microseconds), one video
 * track (V_MJPEG, default duration one frame), then one Cluster per frame, each holding one SimpleBlock.
 */

const idBytes = (id: number): Buffer => Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, "0"), "hex");

/** A size as an 8-byte EBML vint. */
function sizeVint(n: number): Buffer {
  const size = Buffer.alloc(8);
  size.writeUInt8(0x01, 0);
  size.writeUIntBE(n, 2, 6);
  return size;
}

/** An element: its ID bytes (marker included), then the size as an 8-byte vint, then the payload. */
function element(id: number, payload: Buffer): Buffer {
  return Buffer.concat([idBytes(id), sizeVint(payload.length), payload]);
}

function uint(id: number, value: number): Buffer {
  let hex = Math.max(0, Math.round(value)).toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return element(id, Buffer.from(hex, "hex"));
}

const str = (id: number, value: string): Buffer => element(id, Buffer.from(value, "ascii"));
const master = (id: number, ...children: Buffer[]): Buffer => element(id, Buffer.concat(children));

/** Segment start with an unknown size (0x01FFFFFFFFFFFFFF): the stream ends when the pipe closes. */
const SEGMENT_UNKNOWN_SIZE = Buffer.from("1853806701ffffffffffffff", "hex");

/** Header bytes: EBML header, Segment start, Info and the video track. */
export function mkvHeader(o: { width: number; height: number; fps: number }): Buffer {
  const app = "hyperframes-toolkit";
  return Buffer.concat([
    master(0x1a45dfa3, uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), str(0x4282, "matroska"), uint(0x4287, 4), uint(0x4285, 2)),
    SEGMENT_UNKNOWN_SIZE,
    master(0x1549a966, uint(0x2ad7b1, 1000), str(0x4d80, app), str(0x5741, app)),
    master(
      0x1654ae6b,
      master(
        0xae,
        uint(0xd7, 1),
        uint(0x73c5, 1),
        uint(0x83, 1),
        str(0x86, "V_MJPEG"),
        uint(0x9c, 0),
        uint(0x23e383, 1e9 / o.fps),
        master(0xe0, uint(0xb0, o.width), uint(0xba, o.height)),
      ),
    ),
  ]);
}

/**
 * The bytes that precede one frame's image at `micros` microseconds: a Cluster with its timestamp, opening a
 * keyframe SimpleBlock whose payload ends with the image (written after these bytes, not copied into them).
 */
export function mkvFramePrefix(imageLength: number, micros: number): Buffer {
  const timestamp = uint(0xe7, micros);
  // track number 1 as a vint (0x81), timestamp 0 relative to the cluster, flags: keyframe
  const block = Buffer.concat([idBytes(0xa3), sizeVint(4 + imageLength), Buffer.from([0x81, 0x00, 0x00, 0x80])]);
  return Buffer.concat([idBytes(0x1f43b675), sizeVint(timestamp.length + block.length + imageLength), timestamp, block]);
}
