// The liveness challenge, drawn from the CSPRNG inside the enclave so that no recording
// made before the session can match: 2 to 4 different steps in a random order, and a
// light sequence of 4 to 8 colours of random lengths; or, for a user who declined the
// colours, 4 to 5 steps.
import nacl from "tweetnacl";
import { CHALLENGE_STEPS, LIGHT_COLOURS, MIN_CHALLENGE_STEPS, type ChallengeStep, type LightColour, type LightSpan } from "../../contracts/frame-service";
import { LIGHT } from "./light";

/** A uniform integer in [0, n) without modulo bias. */
function uniform(n: number): number {
  const limit = 256 - (256 % n);
  for (;;) {
    const [x] = nacl.randomBytes(1);
    if (x! < limit) return x! % n;
  }
}

/** Without the light challenge, the steps alone must carry the proof: more of them. */
const MIN_STEPS_WITHOUT_LIGHT = 4;

export function drawChallenge(light = true): ChallengeStep[] {
  const pool = [...CHALLENGE_STEPS];
  const min = light ? MIN_CHALLENGE_STEPS : MIN_STEPS_WITHOUT_LIGHT;
  const count = min + uniform((light ? 5 : 6) - min);
  // Fisher–Yates on the first `count` places.
  for (let i = 0; i < count; i++) {
    const j = i + uniform(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/** The colours in a random order (never the same twice in a row), each for a random length. */
export function drawLight(): LightSpan[] {
  const colours = Object.keys(LIGHT_COLOURS) as LightColour[];
  const count = LIGHT.minColours + uniform(LIGHT.maxColours - LIGHT.minColours + 1);
  const lengths = (LIGHT.maxMs - LIGHT.minMs) / LIGHT.msStep + 1;
  const spans: LightSpan[] = [];
  for (let i = 0; i < count; i++) {
    const previous = spans[i - 1]?.colour;
    const choices = colours.filter((c) => c !== previous);
    spans.push({ colour: choices[uniform(choices.length)]!, ms: LIGHT.minMs + LIGHT.msStep * uniform(lengths) });
  }
  return spans;
}
