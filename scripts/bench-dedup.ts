// `npm run bench:dedup -- --images DIR`: 1:N de-duplication on real faces. One image of
// every person is enrolled through the enclave's registry (exact search at one plain
// threshold, the 1:N release threshold and others around it; templates kept in an in-memory SQLite store, as the parent keeps them), then each person's other images are scanned: how often the answer is
// the right "known" user, a wrong person, or a new (duplicate) id. Last line: JSON.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FaceEngine } from "../enclave-service/enclave/face/engine";
import { readFaceModels } from "../enclave-service/parent/model-files";
import { CALIBRATION } from "../enclave-service/enclave/identity/decision-policy";
import nacl from "tweetnacl";
import { Registry } from "../enclave-service/enclave/identity/registry";
import { Sealer } from "../enclave-service/enclave/identity/sealing";
import { EnclaveTemplates } from "../enclave-service/parent/store/enclave-templates";
import { openSqliteStore } from "../enclave-service/parent/store/template-store";
import { arg } from "./roc";
import { identifyOrEnrol, thresholdPolicy } from "../test/support/registry-drivers";

const imagesDir = arg("--images", "../shared/data/lfw-dev/images");
if (!existsSync(imagesDir)) {
  console.log(`bench:dedup: ${imagesDir} is absent; skipped.`);
  process.exit(0);
}
const engine = await FaceEngine.create(readFaceModels());
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const embed = async (path: string) => (await engine.analyze(new Uint8Array(readFileSync(path)), { faces: "central" })).vector;

// Embed once; the protocol then runs at each threshold.
const people = readdirSync(imagesDir).sort();
const firsts: [string, Float32Array][] = [];
const later: [string, Float32Array][] = [];
for (const person of people) {
  const [first, ...rest] = readdirSync(join(imagesDir, person)).sort();
  firsts.push([person, await embed(join(imagesDir, person, first!))]);
  for (const r of rest) later.push([person, await embed(join(imagesDir, person, r))]);
}

const SHIPPED = CALIBRATION.oneToMany.threshold;

async function run(threshold: number) {
  const store = openSqliteStore(":memory:");
  const registry = await Registry.create({ sealer: new Sealer(nacl.randomBytes(32)), source: new EnclaveTemplates(store), policy: thresholdPolicy(threshold) });
  const identify = (vector: Float32Array) => identifyOrEnrol(registry, vector);
  const owner = new Map<string, string>(); // userId (hex) → person
  let enrolmentFalseMatches = 0;
  for (const [person, vector] of firsts) {
    const id = await identify(vector);
    // At enrolment every person is new: a "known" here is a match with an enrolled stranger.
    if (id.status === "known") enrolmentFalseMatches++;
    else owner.set(hex(id.record.userId), person);
  }
  let correct = 0;
  let wrongPerson = 0;
  let duplicates = 0;
  for (const [person, vector] of later) {
    const id = await identify(vector);
    // A new id for an enrolled person is a duplicate; it is theirs from then on.
    if (id.status === "enrolled") {
      duplicates++;
      owner.set(hex(id.record.userId), person);
    } else if (owner.get(hex(id.record.userId)) === person) correct++;
    else wrongPerson++;
  }
  await registry.close();
  await store.close();
  const n = later.length;
  return { threshold, knownRate: +(correct / n).toFixed(4), wrongPersonRate: +(wrongPerson / n).toFixed(5), duplicateRate: +(duplicates / n).toFixed(4), enrolmentFalseMatches };
}

console.log(`enrolled one image of each of ${people.length} people, then scanned their ${later.length} other images (LFW: unconstrained news photos)`);
const sweep = [];
for (const t of [0.42, 0.5, SHIPPED, 0.55, 0.6, 0.65, 0.7]) sweep.push(await run(t));
for (const r of sweep)
  console.log(
    `threshold ${r.threshold.toFixed(3)}${r.threshold === SHIPPED ? " (1:N release)" : ""}: right person ${(100 * r.knownRate).toFixed(2)}%, wrong person ${(100 * r.wrongPersonRate).toFixed(3)}%, duplicate id ${(100 * r.duplicateRate).toFixed(2)}%, strangers matched at enrolment ${r.enrolmentFalseMatches}`,
  );
const shipped = sweep.find((r) => r.threshold === SHIPPED) ?? (await run(SHIPPED));
console.log(JSON.stringify({ people: people.length, scans: later.length, ...shipped }));
