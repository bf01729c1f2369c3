// `npm run bench:dedup -- --images DIR`: 1:N de-duplication on real faces. One image of
// every person is enrolled through the enclave's registry (exact search at the shipped
// threshold), then each person's other images are scanned: how often the answer is
// the right "known" user, a wrong person, or a new (duplicate) id. Last line: JSON.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FaceEngine } from "../enclave-service/enclave/face/engine";
import { readFaceModels } from "../enclave-service/enclave/face/model-files";
import { MATCH_THRESHOLD } from "../enclave-service/enclave/face/thresholds";
import { Registry } from "../enclave-service/enclave/identity/registry";
import { arg } from "./roc";

const imagesDir = arg("--images", "../shared/data/lfw-dev/images");
if (!existsSync(imagesDir)) {
  console.log(`bench:dedup: ${imagesDir} is absent; skipped.`);
  process.exit(0);
}
const engine = await FaceEngine.create(readFaceModels());
const registry = new Registry();
const owner = new Map<string, string>(); // userId (hex) → person
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const embed = async (path: string) => (await engine.analyze(new Uint8Array(readFileSync(path)), { faces: "central" })).vector;

const people = readdirSync(imagesDir).sort();
const later: [string, string][] = [];
let enrolDuplicates = 0;
for (const person of people) {
  const [first, ...rest] = readdirSync(join(imagesDir, person)).sort();
  const id = registry.identify(await embed(join(imagesDir, person, first!)), MATCH_THRESHOLD, Date.now());
  // At enrolment every person is new: a "known" here is a false match with an enrolled stranger.
  if (id.status === "known") enrolDuplicates++;
  else owner.set(hex(id.record.userId), person);
  for (const r of rest) later.push([person, join(imagesDir, person, r)]);
}
let correct = 0;
let wrongPerson = 0;
let newIds = 0;
for (const [person, path] of later) {
  const id = registry.identify(await embed(path), MATCH_THRESHOLD, Date.now());
  if (id.status === "new") newIds++;
  else if (owner.get(hex(id.record.userId)) === person) correct++;
  else wrongPerson++;
}
const n = later.length;
console.log(`enrolled ${people.length} people (${enrolDuplicates} matched an already enrolled stranger at enrolment); scanned ${n} further images at threshold ${MATCH_THRESHOLD}`);
console.log(`known, right person: ${correct} (${((100 * correct) / n).toFixed(2)}%); wrong person: ${wrongPerson} (${((100 * wrongPerson) / n).toFixed(3)}%); new id for an enrolled person (duplicate): ${newIds} (${((100 * newIds) / n).toFixed(2)}%)`);
console.log(JSON.stringify({ people: people.length, scans: n, knownRate: +(correct / n).toFixed(4), wrongPersonRate: +(wrongPerson / n).toFixed(5), duplicateRate: +(newIds / n).toFixed(4), enrolmentFalseMatches: enrolDuplicates, threshold: MATCH_THRESHOLD }));
