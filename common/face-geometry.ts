// Pure pre- and post-processing for the face models (fr_detect, fr_landmark): pixels
// in, boxes, landmarks, head pose and eye openness out. The same code runs in the
// enclave's face engine and in the iframe's tracker, so both measure alike.
// Conventions: boxes and points are normalised to the frame (0..1); yaw > 0 when the
// person turns to THEIR left (their nose moves to the image's right in the raw,
// unmirrored camera image), pitch > 0 when they look up.

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
}
export type Point = readonly [number, number];

export const DETECT_W = 320;
export const DETECT_H = 240;
export const LANDMARK_SIZE = 64;

/** Interleaved pixels (RGB or RGBA: `channels`) → NCHW float tensor, (x - 127) / 128. */
export function normalizedChw(pixels: Uint8Array | Uint8ClampedArray, plane: number, channels: 3 | 4): Float32Array {
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = (pixels[i * channels]! - 127) / 128;
    out[plane + i] = (pixels[i * channels + 1]! - 127) / 128;
    out[2 * plane + i] = (pixels[i * channels + 2]! - 127) / 128;
  }
  return out;
}

const iou = (a: Box, b: Box): number => {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  const area = (r: Box) => (r.x1 - r.x0) * (r.y1 - r.y0);
  return inter / (area(a) + area(b) - inter || 1);
};

/** The detector's decoded outputs (scores N x 2, corner boxes N x 4) → faces after non-maximum suppression. */
export function decodeDetections(scores: Float32Array, boxes: Float32Array, threshold = 0.7, iouLimit = 0.3): Box[] {
  const candidates: Box[] = [];
  for (let i = 0; i < scores.length / 2; i++) {
    const score = scores[i * 2 + 1]!;
    if (score < threshold) continue;
    candidates.push({ x0: boxes[i * 4]!, y0: boxes[i * 4 + 1]!, x1: boxes[i * 4 + 2]!, y1: boxes[i * 4 + 3]!, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept: Box[] = [];
  for (const c of candidates) if (kept.every((k) => iou(k, c) < iouLimit)) kept.push(c);
  return kept;
}

/** Pixels (RGB or RGBA) of a LANDMARK_SIZE² crop of the face box → 1x1x64x64 grey tensor, grey / 256. */
export function landmarkInput(pixels: Uint8Array | Uint8ClampedArray, channels: 3 | 4): Float32Array {
  const out = new Float32Array(LANDMARK_SIZE * LANDMARK_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = (0.299 * pixels[i * channels]! + 0.587 * pixels[i * channels + 1]! + 0.114 * pixels[i * channels + 2]!) / 256;
  return out;
}

/** The landmark model's 136 outputs (x, y pairs normalised to the box) → 68 points in frame coordinates. */
export function landmarksInFrame(output: Float32Array, box: Box): Point[] {
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  return Array.from({ length: 68 }, (_, i) => [box.x0 + output[i * 2]! * w, box.y0 + output[i * 2 + 1]! * h] as const);
}

const mean = (pts: readonly Point[]): Point => [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/**
 * Head pose from the 68 landmarks, in degrees. Yaw: where the nose tip sits between
 * the two sides of the jaw (0 when centred); pitch: where it sits between the eyes
 * and the chin, relative to a frontal face's ratio. Coarse, but monotonic, which is
 * what guidance needs; the enclave measures pose on the frames itself.
 */
export function headPose(pts: readonly Point[]): { yaw: number; pitch: number } {
  const left = pts[0]!;
  const right = pts[16]!;
  const nose = pts[30]!;
  const half = dist(left, right) / 2 || 1e-6;
  const mid: Point = [(left[0] + right[0]) / 2, (left[1] + right[1]) / 2];
  const offset = Math.max(-1, Math.min(1, (nose[0] - mid[0]) / half));
  const eyes = mean(pts.slice(36, 48));
  const chin = pts[8]!;
  const ratio = (nose[1] - eyes[1]) / (chin[1] - eyes[1] || 1e-6);
  const FRONTAL_RATIO = 0.4;
  return { yaw: (Math.asin(offset) * 180) / Math.PI, pitch: (FRONTAL_RATIO - ratio) * 150 };
}

/** Mean eye aspect ratio of both eyes (about 0.3 open, under 0.15 closed). */
export function eyeOpenness(pts: readonly Point[]): number {
  const ear = (e: readonly Point[]) => (dist(e[1]!, e[5]!) + dist(e[2]!, e[4]!)) / (2 * dist(e[0]!, e[3]!) || 1e-6);
  return (ear(pts.slice(36, 42)) + ear(pts.slice(42, 48))) / 2;
}

/** Mean luma (0..1) of pixels (RGB or RGBA), sampled every `step` pixels. */
export function brightness(pixels: Uint8Array | Uint8ClampedArray, channels: 3 | 4, step = 16): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < pixels.length; i += channels * step, n++) sum += 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!;
  return n ? sum / n / 255 : 0;
}
