// A face lit by the light challenge's colours, made from real frames: the face's ellipse
// (inside the detected box) is tinted toward a screen colour, as a screen's light on
// skin would tint it, and nothing else in the frame changes. This proves the enclave
// reads the skin against the scene and follows the colours in time; it cannot prove
// that a real screen lights a real face this much (no camera faces a screen here).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import sharp from "sharp";
import { LIGHT_COLOURS, type LightColour, type LightSpan } from "../../contracts/frame-service";
import type { Box } from "../../common/face-geometry";
import { FaceEngine } from "../../enclave-service/enclave/face/engine";
import { readFaceModels } from "../../enclave-service/parent/model-files";

import { linearLight as linear } from "../../enclave-service/enclave/light";

const srgb = (l: number) => Math.round(255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055));

/** The colour on screen `ms` after the first of `spans` began; undefined before it and after the last. */
export function colourAt(spans: readonly LightSpan[], ms: number): LightColour | undefined {
  let start = 0;
  for (const span of spans) {
    if (ms >= start && ms < start + span.ms) return span.colour;
    start += span.ms;
  }
  return undefined;
}

/** Each channel's gain on the skin under `colour`: 1 ± strength, by how far the colour leans to that channel. */
function gains(colour: LightColour, strength: number): [number, number, number] {
  const lin = LIGHT_COLOURS[colour].map(linear);
  const mean = (lin[0]! + lin[1]! + lin[2]!) / 3;
  return lin.map((c) => 1 + (strength * (c - mean)) / mean) as [number, number, number];
}

/** Tints, in place, the face in `box` (normalised) of an RGB image toward `colour`. */
function tintRgb(data: Uint8Array, W: number, H: number, box: Box, colour: LightColour, strength: number): void {
  const g = gains(colour, strength);
  const cx = ((box.x0 + box.x1) / 2) * W;
  const cy = ((box.y0 + box.y1) / 2) * H;
  const rx = ((box.x1 - box.x0) / 2) * W;
  const ry = ((box.y1 - box.y0) / 2) * H;
  for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(H, cy + ry); y++)
    for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(W, cx + rx); x++) {
      const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      if (d >= 1) continue;
      // Full strength inside, fading out at the ellipse's edge.
      const w = Math.min(1, (1 - d) * 4);
      const i = (y * W + x) * 3;
      for (let k = 0; k < 3; k++) data[i + k] = Math.min(255, srgb(linear(data[i + k]!) * (1 + w * (g[k]! - 1))));
    }
}

/** `jpeg` with the face in `box` tinted toward `colour`; `strength` 0.05 moves a channel by about a twentieth. */
export async function tintFace(jpeg: Uint8Array, box: Box, colour: LightColour, strength = 0.05): Promise<Uint8Array> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  tintRgb(data, info.width, info.height, box, colour, strength);
  return new Uint8Array(
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
}

/**
 * A camera file (Y4M, 640x480, 30 fps) of a real video whose face is tinted along
 * `colours`, `spanMs` each, over and over from its first frame, and the test-mode colours
 * to run it with (FACESIGN_TEST_LIGHT: `count` spans of the same alternation). Chromium's
 * fake camera starts the file when the page opens the camera, not when the enclave
 * reveals its colours, so the colours repeat with the file's period (at most the
 * enclave's delay window): whenever they start, the enclave finds them at a delay inside
 * its window.
 */
export async function tintedCamera(
  source: string,
  { start, duration, colours, spanMs, count = 6 }: { start: number; duration: number; colours: LightColour[]; spanMs: number; count?: number },
): Promise<{ camera: string; testLight: string }> {
  const testLight = Array.from({ length: count }, (_, i) => `${colours[i % colours.length]}:${spanMs}`).join(",");
  const camera = await tintedCameraFile(source, { start, duration, colours, spanMs });
  return { camera, testLight };
}

async function tintedCameraFile(source: string, { start, duration, colours, spanMs }: { start: number; duration: number; colours: LightColour[]; spanMs: number }): Promise<string> {
  const out = resolve(join(".cache", "camera", `${basename(source, extname(source))}-${start}s-${duration}s-${colours.join("-")}-${spanMs}ms.y4m`));
  if (existsSync(out)) return out;
  mkdirSync(resolve(".cache", "camera"), { recursive: true });
  const [W, H, FPS] = [640, 480, 30];
  const vf = `scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2,fps=${FPS}`;
  const raw = execFileSync("ffmpeg", ["-loglevel", "error", "-ss", String(start), "-i", source, "-t", String(duration), "-vf", vf, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], {
    maxBuffer: 2 ** 31 - 1,
  });
  const engine = await FaceEngine.create(readFaceModels());
  const size = W * H * 3;
  let box: Box | undefined;
  for (let k = 0; k * size < raw.length; k++) {
    const data = new Uint8Array(raw.buffer, raw.byteOffset + k * size, size);
    box = (await engine.detect({ data, width: W, height: H }))[0] ?? box;
    const colour = colours[Math.floor((k * 1000) / FPS / spanMs) % colours.length]!;
    if (box) tintRgb(data, W, H, box, colour, 0.05);
  }
  const tmp = `${out}.part.y4m`;
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${W}x${H}`, "-r", String(FPS), "-i", "-", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", tmp], {
    input: raw,
    maxBuffer: 2 ** 31 - 1,
  });
  renameSync(tmp, out);
  return out;
}
