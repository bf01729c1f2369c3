// The face tracker, in a worker so the preview never stutters: fr_detect finds the
// faces, fr_landmark places 68 points on a single face, and the pure geometry turns
// them into what guidance and the challenge need. Between detections the face is
// followed on its landmarks (face-follower.ts). onnxruntime-web's wasm backend, one
// thread (the frame is not cross-origin isolated, so no SharedArrayBuffer).
import * as ort from "onnxruntime-web/wasm";
import { expose } from "comlink";
import type { FaceObservation } from "../capture-types";
import {
  brightness,
  decodeDetections,
  DETECT_H,
  DETECT_W,
  eyeOpenness,
  headPose,
  LANDMARK_SIZE,
  landmarkInput,
  landmarksInFrame,
  normalizedChw,
  type Box,
  type Point,
} from "../../../common/face-geometry";
import { FaceFollower } from "./face-follower";

let detector: ort.InferenceSession;
let landmarker: ort.InferenceSession;
const canvas = new OffscreenCanvas(DETECT_W, DETECT_H);
const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
const crop = new OffscreenCanvas(LANDMARK_SIZE, LANDMARK_SIZE);
const cropCtx = crop.getContext("2d", { willReadFrequently: true })!;
const follower = new FaceFollower();
/** The frame's brightness, measured on each detection and carried over the followed frames. */
let light = 0;
/** Detector runs so far: how much following saved. */
let detections = 0;

async function landmarks(frame: ImageBitmap, box: Box): Promise<Point[]> {
  cropCtx.drawImage(frame, box.x0 * frame.width, box.y0 * frame.height, (box.x1 - box.x0) * frame.width, (box.y1 - box.y0) * frame.height, 0, 0, LANDMARK_SIZE, LANDMARK_SIZE);
  const lm = await landmarker.run({ input: new ort.Tensor("float32", landmarkInput(cropCtx.getImageData(0, 0, LANDMARK_SIZE, LANDMARK_SIZE).data, 4), [1, 1, LANDMARK_SIZE, LANDMARK_SIZE]) });
  return landmarksInFrame(lm.output!.data as Float32Array, box);
}

async function detect(frame: ImageBitmap): Promise<Box[]> {
  detections++;
  ctx.drawImage(frame, 0, 0, DETECT_W, DETECT_H);
  const pixels = ctx.getImageData(0, 0, DETECT_W, DETECT_H).data;
  light = brightness(pixels, 4);
  const out = await detector.run({ input: new ort.Tensor("float32", normalizedChw(pixels, DETECT_W * DETECT_H, 4), [1, 3, DETECT_H, DETECT_W]) });
  return decodeDetections(out.scores!.data as Float32Array, out.boxes!.data as Float32Array);
}

/** The single face's box and landmarks (followed, or detected afresh), or how many faces the detector saw. */
async function locate(frame: ImageBitmap, t: number): Promise<{ faces: number; box?: Box; points?: Point[] }> {
  const region = follower.region(t);
  if (region) {
    const points = await landmarks(frame, region);
    if (follower.followed(points)) return { faces: 1, box: region, points };
  }
  const faces = await detect(frame);
  const face = faces[0];
  if (faces.length !== 1 || !face) {
    follower.lost();
    return { faces: faces.length };
  }
  const points = await landmarks(frame, face);
  follower.detected(face, points, t);
  return { faces: 1, box: face, points };
}

const tracker = {
  /** Loads the wasm runtime and both models from the widget origin, and runs each once. */
  async init(base: string): Promise<void> {
    ort.env.wasm.numThreads = 1;
    // Only the .wasm binary is fetched; its JS glue is bundled into this worker.
    ort.env.wasm.wasmPaths = { wasm: `${base}/frame/ort/ort-wasm-simd-threaded.wasm` };
    const load = async (name: string) => ort.InferenceSession.create(new Uint8Array(await (await fetch(`${base}/frame/models/${name}.onnx`)).arrayBuffer()), { executionProviders: ["wasm"] });
    [detector, landmarker] = await Promise.all([load("fr_detect"), load("fr_landmark")]);
    // A first run of each model costs several times a later one: pay it now, before the camera's first frame.
    await detector.run({ input: new ort.Tensor("float32", new Float32Array(3 * DETECT_W * DETECT_H), [1, 3, DETECT_H, DETECT_W]) });
    await landmarker.run({ input: new ort.Tensor("float32", new Float32Array(LANDMARK_SIZE * LANDMARK_SIZE), [1, 1, LANDMARK_SIZE, LANDMARK_SIZE]) });
  },

  /** Tracks one frame, captured at `t` (ms); the worker owns the bitmap from here. */
  async track(frame: ImageBitmap, t: number): Promise<FaceObservation> {
    const { faces, box, points } = await locate(frame, t).finally(() => frame.close());
    const observation: FaceObservation = { t, faces, brightness: light };
    if (box && points) Object.assign(observation, { box: { x: box.x0, y: box.y0, w: box.x1 - box.x0, h: box.y1 - box.y0 }, ...headPose(points), eyeOpen: eyeOpenness(points) });
    return observation;
  },

  /** Detector runs so far (for tests: how many frames were followed instead). */
  stats(): { detections: number } {
    return { detections };
  },
};

export type Tracker = typeof tracker;
expose(tracker);
