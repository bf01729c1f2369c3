// Symmetric int8 quantisation of a unit FaceVector, with the two norms that bound
// its error: for any query y with its own quantisation ŷ = y - e_y,
//   |x·y - x̂·ŷ| ≤ ‖x - x̂‖·‖y‖ + ‖x̂‖·‖e_y‖     (Cauchy-Schwarz, twice)
// so a row whose upper bound misses the threshold cannot match in exact arithmetic.
import { FACE_VECTOR_DIM } from "./registry-types";

export interface Quantized {
  codes: Int8Array<ArrayBufferLike>;
  /** x̂ = scale · codes */
  scale: number;
  /** ‖x - x̂‖ */
  error: number;
  /** ‖x̂‖ */
  norm: number;
}

export function quantize(vector: Float32Array, codes: Int8Array<ArrayBufferLike> = new Int8Array(FACE_VECTOR_DIM)): Quantized {
  let max = 0;
  for (let i = 0; i < FACE_VECTOR_DIM; i++) max = Math.max(max, Math.abs(vector[i]!));
  const scale = max > 0 ? max / 127 : 1;
  let error = 0;
  let norm = 0;
  for (let i = 0; i < FACE_VECTOR_DIM; i++) {
    const c = Math.round(vector[i]! / scale);
    codes[i] = c;
    const approx = c * scale;
    error += (vector[i]! - approx) ** 2;
    norm += approx * approx;
  }
  return { codes, scale, error: Math.sqrt(error), norm: Math.sqrt(norm) };
}

/** Exact cosine of two unit vectors, as the reference search computes it (f64 sum of f32 products). */
export function dot(a: Float32Array, b: Float32Array, offset = 0): number {
  let s = 0;
  for (let i = 0; i < FACE_VECTOR_DIM; i++) s += a[offset + i]! * b[i]!;
  return s;
}
