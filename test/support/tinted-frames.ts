// A face lit by the light challenge's colours, made from a real frame: the face's ellipse
// (inside the detected box) is tinted toward a screen colour, as a screen's light on
// skin would tint it, and nothing else in the frame changes. This proves the enclave
// reads the skin against the scene and follows the colours in time; it cannot prove
// that a real screen lights a real face this much (no camera faces a screen here).
import sharp from "sharp";
import { LIGHT_COLOURS, type LightColour } from "../../contracts/frame-service";
import type { Box } from "../../common/face-geometry";

const linear = (c: number) => ((c / 255 + 0.055) / 1.055) ** 2.4;
const srgb = (l: number) => Math.round(255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055));

/** Each channel's gain on the skin under `colour`: 1 ± strength, by how far the colour leans to that channel. */
function gains(colour: LightColour, strength: number): [number, number, number] {
  const lin = LIGHT_COLOURS[colour].map(linear);
  const mean = (lin[0]! + lin[1]! + lin[2]!) / 3;
  return lin.map((c) => 1 + (strength * (c - mean)) / mean) as [number, number, number];
}

/** `jpeg` with the face in `box` (normalised) tinted toward `colour`; `strength` 0.1 moves a channel by about a tenth. */
export async function tintFace(jpeg: Uint8Array, box: Box, colour: LightColour, strength = 0.1): Promise<Uint8Array> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: W, height: H } = info;
  const g = gains(colour, strength);
  const cx = ((box.x0 + box.x1) / 2) * W;
  const cy = ((box.y0 + box.y1) / 2) * H;
  const rx = ((box.x1 - box.x0) / 2) * W;
  const ry = ((box.y1 - box.y0) / 2) * H;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      if (d >= 1) continue;
      // Full strength inside, fading out at the ellipse's edge.
      const w = Math.min(1, (1 - d) * 4);
      const i = (y * W + x) * 3;
      for (let k = 0; k < 3; k++) data[i + k] = Math.min(255, srgb(linear(data[i + k]!) * (1 + w * (g[k]! - 1))));
    }
  return new Uint8Array(
    await sharp(data, { raw: { width: W, height: H, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
}
