// The face tracker, in a worker so the preview never stutters: fr_detect finds the
// faces, fr_landmark places 68 points on a single face, and the pure geometry turns
// them into what guidance and the challenge need. onnxruntime-web's wasm backend,
// one thread (the frame is not cross-origin isolated, so no SharedArrayBuffer).
import * as ort from "onnxruntime-web/wasm";
import { expose } from "comlink";
import type { FaceObservation } from "../frame/capture-types";
import { brightness, decodeDetections, DETECT_H, DETECT_W, eyeOpenness, headPose, LANDMARK_SIZE, landmarkInput, landmarksInFrame, normalizedChw } from "../../enclave-service/enclave/face/geometry";

let detector: ort.InferenceSession;
let landmarker: ort.InferenceSession;
const canvas = new OffscreenCanvas(DETECT_W, DETECT_H);
const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
const crop = new OffscreenCanvas(LANDMARK_SIZE, LANDMARK_SIZE);
const cropCtx = crop.getContext("2d", { willReadFrequently: true })!;

const tracker = {
  /** Loads the wasm runtime and both models from the widget origin. */
  async init(base: string): Promise<void> {
    ort.env.wasm.numThreads = 1;
    // Only the .wasm binary is fetched; its JS glue is bundled into this worker.
    ort.env.wasm.wasmPaths = { wasm: `${base}/frame/ort/ort-wasm-simd-threaded.wasm` };
    const load = async (name: string) => ort.InferenceSession.create(new Uint8Array(await (await fetch(`${base}/frame/models/${name}.onnx`)).arrayBuffer()), { executionProviders: ["wasm"] });
    [detector, landmarker] = await Promise.all([load("fr_detect"), load("fr_landmark")]);
  },

  /** Tracks one frame; the bitmap is closed here. */
  async track(frame: ImageBitmap, t: number): Promise<FaceObservation> {
    ctx.drawImage(frame, 0, 0, DETECT_W, DETECT_H);
    const pixels = ctx.getImageData(0, 0, DETECT_W, DETECT_H).data;
    const out = await detector.run({ input: new ort.Tensor("float32", normalizedChw(pixels, DETECT_W * DETECT_H, 4), [1, 3, DETECT_H, DETECT_W]) });
    const faces = decodeDetections(out.scores!.data as Float32Array, out.boxes!.data as Float32Array);
    const observation: FaceObservation = { t, faces: faces.length, brightness: brightness(pixels, 4) };
    const face = faces[0];
    if (faces.length === 1 && face) {
      const { x0, y0, x1, y1 } = face;
      cropCtx.drawImage(frame, x0 * frame.width, y0 * frame.height, (x1 - x0) * frame.width, (y1 - y0) * frame.height, 0, 0, LANDMARK_SIZE, LANDMARK_SIZE);
      const lm = await landmarker.run({ input: new ort.Tensor("float32", landmarkInput(cropCtx.getImageData(0, 0, LANDMARK_SIZE, LANDMARK_SIZE).data, 4), [1, 1, LANDMARK_SIZE, LANDMARK_SIZE]) });
      const points = landmarksInFrame(lm.output!.data as Float32Array, face);
      Object.assign(observation, { box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, ...headPose(points), eyeOpen: eyeOpenness(points) });
    }
    frame.close();
    return observation;
  },
};

export type Tracker = typeof tracker;
expose(tracker);
