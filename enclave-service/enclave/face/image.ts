// Frames in: decoded with sharp (libvips) into plain RGB, with typed refusals for
// anything that is not a sane camera image. Resampling is a plain bilinear affine
// warp over that RGB buffer, used for every crop the models need.
import sharp, { type OutputInfo } from "sharp";
import { FaceError } from "./errors";

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const MAX_FRAME_SIDE = 4096;

export async function decodeFrame(bytes: Uint8Array): Promise<RgbImage> {
  if (bytes.length === 0) throw new FaceError("image_invalid");
  if (bytes.length > MAX_FRAME_BYTES) throw new FaceError("image_too_large");
  let out: { data: Buffer; info: OutputInfo };
  try {
    const image = sharp(bytes, { failOn: "error", limitInputPixels: MAX_FRAME_SIDE * MAX_FRAME_SIDE });
    const meta = await image.metadata();
    if (!meta.format || !["jpeg", "webp", "png"].includes(meta.format)) throw new FaceError("image_invalid");
    if ((meta.width ?? 0) > MAX_FRAME_SIDE || (meta.height ?? 0) > MAX_FRAME_SIDE) throw new FaceError("image_too_large");
    out = await image.rotate().removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (error instanceof FaceError) throw error;
    throw new FaceError(/pixel limit/i.test(String(error)) ? "image_too_large" : "image_invalid");
  }
  if (out.info.channels !== 3) throw new FaceError("image_invalid");
  return { data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length), width: out.info.width, height: out.info.height };
}

/** Row-major 2x3 affine map from output pixel (u, v) to source pixel (x, y). */
export type Affine = readonly [number, number, number, number, number, number];

/** Samples `src` through `map` into a new outW x outH RGB image (bilinear; black outside). */
export function warp(src: RgbImage, map: Affine, outW: number, outH: number): Uint8Array {
  const out = new Uint8Array(outW * outH * 3);
  const [a, b, c, d, e, f] = map;
  const { data, width, height } = src;
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      const x = a * u + b * v + c;
      const y = d * u + e * v + f;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) continue;
      const fx = x - x0;
      const fy = y - y0;
      const i00 = (y0 * width + x0) * 3;
      const i10 = i00 + 3;
      const i01 = i00 + width * 3;
      const i11 = i01 + 3;
      const o = (v * outW + u) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[i00 + ch]! + (data[i10 + ch]! - data[i00 + ch]!) * fx;
        const bottom = data[i01 + ch]! + (data[i11 + ch]! - data[i01 + ch]!) * fx;
        out[o + ch] = top + (bottom - top) * fy + 0.5;
      }
    }
  }
  return out;
}

/** The map that stretches the source rectangle (x, y, w, h) over an outW x outH output. */
export const cropMap = (x: number, y: number, w: number, h: number, outW: number, outH: number): Affine => [w / outW, 0, x + (w / outW - 1) / 2, 0, h / outH, y + (h / outH - 1) / 2];
