// Alignment to the ArcFace 112x112 five-point template by the least-squares
// similarity transform (rotation, uniform scale, translation) over all five points.
import type { Point } from "../../../common/face-geometry";
import type { Affine } from "./image";

export const ARCFACE_SIZE = 112;
const ARCFACE_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** The five points the template names, from the 68 landmarks (pixel coordinates). */
export function fivePoints(pts: readonly Point[]): Point[] {
  const centre = (from: number, to: number): Point => {
    const eye = pts.slice(from, to);
    return [eye.reduce((s, p) => s + p[0], 0) / eye.length, eye.reduce((s, p) => s + p[1], 0) / eye.length];
  };
  return [centre(36, 42), centre(42, 48), pts[30]!, pts[48]!, pts[54]!];
}

/**
 * Least-squares similarity from `src` to `dst` (Umeyama, no reflection), returned as
 * the inverse map (template pixel → image pixel) that warp() samples through.
 */
export function similarityToTemplate(src: readonly Point[], dst: readonly Point[] = ARCFACE_TEMPLATE): Affine {
  const n = src.length;
  const mean = (ps: readonly Point[]): Point => [ps.reduce((s, p) => s + p[0], 0) / n, ps.reduce((s, p) => s + p[1], 0) / n];
  const [sx, sy] = mean(src);
  const [dx, dy] = mean(dst);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = src[i]![0] - sx;
    const ay = src[i]![1] - sy;
    const bx = dst[i]![0] - dx;
    const by = dst[i]![1] - dy;
    dot += ax * bx + ay * by;
    cross += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  // Forward: dst = [a -b; b a] src + t.
  const a = dot / norm;
  const b = cross / norm;
  const tx = dx - (a * sx - b * sy);
  const ty = dy - (b * sx + a * sy);
  // Inverse: src = 1/(a²+b²) [a b; -b a] (dst - t).
  const k = 1 / (a * a + b * b);
  return [k * a, k * b, -k * (a * tx + b * ty), -k * b, k * a, -k * (-b * tx + a * ty)];
}
