// `npm run bench:search -- --n N`: the enclave's 1:N index on N synthetic unit
// FaceVectors built in memory (nothing stored), with planted duplicates (noisy copies,
// cosine about 0.7 to their original). Prints p50 and p99 per query, recall of the
// planted duplicates against exact f32 search, memory and build time. Last line: JSON.
import { FACE_VECTOR_DIM } from "../enclave-service/enclave/identity/registry-types";
import { Registry } from "../enclave-service/enclave/identity/registry";
import { MATCH_THRESHOLD } from "../enclave-service/enclave/face/thresholds";
import { arg } from "./roc";
import { quantile } from "./stats";

const n = Number(arg("--n", "100000"));
const queries = Number(arg("--queries", "30"));

// A fast deterministic generator: the bench measures search, not Math.random.
let seed = 42;
const gauss = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  const u = (seed + 1) / 4294967297;
  seed = (seed * 1664525 + 1013904223) >>> 0;
  const w = (seed + 1) / 4294967297;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
};
const unit = (v: Float32Array) => {
  let s = 0;
  for (const x of v) s += x * x;
  const k = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i]! *= k;
  return v;
};
const randomUnit = () => unit(Float32Array.from({ length: FACE_VECTOR_DIM }, gauss));

const started = performance.now();
const registry = new Registry();
const planted: { index: number; vector: Float32Array }[] = [];
for (let i = 0; i < n; i++) {
  const v = randomUnit();
  registry.add({ userId: new Uint8Array(16), entropy: new Uint8Array(32), vector: v, created: 0 });
  if (planted.length < queries && i % Math.max(1, Math.floor(n / queries)) === 0) {
    const noise = randomUnit();
    planted.push({ index: i, vector: unit(v.map((x, j) => 0.7 * x + 0.714 * noise[j]!)) });
  }
}
const buildS = (performance.now() - started) / 1000;
const times: number[] = [];
let found = 0;
for (const p of planted) {
  const t = performance.now();
  const best = registry.search(p.vector);
  times.push(performance.now() - t);
  if (best.index === p.index && best.score >= MATCH_THRESHOLD) found++;
}
const result = { n, p50Ms: +quantile(times, 0.5).toFixed(1), p99Ms: +quantile(times, 0.99).toFixed(1), recall: found / planted.length, rssMB: Math.round(process.memoryUsage().rss / 1e6), buildS: +buildS.toFixed(1), index: "exact f32, one thread" };
console.log(`${n} vectors (exact f32 matrix, one thread): query p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; planted duplicates found ${found}/${planted.length}; RSS ${result.rssMB} MB; built in ${result.buildS} s`);
console.log(JSON.stringify(result));
