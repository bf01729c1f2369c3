// `npm run bench:light`: the light challenge's reading (enclave-service/enclave/light.ts)
// on real video at the frame's 10 frames a second. Attacks stand-in: every live video and
// screen replay here, untinted, read in 6 s windows against random sequences as the
// enclave draws them: no screen lit those faces, so any pass is a false accept. Live
// stand-in: one window of each live video, its face tinted along a random sequence at a
// random delay (test/support/tinted-frames.ts; strength 0.03 and 0.05 of a channel), as a
// screen close to the face would light it: the share that passes. That tint is a model of
// a real screen's light, not a measurement of one. Last line: one JSON object.
import { basename } from "node:path";
import { FaceEngine, type FaceAnalysis } from "../enclave-service/enclave/face/engine";
import { FaceError } from "../enclave-service/enclave/face/errors";
import { drawLight } from "../enclave-service/enclave/challenge";
import { LIGHT, LightReading } from "../enclave-service/enclave/light";
import type { LightSpan } from "../contracts/frame-service";
import { readFaceModels } from "../enclave-service/parent/model-files";
import { colourAt, tintFace } from "../test/support/tinted-frames";
import { quantile } from "./stats";
import { LIVE, REPLAYS, streamFrames } from "./stream-videos";

const FPS = 10;
const GAP = 1000 / FPS;
/** A window: the colours revealed half a second in, read for as long as the enclave reads them. */
const WINDOW = 60;
const REVEAL = 500;
const SEQUENCES = Number(process.env.BENCH_LIGHT_SEQUENCES ?? 30);
const STRENGTHS = [0.03, 0.05];

const engine = await FaceEngine.create(readFaceModels(), { backend: "native", intraOpThreads: 1 });
const analyse = (image: Uint8Array) =>
  engine.analyze(image, { passive: false }).catch((error: unknown) => {
    if (error instanceof FaceError) return undefined;
    throw error;
  });

/** How well the faces followed `spans`, revealed at REVEAL ms (frame i taken at i·GAP). */
function margin(faces: readonly (FaceAnalysis | undefined)[], spans: LightSpan[]): number {
  const reading = new LightReading(spans, REVEAL);
  faces.forEach((face, i) => face && i * GAP >= REVEAL && i * GAP <= reading.closesAt && reading.add(i * GAP, face.light));
  return reading.margin();
}

const untinted = { live: [] as number[], replays: [] as number[] };
const tinted: Record<number, number[]> = Object.fromEntries(STRENGTHS.map((s) => [s, []]));
for (const [kind, videos] of [
  ["live", LIVE],
  ["replays", REPLAYS],
] as const) {
  for (const video of videos) {
    const images = streamFrames(video, FPS);
    const faces: (FaceAnalysis | undefined)[] = [];
    for (const image of images) faces.push(await analyse(image));
    let windows = 0;
    for (let start = 0; start + WINDOW <= faces.length; start += WINDOW / 2) {
      const window = faces.slice(start, start + WINDOW);
      // A window the face leaves is a refusal of its own (no_face), not the light's to judge.
      if (window.filter(Boolean).length < WINDOW * 0.9) continue;
      windows++;
      for (let k = 0; k < SEQUENCES; k++) untinted[kind].push(margin(window, drawLight()));
    }
    const row = [`${basename(video)}: ${windows} windows, untinted passes ${untinted[kind].filter((m) => m >= 1).length} so far`];
    if (kind === "live") {
      // The first full window, tinted along fresh sequences.
      const start = faces.findIndex((_, i) => faces.slice(i, i + WINDOW).filter(Boolean).length >= WINDOW * 0.9);
      for (const strength of STRENGTHS)
        for (let k = 0; k < 3 && start >= 0; k++) {
          const spans = drawLight();
          const delay = 100 + Math.round(Math.random() * 700);
          const lit: (FaceAnalysis | undefined)[] = [];
          for (let i = 0; i < WINDOW; i++) {
            const face = faces[start + i];
            const colour = colourAt(spans, i * GAP - REVEAL - delay);
            lit.push(face && colour ? await analyse(await tintFace(images[start + i]!, face.box, colour, strength)) : face);
          }
          tinted[strength]!.push(margin(lit, spans));
        }
      row.push(`tinted ${STRENGTHS.map((s) => `${s}: ${tinted[s]!.map((m) => m.toFixed(2)).join(" ")}`).join("; ")}`);
    }
    console.log(row.join("; "));
  }
}

const share = (margins: number[]) => ({ reads: margins.length, passed: margins.filter((m) => m >= 1).length, marginP99: +quantile(margins, 0.99).toFixed(2) });
const result = {
  fps: FPS,
  thresholds: { correlation: LIGHT.minCorrelation, gain: LIGHT.minGain },
  untintedLive: share(untinted.live),
  untintedReplays: share(untinted.replays),
  tinted: Object.fromEntries(STRENGTHS.map((s) => [s, share(tinted[s]!)])),
};
console.log(
  `untinted (no screen light): live ${result.untintedLive.passed}/${result.untintedLive.reads} passed, replays ${result.untintedReplays.passed}/${result.untintedReplays.reads}; tinted: ${STRENGTHS.map((s) => `${s} → ${result.tinted[s]!.passed}/${result.tinted[s]!.reads}`).join(", ")} (margin ≥ 1 passes)`,
);
console.log(JSON.stringify(result));
