// The liveness challenge: 2 to 4 different steps in a random order, drawn from the
// CSPRNG inside the enclave, so that no recording made before the session can match.
import nacl from "tweetnacl";
import { CHALLENGE_STEPS, MIN_CHALLENGE_STEPS, type ChallengeStep } from "../../contracts/frame-service";

/** A uniform integer in [0, n) without modulo bias. */
function uniform(n: number): number {
  const limit = 256 - (256 % n);
  for (;;) {
    const [x] = nacl.randomBytes(1);
    if (x! < limit) return x! % n;
  }
}

export function drawChallenge(): ChallengeStep[] {
  const pool = [...CHALLENGE_STEPS];
  const count = MIN_CHALLENGE_STEPS + uniform(5 - MIN_CHALLENGE_STEPS);
  // Fisher–Yates on the first `count` places.
  for (let i = 0; i < count; i++) {
    const j = i + uniform(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}
