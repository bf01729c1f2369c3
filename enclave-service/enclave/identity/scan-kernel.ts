// The 1:N scan's inner loop, in WebAssembly SIMD: for each int8 row, the exact integer
// dot product with the int8 query (i16 lanes, i32x4.dot_i16x8_s), turned into an upper
// bound on the true cosine (see quantize.ts); rows whose bound reaches the cut-off are
// written out as candidates for the exact f32 re-rank. The text is assembled by wabt
// at start so what runs is readable here, not an opaque blob.
import initWabt from "wabt";
import { FACE_VECTOR_DIM } from "./registry-types";

/** Memory layout of one shard: the query (as i16), the candidate list, then the rows. */
export const QUERY_OFFSET = 0;
export const CANDIDATE_OFFSET = FACE_VECTOR_DIM * 2;
export const CANDIDATE_CAPACITY = 65536;
export const ROWS_OFFSET = CANDIDATE_OFFSET + CANDIDATE_CAPACITY * 4;
/** A row: its codes, then f32 scale, error and norm, padded to 16 bytes. */
export const ROW_BYTES = FACE_VECTOR_DIM + 16;

const BLOCKS = FACE_VECTOR_DIM / 16;

/** One 16-code block: both halves widened to i16 and multiplied against the query's lanes. */
const block = (k: number, acc: "$a" | "$b") => `
      (local.set $v (v128.load offset=${k * 16} (local.get $p)))
      (local.set ${acc} (i32x4.add (local.get ${acc}) (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load offset=${QUERY_OFFSET + k * 32} (i32.const 0)))))
      (local.set ${acc} (i32x4.add (local.get ${acc}) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=${QUERY_OFFSET + k * 32 + 16} (i32.const 0)))))`;

const SCAN_WAT = `(module
  (import "shard" "memory" (memory 1))
  ;; scan(rows, queryScale, queryNorm, queryError, cut) -> number of candidates (may exceed the capacity)
  (func (export "scan") (param $n i32) (param $qs f32) (param $qn f32) (param $qe f32) (param $cut f32) (result i32)
    (local $r i32) (local $p i32) (local $count i32) (local $dot i32) (local $a v128) (local $b v128) (local $v v128)
    (local.set $p (i32.const ${ROWS_OFFSET}))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
      (local.set $a (v128.const i64x2 0 0))
      (local.set $b (v128.const i64x2 0 0))${Array.from({ length: BLOCKS }, (_, k) => block(k, k % 2 ? "$b" : "$a")).join("")}
      (local.set $a (i32x4.add (local.get $a) (local.get $b)))
      (local.set $dot (i32.add (i32.add (i32x4.extract_lane 0 (local.get $a)) (i32x4.extract_lane 1 (local.get $a)))
                               (i32.add (i32x4.extract_lane 2 (local.get $a)) (i32x4.extract_lane 3 (local.get $a)))))
      (if (f32.ge
            (f32.add (f32.mul (f32.mul (f32.load offset=${FACE_VECTOR_DIM} (local.get $p)) (local.get $qs)) (f32.convert_i32_s (local.get $dot)))
                     (f32.add (f32.mul (f32.load offset=${FACE_VECTOR_DIM + 4} (local.get $p)) (local.get $qn))
                              (f32.mul (f32.load offset=${FACE_VECTOR_DIM + 8} (local.get $p)) (local.get $qe))))
            (local.get $cut))
        (then
          (if (i32.lt_u (local.get $count) (i32.const ${CANDIDATE_CAPACITY}))
            (then (i32.store offset=${CANDIDATE_OFFSET} (i32.shl (local.get $count) (i32.const 2)) (local.get $r))))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const ${ROW_BYTES})))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows)))
    (local.get $count)))`;

export async function compileScanKernel(): Promise<WebAssembly.Module> {
  const wabt = await initWabt();
  const parsed = wabt.parseWat("scan-kernel.wat", SCAN_WAT, { simd: true });
  try {
    return await WebAssembly.compile(new Uint8Array(parsed.toBinary({}).buffer));
  } finally {
    parsed.destroy();
  }
}
