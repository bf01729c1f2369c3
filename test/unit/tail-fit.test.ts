// The false-match tail fit (scripts/tail-fit.ts) on scores whose tail is known: a
// seeded sample with an exponential upper tail of rate 40 above 0.5, so the fitted
// rate, its interval, and extrapolated rates can be checked against the truth.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fitExponentialTail } from "../../scripts/tail-fit";
import { seededRandom } from "../support/seeded-random";

describe("exponential tail fit", () => {
  const random = seededRandom(11);
  const total = 1_000_000;
  const LAMBDA = 40;
  // 1% of all scores lie in the tail above 0.5; only the top scores are handed to the fit, as the bench does.
  const tailScores = Array.from({ length: total / 100 }, () => 0.5 - Math.log(1 - random()) / LAMBDA);

  it("recovers the rate inside its 95% interval, and the extrapolated FMR inside its interval", () => {
    const fit = fitExponentialTail(tailScores, total, 2000);
    assert.ok(fit.lambdaLow < LAMBDA && LAMBDA < fit.lambdaHigh, `λ ${fit.lambda} (${fit.lambdaLow}–${fit.lambdaHigh})`);
    assert.ok(Math.abs(fit.pu - 0.002) < 1e-9);
    // True FMR at 0.8: 1% · exp(-40 · 0.3) ≈ 6.1e-8, far below what 1e6 scores can count.
    const truth = 0.01 * Math.exp(-LAMBDA * 0.3);
    const at = fit.fmr(0.8);
    assert.ok(at.low < truth && truth < at.high, `${truth} in ${at.low}–${at.high}`);
    assert.ok(at.high / at.low < 3, "the interval is informative");
  });
});
