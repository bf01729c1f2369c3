// The colour of the light on the face, against the scene's: what the light challenge
// (enclave-service/enclave/light.ts) reads. A screen close to a face lights the skin far
// more than the room behind it, while a camera's white balance and exposure move both
// alike; a picture of a face on paper or a phone lights neither.
import type { Box } from "../../../common/face-geometry";
import type { RgbImage } from "./image";

export type Rgb = readonly [number, number, number];
export interface FaceLight {
  /** Mean RGB of the cheeks, nose and upper lip (skin on nearly every face, whatever the hair). */
  skin: Rgb;
  /** Mean RGB of the frame outside the face and the hair around it. */
  background: Rgb;
}

/** Every STRIDE-th pixel on every STRIDE-th row: a mean needs no more. */
const STRIDE = 3;
/** The skin patch, as fractions of the face box. */
const SKIN = { x0: 0.25, x1: 0.75, y0: 0.45, y1: 0.8 } as const;
/** Around the face box, this much of its size on each side is face or hair, not background. */
const MARGIN = 0.5;

export function faceLight({ data, width, height }: RgbImage, box: Box): FaceLight {
  const bw = (box.x1 - box.x0) * width;
  const bh = (box.y1 - box.y0) * height;
  const left = box.x0 * width;
  const top = box.y0 * height;
  const skin = [0, 0, 0, 0];
  const background = [0, 0, 0, 0];
  for (let y = 0; y < height; y += STRIDE) {
    const v = (y - top) / bh;
    for (let x = 0; x < width; x += STRIDE) {
      const u = (x - left) / bw;
      const sum = u >= SKIN.x0 && u < SKIN.x1 && v >= SKIN.y0 && v < SKIN.y1 ? skin : u < -MARGIN || u > 1 + MARGIN || v < -MARGIN || v > 1 + MARGIN ? background : undefined;
      if (!sum) continue;
      const i = (y * width + x) * 3;
      sum[0]! += data[i]!;
      sum[1]! += data[i + 1]!;
      sum[2]! += data[i + 2]!;
      sum[3]!++;
    }
  }
  const mean = ([r, g, b, n]: number[]): Rgb => (n ? [r! / n, g! / n, b! / n] : [0, 0, 0]);
  return { skin: mean(skin), background: mean(background) };
}
