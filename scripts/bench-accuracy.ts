// `npm run bench:accuracy -- --pairs FILE --images DIR`: face verification accuracy
// on pairs in the LFW View-2 format, folds cross-validated (each fold's threshold is
// chosen on the other folds), with the ROC, TAR at low FAR, the EER, and the
// shipped 1:N match threshold's false accepts. Last line: one JSON object.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cosine, FaceEngine, FLIP_DEFAULT } from "../enclave-service/enclave/face/engine";
import { readFaceModels } from "../enclave-service/parent/model-files";
import { CALIBRATION } from "../enclave-service/enclave/identity/decision-policy";
import { arg, rocReport, writeRocSvg } from "./roc";

const pairsFile = arg("--pairs", "../shared/data/lfw-dev/pairs-dev.txt");
const imagesDir = arg("--images", "../shared/data/lfw-dev/images");
if (!existsSync(pairsFile) || !existsSync(imagesDir)) {
  console.log(`bench:accuracy: ${pairsFile} or ${imagesDir} is absent; skipped.`);
  process.exit(0);
}

interface Pair {
  fold: number;
  a: string;
  b: string;
  same: boolean;
}
const lines = readFileSync(pairsFile, "utf8").trim().split("\n");
const [folds, perFold] = lines[0]!.trim().split(/\s+/).map(Number) as [number, number];
const file = (name: string, n: string) => join(imagesDir, name, `${name}_${n.padStart(4, "0")}.jpg`);
const pairs: Pair[] = lines.slice(1).map((line, i) => {
  const f = line.trim().split(/\s+/);
  const fold = Math.floor(i / (2 * perFold));
  return f.length === 3 ? { fold, a: file(f[0]!, f[1]!), b: file(f[0]!, f[2]!), same: true } : { fold, a: file(f[0]!, f[1]!), b: file(f[2]!, f[3]!), same: false };
});

const flip = arg("--flip", String(FLIP_DEFAULT)) === "true";
const engine = await FaceEngine.create(readFaceModels(), { intraOpThreads: Number(arg("--threads", "2")), flip });
console.log(`pipeline: detect → 68 landmarks → 5-point similarity alignment → embedding${flip ? " + mirrored embedding" : ""}`);
const vectors = new Map<string, Float32Array>();
let failed = 0;
const started = performance.now();
for (const path of new Set(pairs.flatMap((p) => [p.a, p.b]))) {
  const r = await engine.analyze(new Uint8Array(readFileSync(path)), { faces: "central" });
  if (!r.detected) failed++;
  vectors.set(path, r.vector);
}
const seconds = (performance.now() - started) / 1000;
const scores = pairs.map((p) => ({ ...p, score: cosine(vectors.get(p.a)!, vectors.get(p.b)!) }));

// Cross-validated accuracy: the threshold for fold k is the best on the other folds.
const accuracyAt = (set: typeof scores, t: number) => set.filter((p) => p.same === p.score >= t).length / set.length;
const candidates = [...new Set(scores.map((p) => p.score))].sort((a, b) => a - b);
const perFoldAccuracy: number[] = [];
for (let k = 0; k < folds; k++) {
  const train = scores.filter((p) => p.fold !== k);
  const test = scores.filter((p) => p.fold === k);
  let best = { t: 0, acc: -1 };
  for (const t of candidates) {
    const acc = accuracyAt(train, t);
    if (acc > best.acc) best = { t, acc };
  }
  perFoldAccuracy.push(accuracyAt(test, best.t));
  console.log(`fold ${k + 1}: accuracy ${(100 * perFoldAccuracy[k]!).toFixed(2)}% at threshold ${best.t.toFixed(3)} (chosen on the other folds)`);
}
const mean = perFoldAccuracy.reduce((a, b) => a + b, 0) / folds;
const std = Math.sqrt(perFoldAccuracy.reduce((a, b) => a + (b - mean) ** 2, 0) / folds);
console.log(`accuracy: ${(100 * mean).toFixed(2)}% ± ${(100 * std).toFixed(2)}% over ${folds} folds, ${pairs.length} pairs`);

const roc = rocReport(
  scores.filter((p) => p.same).map((p) => p.score),
  scores.filter((p) => !p.same).map((p) => p.score),
);
const ONE_TO_MANY = CALIBRATION.oneToMany.threshold;
const falseAccepts = scores.filter((p) => !p.same && p.score >= ONE_TO_MANY).length;
const falseRejects = scores.filter((p) => p.same && p.score < ONE_TO_MANY).length;
console.log(`TAR at FAR 1e-2: ${(100 * roc.tarAt(1e-2)).toFixed(2)}%, at FAR 1e-3: ${(100 * roc.tarAt(1e-3)).toFixed(2)}% (${roc.negatives} different-person pairs: FAR 1e-3 means no false accept)`);
console.log(`EER: ${(100 * roc.eer).toFixed(2)}%`);
console.log(`shipped 1:N threshold ${ONE_TO_MANY}: ${falseAccepts} false accepts of ${roc.negatives}, ${falseRejects} false rejects of ${roc.positives}`);
console.log(`images: ${vectors.size}, with no face detected: ${failed} (embedded from the central crop instead); ${((1000 * seconds) / vectors.size).toFixed(1)} ms per image`);
writeRocSvg(".cache/reports/roc-accuracy.svg", roc.points, "LFW dev folds: face verification ROC");
console.log("ROC: .cache/reports/roc-accuracy.svg");
console.log(
  JSON.stringify({
    accuracy: +mean.toFixed(4),
    accuracyStd: +std.toFixed(4),
    tarAtFar1e3: +roc.tarAt(1e-3).toFixed(4),
    tarAtFar1e2: +roc.tarAt(1e-2).toFixed(4),
    eer: +roc.eer.toFixed(4),
    threshold: ONE_TO_MANY,
    falseAccepts,
    pairs: pairs.length,
    failedImages: failed,
  }),
);
