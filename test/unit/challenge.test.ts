import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CHALLENGE_STEPS } from "../../contracts/frame-service";
import { drawChallenge } from "../../enclave-service/enclave/challenge";

describe("liveness challenge", () => {
  it("draws 2 to 4 different steps, every length and every step showing up, in varied orders", () => {
    const lengths = new Set<number>();
    const seen = new Set<string>();
    const orders = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const steps = drawChallenge();
      assert.ok(steps.length >= 2 && steps.length <= 4);
      assert.equal(new Set(steps).size, steps.length);
      steps.forEach((s) => seen.add(s));
      lengths.add(steps.length);
      orders.add(steps.join(","));
    }
    assert.deepEqual([...lengths].sort(), [2, 3, 4]);
    assert.equal(seen.size, CHALLENGE_STEPS.length);
    assert.ok(orders.size > 200, `only ${orders.size} distinct sequences`);
  });
});
