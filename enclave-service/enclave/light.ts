// The light challenge, judged: while the frame's window shows the enclave's colours in
// turn, the light on the skin, relative to the scene behind (face/reflection.ts), must
// change as the colours do, in order and in time, and by as much as a screen's light
// changes a face. It is read at each change of colour, at the screen's best-fitting
// delay: the skin's mean chromaticity over the colour's frames minus the previous
// colour's, against what the change of colour pushes. Every change must go the right
// way, and together they must fit closely (correlation) and strongly (gain). Reading
// changes, not levels, leaves out a face's slow drift; a print or a replayed screen
// reflects nothing of the sequence.
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
   * every delayStepMs. A pass is known once the frames cover the sequence at a passing
   * delay; a refusal only once they cover it at this one.
   */
  maxDelayMs: 1000,
  delayStepMs: 25,
  /** Frames this close to a change of colour are read as neither colour (screens and cameras take a moment to follow). */
  settleMs: 100,
  /** Changes of colour that must be read (both colours with a frame): all but this many. */
  unread: 1,
  /**
   * How closely the skin's changes must follow the screen's (correlation, 1 = exactly),
   * and how strongly: the log-chromaticity change per unit of the colours' linear push
   * (0.04: red against neutral moves skin's red/green by about 2.4%, as the camera
   * records it). Measured with `npm run bench:light`.
   */
  minCorrelation: 0.8,
  minGain: 0.04,
} as const;

/** sRGB to linear light: what a screen emits and a face reflects. */
export const linearLight = (c: number) => ((c / 255 + 0.055) / 1.055) ** 2.4;
/** The direction a colour pushes the skin's chromaticity: red and blue against green. */
const push = ([r, g, b]: Rgb): [number, number] => [linearLight(r) - linearLight(g), linearLight(b) - linearLight(g)];
/** Skin chromaticity relative to the scene's, as log ratios: the same push whatever the exposure. */
const chroma = ({ skin, background }: FaceLight): [number, number] => {
  const ln = (c: Rgb): [number, number] => [Math.log((c[0] + 1) / (c[1] + 1)), Math.log((c[2] + 1) / (c[1] + 1))];
  const [sr, sb] = ln(skin);
  const [br, bb] = ln(background);
  return [sr - br, sb - bb];
};

/**
 * The frames are kept on the device's clock, whose intervals are the camera's own; the
 * moment the colours were revealed is on the enclave's, and goes over to the device's
 * with the latest estimate of the clocks' offset (it improves as the stream runs, and one
 * estimate for the whole sequence keeps the frames' timing intact).
 */
export class LightReading {
  private readonly frames: { t: number; chroma: [number, number] }[] = [];

  constructor(
    readonly spans: readonly LightSpan[],
    /** When the enclave revealed the colours, by its clock. */
    readonly revealedAt: number,
  ) {}

  private get length(): number {
    return this.spans.reduce((n, s) => n + s.ms, 0);
  }

  /** The end of the window the frames are read in (the sequence, at its longest delay), by the enclave's clock. */
  get closesAt(): number {
    return this.revealedAt + this.length + LIGHT.maxDelayMs;
  }

  /** A frame taken at device time `t`. */
  add(t: number, light: FaceLight): void {
    this.frames.push({ t, chroma: chroma(light) });
  }

  /** With frames read up to device time `t`, the enclave's clock being the device's plus `offset`: passed, refused, or undecided (undefined) until later frames. */
  verdict(t: number, offset: number): boolean | undefined {
    if (this.margin(t, offset) >= 1) return true;
    return t + offset > this.closesAt ? false : undefined;
  }

  /**
   * How well the skin followed the colours, at the best delay where every change read went
   * the right way: the lesser of correlation and gain, each over its threshold (1 or more
   * passes); 0 when no delay qualifies. Only delays whose sequence ends by device time
   * `upTo` count; `offset` takes the reveal to the device's clock.
   */
  margin(upTo = Infinity, offset = 0): number {
    const revealed = this.revealedAt - offset;
    let best = 0;
    for (let delay = 0; delay <= LIGHT.maxDelayMs && revealed + delay + this.length <= upTo; delay += LIGHT.delayStepMs) {
      const fit = this.fit(revealed + delay);
      if (fit) best = Math.max(best, Math.min(fit.correlation / LIGHT.minCorrelation, fit.gain / LIGHT.minGain));
    }
    return best;
  }

  /** The fit with the colours starting at device time `start`. */
  private fit(start: number): { correlation: number; gain: number } | undefined {
    // Each colour's mean chromaticity over its settled frames.
    const means = this.spans.map((span) => {
      const [from, to] = [start + LIGHT.settleMs, start + span.ms - LIGHT.settleMs];
      start += span.ms;
      const inside = this.frames.filter((f) => f.t >= from && f.t <= to);
      return inside.length ? ([0, 1].map((k) => inside.reduce((n, f) => n + f.chroma[k]!, 0) / inside.length) as [number, number]) : undefined;
    });
    let [cross, seenSq, shownSq, read] = [0, 0, 0, 0];
    for (let i = 1; i < this.spans.length; i++) {
      const [before, after] = [means[i - 1], means[i]];
      if (!before || !after) continue;
      const [from, to] = [push(LIGHT_COLOURS[this.spans[i - 1]!.colour]), push(LIGHT_COLOURS[this.spans[i]!.colour])];
      const seen = [after[0] - before[0], after[1] - before[1]];
      const shown = [to[0] - from[0], to[1] - from[1]];
      const along = seen[0]! * shown[0]! + seen[1]! * shown[1]!;
      if (along <= 0) return undefined;
      cross += along;
      seenSq += seen[0]! ** 2 + seen[1]! ** 2;
      shownSq += shown[0]! ** 2 + shown[1]! ** 2;
      read++;
    }
    if (read < this.spans.length - 1 - LIGHT.unread) return undefined;
    return { correlation: cross / Math.sqrt(seenSq * shownSq), gain: cross / shownSq };
  }
}
