// `npm run bench:identity -- [--images DIR] [--dump-vectors FILE] [--vectors FILE]`:
// how often the shipped face pipeline takes one person for another, and misses the
// same person, at every threshold: all impostor and genuine pairs of a folder of
// person/image files (LFW layout; default the dev folds in ../shared/data). Counted
// rates with their counts, a fitted tail (tail-fit.ts) where counts run out, the
// top-scoring impostor pairs (LFW has label errors: read them), the 1:1 and 1:N
// operating points, the wrong-release rate per attempt for galleries of 1e3 to 1e7, and
// the de-duplication threshold per gallery size with what it costs.
// --dump-vectors writes the vectors (f32, row-major) and FILE.labels (the person of
// each row) so anyone can recompute; --vectors reads them back instead of embedding.
// Last line: one JSON object.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FaceEngine } from "../enclave-service/enclave/face/engine";
import { readFaceModels } from "../enclave-service/parent/model-files";
import { arg } from "./roc";
import { fitExponentialTail } from "./tail-fit";

const DIM = 512;
/** The 1:1 release bound (a named account), and the 1:N one for gallery × FMR. */
const ONE_TO_ONE_FMR = 1e-6;
const ONE_TO_MANY_RISK = 1e-4;
/** The FNMR we accept for a face-only return before the user is asked for their passkey. */
const ONE_TO_MANY_MAX_FNMR = 0.1;
const TAIL_EXCEEDANCES = 2000;
/** A new person held as a "possible duplicate" must scan again or use a passkey: at most this share of them. */
const DEDUP_MAX_HELD = 0.02;
const BINS = 20_000; // score bins of 1e-4 over [-1, 1]

const imagesDir = arg("--images", "../shared/data/lfw-dev/images");
const vectorsIn = process.argv.includes("--vectors") ? arg("--vectors", "") : undefined;
const dumpTo = process.argv.includes("--dump-vectors") ? arg("--dump-vectors", "") : undefined;

async function embed(): Promise<{ labels: string[]; files: string[]; vectors: Float32Array }> {
  if (!existsSync(imagesDir)) throw new Error(`${imagesDir} is absent (see ../shared/data/README.md)`);
  const files = readdirSync(imagesDir)
    .sort()
    .flatMap((person) =>
      readdirSync(join(imagesDir, person))
        .sort()
        .map((f) => join(person, f)),
    );
  const engine = await FaceEngine.create(readFaceModels(), { intraOpThreads: Number(arg("--threads", "2")) });
  const vectors = new Float32Array(files.length * DIM);
  const started = performance.now();
  for (const [i, file] of files.entries()) {
    const r = await engine.analyze(new Uint8Array(readFileSync(join(imagesDir, file))), { faces: "central" });
    vectors.set(r.vector, i * DIM);
    if (i % 500 === 499) console.error(`embedded ${i + 1} of ${files.length} (${((performance.now() - started) / (i + 1)).toFixed(1)} ms each)`);
  }
  return { labels: files.map((f) => f.split("/")[0]!), files, vectors };
}

function load(file: string) {
  const raw = readFileSync(file);
  const labels = readFileSync(`${file}.labels`, "utf8").trim().split("\n");
  return { labels, files: labels.map((l, i) => `${l}#${i}`), vectors: new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4) };
}

const { labels, files, vectors } = vectorsIn ? load(vectorsIn) : await embed();
if (dumpTo) {
  writeFileSync(dumpTo, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  writeFileSync(`${dumpTo}.labels`, `${labels.join("\n")}\n`);
}
const n = labels.length;
// Unit vectors: cosine is the dot product.
for (let i = 0; i < n; i++) {
  const v = vectors.subarray(i * DIM, (i + 1) * DIM);
  const norm = Math.hypot(...v) || 1;
  for (let k = 0; k < DIM; k++) v[k]! /= norm;
}

const impostorBins = new Float64Array(BINS);
const genuineBins = new Float64Array(BINS);
const bin = (s: number) => Math.min(BINS - 1, Math.max(0, Math.floor(((s + 1) / 2) * BINS)));
/** The highest impostor scores, kept for the tail fit and the list. */
const TOP_KEEP = TAIL_EXCEEDANCES * 4;
let top: { s: number; i: number; j: number }[] = [];
let topFloor = -1;
let impostors = 0;
let genuines = 0;
const started = performance.now();
for (let i = 0; i < n; i++) {
  const a = vectors.subarray(i * DIM, (i + 1) * DIM);
  for (let j = i + 1; j < n; j++) {
    let s = 0;
    const o = j * DIM;
    for (let k = 0; k < DIM; k++) s += a[k]! * vectors[o + k]!;
    if (labels[i] === labels[j]) {
      genuineBins[bin(s)]!++;
      genuines++;
    } else {
      impostorBins[bin(s)]!++;
      impostors++;
      if (s > topFloor) {
        top.push({ s, i, j });
        if (top.length >= 2 * TOP_KEEP) {
          top.sort((x, y) => y.s - x.s);
          top = top.slice(0, TOP_KEEP);
          topFloor = top.at(-1)!.s;
        }
      }
    }
  }
}
top.sort((x, y) => y.s - x.s);
top = top.slice(0, TOP_KEEP);
console.error(`scored ${impostors + genuines} pairs in ${((performance.now() - started) / 1000).toFixed(0)} s`);

/** Counts at or above threshold t (bins of 1e-4: t is rounded down to its bin). */
const atOrAbove = (bins: Float64Array, t: number) => {
  let c = 0;
  for (let b = bin(t); b < BINS; b++) c += bins[b]!;
  return c;
};
const tail = fitExponentialTail(
  top.map((p) => p.s),
  impostors,
  TAIL_EXCEEDANCES,
);
/**
 * The FMR we may rely on at t: the larger of the counted rate and the tail fit's 95% upper
 * bound. High impostor scores in LFW are mostly its label errors (see the list below),
 * which the counted rate keeps and the fit smooths away: `fitOnly` is what the fit
 * alone would allow, for a calibration set without them.
 */
const fmrAt = (t: number) => {
  const count = atOrAbove(impostorBins, t);
  const counted = count / impostors;
  const fitted = t >= tail.u ? tail.fmr(t) : null;
  return { count, counted, fitted, bound: Math.max(counted, fitted?.high ?? 0), fitOnly: fitted?.high ?? counted };
};
const fnmrAt = (t: number) => 1 - atOrAbove(genuineBins, t) / genuines;

console.log(`${n} images of ${new Set(labels).size} people: ${impostors} impostor pairs, ${genuines} genuine pairs`);
console.log(
  `tail: exponential above u=${tail.u.toFixed(4)} (the top ${TAIL_EXCEEDANCES} impostor scores, p_u=${tail.pu.toExponential(2)}), λ=${tail.lambda.toFixed(1)} (95%: ${tail.lambdaLow.toFixed(1)}–${tail.lambdaHigh.toFixed(1)})`,
);
console.log("threshold  impostors≥t  FMR counted  FMR fitted (95% interval)          FNMR (genuine misses)");
const table = [];
for (let t = 0.3; t <= 0.8001; t += 0.025) {
  const f = fmrAt(t);
  const misses = genuines - atOrAbove(genuineBins, t);
  const fitted = f.fitted ? `${f.fitted.estimate.toExponential(2)} (${f.fitted.low.toExponential(2)}–${f.fitted.high.toExponential(2)})` : "(below the tail)";
  console.log(`${t.toFixed(3)}      ${String(f.count).padStart(10)}  ${f.counted.toExponential(2)}     ${fitted.padEnd(34)} ${fnmrAt(t).toFixed(4)} (${misses})`);
  table.push({ threshold: +t.toFixed(3), impostorsAtOrAbove: f.count, fmrCounted: f.counted, fmrFitted: f.fitted?.estimate ?? null, fmrUpper: f.bound, fnmr: +fnmrAt(t).toFixed(5) });
}

console.log("\nthe 20 highest-scoring impostor pairs (LFW label errors and look-alikes: check them by eye):");
for (const p of top.slice(0, 20)) console.log(`  ${p.s.toFixed(4)}  ${files[p.i]}  ${files[p.j]}`);

// Operating points: the lowest threshold (finest 1e-3 step) whose FMR bound meets each target.
const lowestWith = (ok: (t: number) => boolean) => {
  for (let t = 0.3; t <= 1; t += 0.001) if (ok(t)) return +t.toFixed(3);
  return 1;
};
const oneToOneT = lowestWith((t) => fmrAt(t).bound <= ONE_TO_ONE_FMR);
const oneToOneFitT = lowestWith((t) => fmrAt(t).fitOnly <= ONE_TO_ONE_FMR);
// 1:N: the threshold with FNMR at most the accepted one that allows the largest gallery.
const oneToManyT = lowestWith((t) => fnmrAt(t) > ONE_TO_MANY_MAX_FNMR) - 0.001;
const oneToManyFmr = fmrAt(oneToManyT).bound;
const maxGallery = Math.floor(ONE_TO_MANY_RISK / oneToManyFmr);
console.log(`\n1:1 (a named account), FMR ≤ ${ONE_TO_ONE_FMR}: threshold ${oneToOneT}, FMR ${fmrAt(oneToOneT).bound.toExponential(2)}, FNMR ${fnmrAt(oneToOneT).toFixed(4)}`);
console.log(`   by the tail fit alone (LFW's label errors set aside): threshold ${oneToOneFitT}, FNMR ${fnmrAt(oneToOneFitT).toFixed(4)}`);
console.log(
  `1:N (a face alone), gallery × FMR ≤ ${ONE_TO_MANY_RISK} at FNMR ≤ ${ONE_TO_MANY_MAX_FNMR}: threshold ${oneToManyT}, FMR ${oneToManyFmr.toExponential(2)}, FNMR ${fnmrAt(oneToManyT).toFixed(4)}, largest gallery ${maxGallery}`,
);
const wrongRelease = [1e3, 1e4, 1e5, 1e6, 1e7].map((gallery) => ({ gallery, atOneToMany: 1 - (1 - oneToManyFmr) ** gallery, allowed: gallery <= maxGallery }));
console.log("expected wrong-release rate per face-only attempt at the 1:N threshold:");
for (const w of wrongRelease) console.log(`  ${w.gallery.toExponential(0)} users: ${w.atOneToMany.toExponential(2)}${w.allowed ? "" : "  (beyond maxGallery: account_needed)"}`);

// De-duplication: a scan may make a new account only when nobody enrolled comes near. At a
// gallery of N, a new person is held when any of N strangers scores ≥ t (1 − (1 − FMR)^N),
// and a returning person slips through as new when their own template scores < t (FNMR).
// Per gallery, the lowest threshold (fewest duplicates) that holds at most DEDUP_MAX_HELD.
console.log(`\nde-duplication: new people wrongly held / duplicates slipping through, by gallery and threshold (chosen: held ≤ ${DEDUP_MAX_HELD * 100}%, then fewest duplicates)`);
const dedupThresholds = Array.from({ length: 13 }, (_, i) => +(0.3 + 0.025 * i).toFixed(3));
const held = (t: number, gallery: number) => 1 - (1 - fmrAt(t).bound) ** gallery;
console.log(`gallery   ${dedupThresholds.map((t) => t.toFixed(3).padStart(11)).join("")}`);
const dedup = [1e3, 1e4, 1e5, 1e6, 1e7].map((gallery) => {
  console.log(`${gallery.toExponential(0).padEnd(9)} ${dedupThresholds.map((t) => `${(100 * held(t, gallery)).toFixed(1)}/${(100 * fnmrAt(t)).toFixed(1)}%`.padStart(11)).join("")}`);
  const threshold = dedupThresholds.find((t) => held(t, gallery) <= DEDUP_MAX_HELD) ?? null;
  return { gallery, threshold, newHeld: threshold === null ? null : held(threshold, gallery), duplicatesSlip: threshold === null ? null : fnmrAt(threshold) };
});
for (const d of dedup)
  console.log(
    `  ${d.gallery.toExponential(0)} users: ${d.threshold === null ? `no threshold up to ${dedupThresholds.at(-1)} holds ≤ ${DEDUP_MAX_HELD * 100}%` : `threshold ${d.threshold}: ${(100 * d.newHeld!).toFixed(2)}% of new people held, ${(100 * d.duplicatesSlip!).toFixed(1)}% of returning people slip through as new`}`,
  );

console.log(
  JSON.stringify({
    images: n,
    people: new Set(labels).size,
    impostorPairs: impostors,
    genuinePairs: genuines,
    tail: {
      method: "peaks over threshold, exponential (GPD shape 0), MLE, 95% chi-square interval",
      u: tail.u,
      exceedances: TAIL_EXCEEDANCES,
      lambda: tail.lambda,
      lambdaLow: tail.lambdaLow,
      lambdaHigh: tail.lambdaHigh,
    },
    oneToOne: { threshold: oneToOneT, fmr: fmrAt(oneToOneT).bound, fnmr: +fnmrAt(oneToOneT).toFixed(5) },
    oneToOneTailFitOnly: { threshold: oneToOneFitT, fmr: fmrAt(oneToOneFitT).fitOnly, fnmr: +fnmrAt(oneToOneFitT).toFixed(5) },
    oneToMany: { threshold: +oneToManyT.toFixed(3), maxGallery, fmr: oneToManyFmr, fnmr: +fnmrAt(oneToManyT).toFixed(5) },
    wrongRelease,
    dedup,
    table,
  }),
);
