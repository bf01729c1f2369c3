// The registry as tests and benches drive it: by one plain threshold (known at or above
// it, new below, nothing undecided), as the exactness tests and the de-duplication
// bench sweep it, with users who always confirm, and accounts drawn at random.
import nacl from "tweetnacl";
import type { DecisionPolicy } from "../../enclave-service/enclave/identity/decision-policy";
import type { Registry } from "../../enclave-service/enclave/identity/registry";

export const thresholdPolicy = (threshold: number): DecisionPolicy => ({
  floor: () => threshold,
  decide: ({ candidates: [best] }) => (best ? { outcome: "known", row: best.row } : { outcome: "new" }),
  matchesNamed: (score) => score >= threshold,
});

/** A new account's naming parts and counters, random (as the enclave draws them). */
export const freshAccount = () => ({ handle: nacl.randomBytes(16), recovery: nacl.randomBytes(32), failures: 0, lockedUntil: 0 });

/** A scan as a user who always confirms: known, or enrolled when nobody is near. */
export async function identifyOrEnrol(registry: Registry, vector: Float32Array, now = 0) {
  const id = await registry.identify(vector);
  const result = id.status === "new" ? await registry.enrol(vector, now, freshAccount()) : id;
  if (result.status !== "known" && result.status !== "enrolled") throw new Error(`undecided: ${result.status}`);
  return result;
}
