// The identity decision, as exact tables: every outcome at the edges of every threshold.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ATTEMPTS, CALIBRATION, MARGIN, calibratedPolicy, lockFor, type Candidate, type Decision } from "../../enclave-service/enclave/identity/decision-policy";

const { oneToOne, oneToMany } = CALIBRATION;
const below = (t: number) => +(t - 0.001).toFixed(3);
const c = (row: number, score: number): Candidate => ({ row, score });
const decide = (gallery: number, candidates: Candidate[]) => calibratedPolicy.decide({ gallery, candidates });

describe("identity decision policy", () => {
  it("a face alone, in a gallery small enough (≤ maxGallery)", () => {
    const gallery = oneToMany.maxGallery;
    const table: [Candidate[], Decision][] = [
      [[], { outcome: "new" }],
      [[c(3, below(0.475))], { outcome: "new" }],
      [[c(3, 0.475)], { outcome: "ambiguous", why: "between_thresholds" }],
      [[c(3, below(oneToMany.threshold))], { outcome: "ambiguous", why: "between_thresholds" }],
      [[c(3, oneToMany.threshold)], { outcome: "known", row: 3 }],
      [[c(3, 0.9)], { outcome: "known", row: 3 }],
      // a second face close behind the best: never a silent pick
      [[c(3, 0.9), c(8, 0.9 - MARGIN + 0.001)], { outcome: "ambiguous", why: "close_candidates" }],
      [[c(3, 0.9), c(8, 0.9 - MARGIN - 0.001)], { outcome: "known", row: 3 }],
      [[c(3, 0.6), c(8, 0.55)], { outcome: "ambiguous", why: "close_candidates" }],
    ];
    for (const [candidates, expected] of table) assert.deepEqual(decide(gallery, candidates), expected, JSON.stringify(candidates));
  });

  it("a face alone, beyond maxGallery: a new account only when nobody is near, never a wallet", () => {
    const table: [number, Candidate[], Decision][] = [
      [oneToMany.maxGallery + 1, [c(1, 0.99)], { outcome: "account_needed" }],
      [oneToMany.maxGallery + 1, [c(1, 0.475)], { outcome: "account_needed" }],
      [oneToMany.maxGallery + 1, [c(1, below(0.475))], { outcome: "new" }],
      [1_000, [c(1, 0.475)], { outcome: "account_needed" }],
      // the de-duplication threshold rises with the gallery (so fewer new people are held)
      [1_001, [c(1, 0.5)], { outcome: "new" }],
      [10_000, [c(1, below(0.55))], { outcome: "new" }],
      [10_000, [c(1, 0.55)], { outcome: "account_needed" }],
      [10_000_000, [c(1, below(0.55))], { outcome: "new" }],
      [10_000_000, [c(1, 0.55)], { outcome: "account_needed" }],
    ];
    for (const [gallery, candidates, expected] of table) assert.deepEqual(decide(gallery, candidates), expected, `${gallery} ${JSON.stringify(candidates)}`);
  });

  it("a named account (passkey): its own template only, at the 1:1 threshold, whatever the gallery", () => {
    assert.deepEqual([oneToOne.threshold, below(oneToOne.threshold), 0.99, 0].map(calibratedPolicy.matchesNamed), [true, false, true, false]);
  });

  it("failed 1:1 attempts: two free, then a lock from a minute, doubling, at most a day", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 13, 14, 40].map(lockFor), [0, 0, 60_000, 120_000, 240_000, 61_440_000, ATTEMPTS.maxLockMs, ATTEMPTS.maxLockMs]);
  });

  it("searches down to the de-duplication threshold of the gallery's size", () => {
    assert.deepEqual(
      [1, 1_000, 1_001, 10_000, 10_001].map((g) => calibratedPolicy.floor(g)),
      [0.475, 0.475, 0.55, 0.55, 0.55],
    );
    // every release threshold is above the floor: a candidate the search leaves out cannot be released
    assert.ok(oneToMany.threshold >= calibratedPolicy.floor(1) && oneToOne.threshold >= calibratedPolicy.floor(1e7));
  });
});
