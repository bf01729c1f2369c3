// A seeded generator for test data (mulberry32), so a failing fuzz or identity run
// replays exactly. Keys and nonces still come from the crypto libraries' own RNG.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` bytes from a seeded generator. */
export const seededBytes = (random: () => number, length: number): Uint8Array => Uint8Array.from({ length }, () => Math.floor(random() * 256));
