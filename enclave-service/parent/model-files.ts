// Reads the face models from the models/ folder. Used by the parent (which hands
// their bytes to the enclave at boot) and by tests and benches, never inside the core.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FaceModels } from "../../contracts/parent-enclave";

export const MODEL_FILES: Record<keyof FaceModels, string> = {
  detect: "fr_detect.onnx",
  landmark: "fr_landmark.onnx",
  feature: "fr_feature.onnx",
  liveness: "fr_liveness.onnx",
};

export function readFaceModels(dir = "models"): FaceModels {
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  return { detect: read(MODEL_FILES.detect), landmark: read(MODEL_FILES.landmark), feature: read(MODEL_FILES.feature), liveness: read(MODEL_FILES.liveness) };
}
