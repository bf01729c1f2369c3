// The light challenge, judged: while the frame's window shows the enclave's colours in
// turn, the light on the skin, relative to the scene behind (face/reflection.ts), must
// change as the colours do, in order and in time, and by as much as a screen's light
// changes a face. At the screen's best-fitting delay, the skin's chromaticity in each
// frame is regressed on the colour on screen when it was taken: the fit must be close
// (correlation) and strong (gain). A print or a replayed screen reflects nothing of the
// sequence, and a live face's own drift follows no colour closely and strongly at once.
import { LIGHT_COLOURS, type LightSpan } from "../../contracts/frame-service";
import type { FaceLight, Rgb } from "./face/reflection";

export const LIGHT = {
  minColours: 4,
  maxColours: 8,
  /** Each colour stays 350 to 600 ms: under 3 changes a second, and hues of one brightness (LIGHT_COLOURS), so no flash. */
  minMs: 350,
  maxMs: 600,
  msStep: 50,
  /**
   * From the enclave's answer to the light on the face (the answer's way down, the screen,
   * the camera, and the way up the device times are mapped by): searched from 0 to this,
   * every delayStepMs. The verdict waits for it after the last colour.
   */
  maxDelayMs: 1000,
  delayStepMs: 25,
  /** Frames this close to a change of colour are read as neither colour (screens and cameras take a moment to follow). */
  settleMs: 100,
  /** Colours with at least one frame read, as a share of the sequence. */
  minSeen: 0.75,
  /**
   * How closely the skin's colour must follow the screen's (correlation, 1 = exactly),
   * and how strongly: the log-chromaticity change per unit of the colour's linear push
   * (0.04: red against neutral moves skin's red/green by about 2.4%). Untinted live
   * videos, read against random sequences, never reach both (`npm run bench:stream`).
   */
  minCorrelation: 0.6,
  minGain: 0.04,
} as const;

/** sRGB to linear light: what a screen emits and a face reflects. */
const linear = (c: number) => ((c / 255 + 0.055) / 1.055) ** 2.4;
/** The direction a colour pushes the skin's chromaticity: red and blue against green. */
const push = ([r, g, b]: Rgb): [number, number] => [linear(r) - linear(g), linear(b) - linear(g)];
/** Skin chromaticity relative to the scene's, as log ratios: the same push whatever the exposure. */
const chroma = ({ skin, background }: FaceLight): [number, number] => {
  const ln = (c: Rgb): [number, number] => [Math.log((c[0] + 1) / (c[1] + 1)), Math.log((c[2] + 1) / (c[1] + 1))];
  const [sr, sb] = ln(skin);
  const [br, bb] = ln(background);
  return [sr - br, sb - bb];
};

export class LightReading {
  private readonly frames: { at: number; chroma: [number, number] }[] = [];

  constructor(
    readonly spans: readonly LightSpan[],
    /** When the enclave revealed the colours, by its clock. */
    readonly issuedAt: number,
  ) {}

  /** The end of the window the frames are read in: the sequence, at its longest delay. */
  get closesAt(): number {
    return this.issuedAt + this.spans.reduce((n, s) => n + s.ms, 0) + LIGHT.maxDelayMs;
  }

  add(at: number, light: FaceLight): void {
    this.frames.push({ at, chroma: chroma(light) });
  }

  /**
   * How well the skin followed the colours, at the best delay: the lesser of correlation
   * and gain, each over its threshold (1 or more passes); 0 when too few colours were seen.
   */
  margin(): number {
    let best = 0;
    for (let delay = 0; delay <= LIGHT.maxDelayMs; delay += LIGHT.delayStepMs) {
      const fit = this.fit(delay);
      if (fit) best = Math.max(best, Math.min(fit.correlation / LIGHT.minCorrelation, fit.gain / LIGHT.minGain));
    }
    return best;
  }

  get passed(): boolean {
    return this.margin() >= 1;
  }

  private fit(delay: number): { correlation: number; gain: number } | undefined {
    const pairs: { seen: [number, number]; shown: [number, number] }[] = [];
    const seen = new Set<number>();
    for (const frame of this.frames) {
      let start = this.issuedAt + delay;
      for (const [i, span] of this.spans.entries()) {
        const end = start + span.ms;
        if (frame.at >= start + LIGHT.settleMs && frame.at <= end - LIGHT.settleMs) {
          pairs.push({ seen: frame.chroma, shown: push(LIGHT_COLOURS[span.colour]) });
          seen.add(i);
        }
        start = end;
      }
    }
    if (seen.size < LIGHT.minSeen * this.spans.length) return undefined;
    const mean = (pick: (p: (typeof pairs)[number]) => [number, number]) => [0, 1].map((k) => pairs.reduce((n, p) => n + pick(p)[k]!, 0) / pairs.length) as [number, number];
    const seenMean = mean((p) => p.seen);
    const shownMean = mean((p) => p.shown);
    let cross = 0;
    let seenSq = 0;
    let shownSq = 0;
    for (const { seen: s, shown: e } of pairs)
      for (const k of [0, 1]) {
        const a = s[k]! - seenMean[k]!;
        const b = e[k]! - shownMean[k]!;
        cross += a * b;
        seenSq += a * a;
        shownSq += b * b;
      }
    return seenSq && shownSq ? { correlation: cross / Math.sqrt(seenSq * shownSq), gain: cross / shownSq } : undefined;
  }
}
