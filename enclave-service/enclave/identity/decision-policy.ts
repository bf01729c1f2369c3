// Who a scan is, decided in one place. The thresholds come from `npm run bench:identity`
// (LFW dev folds: 6,922 images of 3,554 people, 23.9M impostor and 59,398 genuine pairs;
// FMR is the larger of the counted rate and the tail fit's 95% upper bound). Rerun it to
// regenerate them; the README explains each choice.
//
// A face alone releases a wallet only where the chance that it is someone else's stays
// below ONE_TO_MANY_RISK for the whole gallery; beyond that a named account (a passkey)
// is needed. A new account is offered only when no enrolled face comes near.

/** Calibration, from the last line of `npm run bench:identity`. */
export const CALIBRATION = {
  /** A named account: FMR ≤ 1e-6 per attempt, LFW's label errors included. */
  oneToOne: { threshold: 0.695, fmr: 9.6e-7, fnmr: 0.494 },
  /** A face alone: FMR 3.9e-6 at FNMR ≤ 10%, so gallery × FMR ≤ 1e-4 up to 25 users. */
  oneToMany: { threshold: 0.525, fmr: 3.9e-6, fnmr: 0.099, maxGallery: 25 },
  /**
   * Nobody near (per gallery size, the lowest threshold that holds at most 2% of new
   * people as possible duplicates). Past the last row no threshold up to 0.6 holds that
   * few, so the last one stays: more new people are held (17% at 100,000, 84% at
   * 1,000,000; raising it to 0.6 saves only a few points and lets 21% of returning
   * people through as second identities, which is what this guards).
   */
  dedup: [
    { upTo: 1_000, threshold: 0.475, newHeld: 0.017, duplicatesSlip: 0.06 },
    { upTo: 10_000, threshold: 0.55, newHeld: 0.018, duplicatesSlip: 0.126 },
  ],
} as const;

/**
 * A face-only release needs the best candidate ahead of every other by this much: two
 * enrolled faces both close (twins, lookalikes, one person enrolled twice) is a question
 * for the user, never a silent pick.
 */
export const MARGIN = 0.1;

/** An enrolled template, scored against the scan (cosine of unit FaceVectors). */
export interface Candidate {
  row: number;
  score: number;
}

export type Decision =
  | { outcome: "known"; row: number }
  /** Nobody enrolled comes near: a new account, once the user confirms it. */
  | { outcome: "new" }
  /** Near someone, but not surely them: scan again, or use the passkey. */
  | { outcome: "ambiguous"; why: "between_thresholds" | "close_candidates" }
  /** Near someone in a gallery too large for a face alone: only the passkey can say who. */
  | { outcome: "account_needed" };

export interface DecisionPolicy {
  /** Candidates below this score cannot change the decision. */
  floor(gallery: number): number;
  /** A face alone (1:N): `candidates` are every enrolled template scoring at or above `floor(gallery)`, best first. */
  decide(input: { gallery: number; candidates: readonly Candidate[] }): Decision;
  /** An account a passkey named (1:1): does this face match its template? At any gallery size. */
  matchesNamed(score: number): boolean;
}

const dedupThreshold = (gallery: number) => (CALIBRATION.dedup.find((d) => gallery <= d.upTo) ?? CALIBRATION.dedup.at(-1)!).threshold;

export const calibratedPolicy: DecisionPolicy = {
  floor: dedupThreshold,

  decide({ gallery, candidates }) {
    const [best, second] = candidates;
    if (!best || best.score < dedupThreshold(gallery)) return { outcome: "new" };
    if (gallery > CALIBRATION.oneToMany.maxGallery) return { outcome: "account_needed" };
    if (best.score < CALIBRATION.oneToMany.threshold) return { outcome: "ambiguous", why: "between_thresholds" };
    if (second && second.score > best.score - MARGIN) return { outcome: "ambiguous", why: "close_candidates" };
    return { outcome: "known", row: best.row };
  },

  matchesNamed: (score) => score >= CALIBRATION.oneToOne.threshold,
};

/**
 * Failed 1:1 attempts on one account (a face that is not the account's, with its
 * passkey): the first two are free (a bad light, a hat); from the third, the account
 * locks for a minute, doubling with each further failure, at most a day. An attacker
 * holding a stolen passkey gets about a dozen tries in the first day and one a day after,
 * and each try must also pass liveness.
 */
export const ATTEMPTS = { free: 2, firstLockMs: 60_000, maxLockMs: 24 * 3600_000 } as const;

export const lockFor = (failures: number): number => (failures <= ATTEMPTS.free ? 0 : Math.min(ATTEMPTS.firstLockMs * 2 ** (failures - ATTEMPTS.free - 1), ATTEMPTS.maxLockMs));
