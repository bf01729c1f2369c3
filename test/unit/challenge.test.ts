import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CHALLENGE_STEPS, LIGHT_COLOURS } from "../../contracts/frame-service";
import { drawChallenge, drawLight } from "../../enclave-service/enclave/challenge";

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

describe("light challenge", () => {
  it("draws 4 to 8 colours, never one twice in a row, each 350 to 600 ms, in varied sequences", () => {
    const lengths = new Set<number>();
    const sequences = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const spans = drawLight();
      lengths.add(spans.length);
      sequences.add(spans.map((s) => `${s.colour}:${s.ms}`).join(","));
      for (const [j, span] of spans.entries()) {
        assert.ok(span.colour in LIGHT_COLOURS);
        assert.ok(span.ms >= 350 && span.ms <= 600 && span.ms % 50 === 0, String(span.ms));
        assert.notEqual(span.colour, spans[j - 1]?.colour);
      }
    }
    assert.deepEqual([...lengths].sort(), [4, 5, 6, 7, 8]);
    assert.equal(sequences.size, 2000);
  });

  it("a user who declines the colours gets 4 or 5 steps instead of 2 to 4", () => {
    const lengths = new Set(Array.from({ length: 500 }, () => drawChallenge(false).length));
    assert.deepEqual([...lengths].sort(), [4, 5]);
  });
});
