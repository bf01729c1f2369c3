// The face engine: camera frame in, FaceVector (512-d, unit length), head pose, eye
// openness, a passive anti-spoof score and quality measures out. onnxruntime-node
// runs the models, created once from their bytes (the enclave has no file system:
// the models are part of its measured image). Frame buffers are zeroed after use.
import type * as Ort from "onnxruntime-node";
import { ARCFACE_SIZE, fivePoints, similarityToTemplate } from "./align";
import { FaceError } from "./errors";
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
import { cropMap, decodeFrame, warp, type RgbImage } from "./image";
import { faceLight, type FaceLight } from "./reflection";
import type { FaceModels } from "../../../contracts/parent-enclave";

export interface FaceAnalysis {
  /** Normalised to the frame. */
  box: Box;
  landmarks: Point[];
  /** Degrees; yaw > 0 when the person turns to their left, pitch > 0 when looking up. */
  yaw: number;
  pitch: number;
  eyeOpen: number;
  /** L2-normalised 512-d embedding. */
  vector: Float32Array;
  /** Probability that the face is live, from fr_liveness (a weak signal: see the README); absent when not asked for (AnalyzeOptions.passive). */
  liveness?: number;
  quality: { sharpness: number; brightness: number; faceWidth: number };
  /** The light on the skin and on the scene behind: what the light challenge reads. */
  light: FaceLight;
}

export type Backend = "native" | "wasm";

/**
 * onnxruntime-node's native CPU build by default (the faster, see `npm run bench:face`);
 * onnxruntime-web's WebAssembly build where the native binary cannot load. Both speak
 * the same API.
 */
async function loadRuntime(backend: Backend | undefined): Promise<{ ort: typeof Ort; backend: Backend }> {
  if (backend !== "wasm") {
    try {
      return { ort: await import("onnxruntime-node"), backend: "native" };
    } catch (error) {
      if (backend === "native") throw error;
    }
  }
  return { ort: (await import("onnxruntime-web")) as unknown as typeof Ort, backend: "wasm" };
}

export interface EngineOptions {
  intraOpThreads?: number;
  /** Defaults to native, falling back to wasm when the native binary cannot load. */
  backend?: Backend;
  /** Add the embedding of the mirrored face to the FaceVector (kept only where the accuracy bench shows it helps). */
  flip?: boolean;
}

export interface AnalyzeOptions {
  /**
   * "only": the frame must hold exactly one face (scans). "central": take the face
   * nearest the image centre, or the centre itself when none is found (face datasets
   * whose photos are centred on their subject; benchmarks only).
   */
  faces?: "only" | "central";
  /** Run the passive anti-spoof model (the default): a quarter of a frame's time, for advice only. */
  passive?: boolean;
  /** When given, filled with the milliseconds each stage took (benchmarks). */
  timings?: Partial<Record<Stage, number>>;
}

export type Stage = "decode" | "detect" | "landmarks" | "align" | "embed" | "liveness";

/** How much of the frame around the face the anti-spoof model expects, relative to the box. */
const LIVENESS_CONTEXT = 2.7;
const LIVENESS_SIZE = 128;

function l2normalizeInPlace(v: Float32Array): void {
  let s = 0;
  for (const x of v) s += x * x;
  const k = 1 / Math.sqrt(s || 1);
  for (let i = 0; i < v.length; i++) v[i]! *= k;
}

/** The RGB image mirrored left to right. */
function mirror(rgb: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 3;
      const to = (y * size + (size - 1 - x)) * 3;
      out[to] = rgb[from]!;
      out[to + 1] = rgb[from + 1]!;
      out[to + 2] = rgb[from + 2]!;
    }
  return out;
}

/** Off until the accuracy bench shows flip-averaging helps (see README). */
export const FLIP_DEFAULT = false;

/** Variance of the Laplacian of the grey aligned face: low when blurred. */
function sharpness(rgb: Uint8Array, size: number): number {
  const grey = new Float32Array(size * size);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let y = 1; y < size - 1; y++)
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - size]! + grey[i + size]! - 4 * grey[i]!;
      sum += lap;
      sq += lap * lap;
      n++;
    }
  return sq / n - (sum / n) ** 2;
}

export class FaceEngine {
  private constructor(
    private readonly ort: typeof Ort,
    readonly backend: Backend,
    private readonly detector: Ort.InferenceSession,
    private readonly landmarker: Ort.InferenceSession,
    private readonly embedder: Ort.InferenceSession,
    private readonly antiSpoof: Ort.InferenceSession,
    private readonly flip: boolean,
  ) {}

  static async create(models: FaceModels, { intraOpThreads = 1, flip = FLIP_DEFAULT, backend: wanted }: EngineOptions = {}): Promise<FaceEngine> {
    const { ort, backend } = await loadRuntime(wanted);
    if (backend === "wasm") ort.env.wasm.numThreads = intraOpThreads;
    const options: Ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      ...(backend === "wasm" ? { executionProviders: ["wasm"] } : {}),
    };
    // One at a time: the wasm backend initialises its runtime on the first session.
    const sessions: Ort.InferenceSession[] = [];
    for (const m of [models.detect, models.landmark, models.feature, models.liveness]) sessions.push(await ort.InferenceSession.create(m, options));
    const [d, l, f, s] = sessions;
    return new FaceEngine(ort, backend, d!, l!, f!, s!, flip);
  }

  /** Decodes and analyses one frame; refuses it with a FaceError when it has no single face. */
  async analyze(bytes: Uint8Array, options: AnalyzeOptions = {}): Promise<FaceAnalysis & { detected: boolean }> {
    const t0 = performance.now();
    const image = await decodeFrame(bytes);
    if (options.timings) options.timings.decode = performance.now() - t0;
    try {
      return await this.analyzeImage(image, options);
    } finally {
      image.data.fill(0);
    }
  }

  async detect(image: RgbImage): Promise<Box[]> {
    const small = warp(image, cropMap(0, 0, image.width, image.height, DETECT_W, DETECT_H), DETECT_W, DETECT_H);
    const out = await this.detector.run({ input: new this.ort.Tensor("float32", normalizedChw(small, DETECT_W * DETECT_H, 3), [1, 3, DETECT_H, DETECT_W]) });
    small.fill(0);
    return decodeDetections(out.scores!.data as Float32Array, out.boxes!.data as Float32Array);
  }

  async analyzeImage(image: RgbImage, { faces: choice = "only", passive = true, timings }: AnalyzeOptions = {}): Promise<FaceAnalysis & { detected: boolean }> {
    let mark = performance.now();
    const lap = (stage: Stage) => {
      const now = performance.now();
      if (timings) timings[stage] = now - mark;
      mark = now;
    };
    const faces = await this.detect(image);
    lap("detect");
    let box: Box;
    if (choice === "central") {
      const off = (b: Box) => Math.hypot((b.x0 + b.x1) / 2 - 0.5, (b.y0 + b.y1) / 2 - 0.5);
      box = [...faces].sort((a, b) => off(a) - off(b))[0] ?? { x0: 0.3, y0: 0.28, x1: 0.7, y1: 0.76, score: 0 };
    } else {
      if (faces.length === 0) throw new FaceError("no_face");
      if (faces.length > 1) throw new FaceError("multiple_faces");
      box = faces[0]!;
    }
    const { width: W, height: H } = image;

    const crop = warp(image, cropMap(box.x0 * W, box.y0 * H, (box.x1 - box.x0) * W, (box.y1 - box.y0) * H, LANDMARK_SIZE, LANDMARK_SIZE), LANDMARK_SIZE, LANDMARK_SIZE);
    const lm = await this.landmarker.run({ input: new this.ort.Tensor("float32", landmarkInput(crop, 3), [1, 1, LANDMARK_SIZE, LANDMARK_SIZE]) });
    crop.fill(0);
    const landmarks = landmarksInFrame(lm.output!.data as Float32Array, box);
    const pixels = landmarks.map(([x, y]) => [x * W, y * H] as const);
    lap("landmarks");

    const aligned = warp(image, similarityToTemplate(fivePoints(pixels)), ARCFACE_SIZE, ARCFACE_SIZE);
    lap("align");
    const vector = await this.embed(aligned);
    if (this.flip) {
      const mirrored = mirror(aligned, ARCFACE_SIZE);
      const second = await this.embed(mirrored);
      mirrored.fill(0);
      for (let i = 0; i < vector.length; i++) vector[i]! += second[i]!;
    }
    l2normalizeInPlace(vector);
    const faceSharpness = sharpness(aligned, ARCFACE_SIZE);
    aligned.fill(0);
    lap("embed");

    const liveness = passive ? await this.livenessScore(image, box) : undefined;
    lap("liveness");
    return {
      detected: faces.length > 0,
      box,
      landmarks,
      ...headPose(landmarks),
      eyeOpen: eyeOpenness(pixels),
      vector,
      ...(liveness !== undefined ? { liveness } : {}),
      quality: { sharpness: faceSharpness, brightness: brightness(image.data, 3), faceWidth: box.x1 - box.x0 },
      light: faceLight(image, box),
    };
  }

  private async embed(aligned: Uint8Array): Promise<Float32Array> {
    const out = await this.embedder.run({ [this.embedder.inputNames[0]!]: new this.ort.Tensor("float32", normalizedChw(aligned, ARCFACE_SIZE * ARCFACE_SIZE, 3), [1, 3, ARCFACE_SIZE, ARCFACE_SIZE]) });
    return Float32Array.from(out[this.embedder.outputNames[0]!]!.data as Float32Array);
  }

  private async livenessScore(image: RgbImage, box: Box): Promise<number> {
    const { width: W, height: H } = image;
    const cx = ((box.x0 + box.x1) / 2) * W;
    const cy = ((box.y0 + box.y1) / 2) * H;
    const side = Math.max((box.x1 - box.x0) * W, (box.y1 - box.y0) * H) * LIVENESS_CONTEXT;
    const crop = warp(image, cropMap(cx - side / 2, cy - side / 2, side, side, LIVENESS_SIZE, LIVENESS_SIZE), LIVENESS_SIZE, LIVENESS_SIZE);
    const plane = LIVENESS_SIZE * LIVENESS_SIZE;
    const input = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) input[c * plane + i] = crop[i * 3 + c]!;
    crop.fill(0);
    const out = await this.antiSpoof.run({ [this.antiSpoof.inputNames[0]!]: new this.ort.Tensor("float32", input, [1, 3, LIVENESS_SIZE, LIVENESS_SIZE]) });
    const logits = Array.from(out[this.antiSpoof.outputNames[0]!]!.data as Float32Array);
    const max = Math.max(...logits);
    const exps = logits.map((x) => Math.exp(x - max));
    return exps[1]! / exps.reduce((a, b) => a + b, 0);
  }
}

export const cosine = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
