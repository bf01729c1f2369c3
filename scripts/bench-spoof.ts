// `npm run bench:spoof -- --live DIR --attack DIR`: the passive anti-spoof score
// (fr_liveness) on live faces and presentation attacks: APCER and BPCER at the model's
// own decision point (p(live) 0.5), the EER and the ROC. The enclave decides nothing on
// this score (it is advice to the user's frame) because of what this measures. Last
// line: one JSON object.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FaceEngine } from "../enclave-service/enclave/face/engine";
import { readFaceModels } from "../enclave-service/parent/model-files";
import { arg, rocReport, writeRocSvg } from "./roc";

const liveDir = arg("--live", "../shared/data/nuaa-dev/live");
const attackDir = arg("--attack", "../shared/data/nuaa-dev/print");
if (!existsSync(liveDir) || !existsSync(attackDir)) {
  console.log(`bench:spoof: ${liveDir} or ${attackDir} is absent; skipped.`);
  process.exit(0);
}
const engine = await FaceEngine.create(readFaceModels(), { intraOpThreads: Number(arg("--threads", "2")) });
let undetected = 0;
async function scores(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
    .sort()) {
    const r = await engine.analyze(new Uint8Array(readFileSync(join(dir, name))), { faces: "central" });
    if (!r.detected) undetected++;
    out.push(r.liveness!);
  }
  return out;
}
/** The model's own decision point: "live" when it says so more likely than not. */
const DECISION_POINT = 0.5;
const live = await scores(liveDir);
const attack = await scores(attackDir);
const apcer = attack.filter((s) => s >= DECISION_POINT).length / attack.length;
const bpcer = live.filter((s) => s < DECISION_POINT).length / live.length;
const roc = rocReport(live, attack);
console.log(`live: ${live.length} images, attacks: ${attack.length} images; no face detected in ${undetected} (scored on the central crop)`);
console.log(`at p(live) ${DECISION_POINT}: APCER ${(100 * apcer).toFixed(1)}% (attacks accepted), BPCER ${(100 * bpcer).toFixed(1)}% (live refused)`);
console.log(`EER ${(100 * roc.eer).toFixed(1)}%; APCER at BPCER ≤ 5%: ${(100 * Math.min(...roc.points.filter((p) => 1 - p.tar <= 0.05).map((p) => p.far))).toFixed(1)}%`);
writeRocSvg(".cache/reports/roc-spoof.svg", roc.points, "Passive anti-spoof (fr_liveness): ROC");
console.log("ROC: .cache/reports/roc-spoof.svg");
console.log(JSON.stringify({ apcer: +apcer.toFixed(4), bpcer: +bpcer.toFixed(4), eer: +roc.eer.toFixed(4), threshold: DECISION_POINT, live: live.length, attack: attack.length }));
