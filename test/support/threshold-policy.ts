// The registry driven by one plain threshold, as the exactness tests and the
// de-duplication bench sweep it: known at or above it, new below, nothing undecided.
import type { DecisionPolicy } from "../../enclave-service/enclave/identity/decision-policy";
import type { Registry } from "../../enclave-service/enclave/identity/registry";

export const thresholdPolicy = (threshold: number): DecisionPolicy => ({
  floor: () => threshold,
  decide: ({ candidates: [best] }) => (best ? { outcome: "known", row: best.row } : { outcome: "new" }),
  matchesNamed: (score) => score >= threshold,
});

/** A scan as a user who always confirms: known, or enrolled when nobody is near. */
export async function identifyOrEnrol(registry: Registry, vector: Float32Array, now = 0) {
  const id = await registry.identify(vector);
  const result = id.status === "new" ? await registry.enrol(vector, now) : id;
  if (result.status !== "known" && result.status !== "enrolled") throw new Error(`undecided: ${result.status}`);
  return result;
}
