// `npm run bench:search -- --n N`: the enclave's 1:N index (int8 rows sharded across
// worker threads, exact f32 re-rank) on N synthetic unit FaceVectors built in memory
// (nothing stored), with planted duplicates (noisy copies, cosine 0.7 to their
// original). Prints p50 and p99 per query, recall of the planted duplicates, agreement
// with brute-force f32 search, memory and build time. Last line: JSON.
//
// The enclave keeps only the index (and a 32-byte keyed hash per row); the re-rank
// reads its candidates' exact vectors from their sealed records, which the parent
// fetches from its store. Here those vectors stand in for the store: kept in a plain
// array up to 2M rows, and above that (`--exact regenerate`) regenerated from their
// seeds, so the memory figure is the index's own. `candidates` is how many records
// one scan reads from the store.
import { availableParallelism } from "node:os";
import { FACE_VECTOR_DIM } from "../enclave-service/enclave/identity/registry-types";
import { dot } from "../enclave-service/enclave/identity/quantize";
import { exactBest, VectorIndex } from "../enclave-service/enclave/identity/vector-index";
import { calibratedPolicy } from "../enclave-service/enclave/identity/decision-policy";
import { arg } from "./roc";
import { quantile } from "./stats";

const n = Number(arg("--n", "100000"));
const queries = Number(arg("--queries", "50"));
const checked = Number(arg("--brute-force", "5"));
const shards = Number(arg("--shards", String(availableParallelism())));
/** The enclave searches down to the de-duplication threshold of the gallery's size. */
const FLOOR = calibratedPolicy.floor(n);
const exactMode = arg("--exact", n <= 2_000_000 ? "memory" : "regenerate");

/** Row i's vector, from a xorshift stream seeded by i: uniform lanes, normalised. */
function rowVector(i: number, out: Float32Array = new Float32Array(FACE_VECTOR_DIM)): Float32Array {
  // A bijective multiplicative hash: every row gets its own seed (a float product would round and repeat seeds).
  let x = Math.imul(i + 1, 0x9e3779b1) >>> 0 || 1;
  let s = 0;
  for (let k = 0; k < FACE_VECTOR_DIM; k++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const v = x / 2147483648 - 1;
    out[k] = v;
    s += v * v;
  }
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < FACE_VECTOR_DIM; k++) out[k]! *= inv;
  return out;
}
const near = (v: Float32Array, noiseSeed: number) => {
  const noise = rowVector(0xfffffff0 - noiseSeed);
  const mixed = v.map((x, k) => 0.7 * x + 0.714 * noise[k]!);
  const inv = 1 / Math.hypot(...mixed);
  return mixed.map((x) => x * inv);
};

const started = performance.now();
const stored = exactMode === "memory" ? new Float32Array(n * FACE_VECTOR_DIM) : undefined;
const exact = stored ? (row: number): Float32Array => stored.subarray(row * FACE_VECTOR_DIM, (row + 1) * FACE_VECTOR_DIM) : (row: number): Float32Array => rowVector(row);
const index = await VectorIndex.create(shards);
let read = 0;
/** The index's candidates, re-ranked in f32. */
const search = async (query: Float32Array) => {
  const rows = await index.candidates(query, FLOOR);
  read += rows.length;
  return exactBest(rows, exact, query, FLOOR);
};
const scratch: Float32Array = new Float32Array(FACE_VECTOR_DIM);
for (let i = 0; i < n; i++) {
  const v = stored ? exact(i) : scratch;
  index.add(rowVector(i, v));
}
const planted = Array.from({ length: queries }, (_, q) => {
  const row = Math.floor(((q + 0.5) * n) / queries);
  return { row, vector: near(rowVector(row), q) };
});
await index.candidates(planted[0]!.vector, FLOOR); // the appends reach the shards
const buildS = (performance.now() - started) / 1000;

const times: number[] = [];
let found = 0;
for (const p of planted) {
  const t = performance.now();
  const hit = await search(p.vector);
  times.push(performance.now() - t);
  if (hit?.row === p.row) found++;
}
// Brute-force f32 over every row, for the first few queries: the index must agree exactly.
let agree = 0;
for (const p of planted.slice(0, checked)) {
  let best = { row: -1, score: -Infinity };
  for (let r = 0; r < n; r++) {
    const s = dot(stored ? exact(r) : rowVector(r, scratch), p.vector);
    if (s > best.score) best = { row: r, score: s };
  }
  const got = await search(p.vector);
  if ((best.score >= FLOOR ? best.row : undefined) === got?.row) agree++;
}
const rssMB = Math.round(process.memoryUsage().rss / 1e6);
await index.close();
const candidates = +(read / (planted.length + Math.min(checked, planted.length))).toFixed(2);
const result = {
  n,
  p50Ms: +quantile(times, 0.5).toFixed(2),
  p99Ms: +quantile(times, 0.99).toFixed(2),
  recall: found / planted.length,
  rssMB,
  buildS: +buildS.toFixed(1),
  candidates,
  bruteForceAgreement: `${agree}/${Math.min(checked, planted.length)}`,
  index: `int8 SIMD, ${shards} shard threads, exact f32 re-rank (exact vectors: ${exactMode})`,
};
console.log(
  `${n} vectors (${result.index}): query p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; planted duplicates found ${found}/${planted.length}; ${candidates} candidates read per query; brute-force f32 agrees on ${result.bruteForceAgreement}; RSS ${rssMB} MB; built in ${result.buildS} s`,
);
console.log(JSON.stringify(result));
