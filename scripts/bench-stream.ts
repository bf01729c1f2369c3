// `npm run bench:stream`: the stream's continuity rules (enclave-service/enclave/stream-continuity.ts)
// on every frame of each real video, sampled as the frame sends them (6 a second, up to a
// minute): how often a live person is refused (a false refusal of the rules; the same
// person throughout, no repeat, no jump), how often a screen replay is, and what the
// enclave spends analysing a streamed frame. A frame without exactly one face starts the
// check over, as it does before the challenge begins. Last line: one JSON object.
import { basename } from "node:path";
import { FaceEngine } from "../enclave-service/enclave/face/engine";
import { FaceError } from "../enclave-service/enclave/face/errors";
import { StreamContinuity } from "../enclave-service/enclave/stream-continuity";
import { readFaceModels } from "../enclave-service/parent/model-files";
import { median } from "./stats";
import { LIVE, REPLAYS, streamFrames } from "./stream-videos";

const FPS = 6;

const engine = await FaceEngine.create(readFaceModels(), { backend: "native", intraOpThreads: 1 });
const analyseMs: number[] = [];

async function run(video: string) {
  const continuity = new StreamContinuity();
  const refusals: Record<string, number> = {};
  let faces = 0;
  const files = streamFrames(video, FPS);
  for (const [i, image] of files.entries()) {
    const started = performance.now();
    try {
      // As the enclave analyses the stream past its resting face: without the passive model.
      const face = await engine.analyze(image, { passive: false });
      analyseMs.push(performance.now() - started);
      faces++;
      const refused = continuity.check(face, (i * 1000) / FPS);
      if (refused) {
        refusals[refused] = (refusals[refused] ?? 0) + 1;
        continuity.wipe();
      }
    } catch (error) {
      if (!(error instanceof FaceError)) throw error;
      continuity.wipe();
    }
  }
  return { video: basename(video), frames: files.length, faces, refusals };
}

const live = [];
for (const v of LIVE) live.push(await run(v));
const replays = [];
for (const v of REPLAYS) replays.push(await run(v));
const refused = (rows: { refusals: Record<string, number> }[]) => rows.reduce((n, r) => n + Object.values(r.refusals).reduce((a, b) => a + b, 0), 0);
const result = {
  fps: FPS,
  live: { videos: live.length, faces: live.reduce((n, r) => n + r.faces, 0), refusals: refused(live) },
  replays: { videos: replays.length, faces: replays.reduce((n, r) => n + r.faces, 0), refusals: refused(replays) },
  analyseMsP50: +median(analyseMs).toFixed(1),
  perVideo: [...live, ...replays],
};
for (const r of result.perVideo) console.log(`${r.video}: ${r.faces} faces in ${r.frames} frames, refused ${JSON.stringify(r.refusals)}`);
console.log(
  `live: ${result.live.refusals} refusals in ${result.live.faces} faces (${result.live.videos} videos); screen replays: ${result.replays.refusals} in ${result.replays.faces}; analysis ${result.analyseMsP50} ms a frame (1 thread) = ${((result.analyseMsP50 * FPS) / 10).toFixed(0)}% of a core per streaming user`,
);
console.log(JSON.stringify(result));
