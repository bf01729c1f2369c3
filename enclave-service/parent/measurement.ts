// PCR values of the enclave image as Nitro defines them: PCR0 measures the whole
// image, PCR1 the kernel and boot ramfs, PCR2 the application. Locally the image is
// the built core bundle (dist/service/enclave.js), the 1:N index's shard bundle beside
// it (scan-shard.js) and the face models it is booted with: PCR0 and PCR2 are SHA-384
// over the bundles' SHA-384s followed by each model's SHA-384 (detect, landmark,
// feature, liveness), so what is measured is exactly what runs. PCR1 is zero (no kernel of our own); registers 3-15 are zero, as Nitro reports them.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FaceModels } from "../../contracts/parent-enclave";

const PCR_BYTES = 48;

const sha384 = (b: Uint8Array) => createHash("sha384").update(b).digest();

export function measureEnclave(bundlePath: string, models: FaceModels): Uint8Array {
  const parts = [readFileSync(bundlePath), readFileSync(join(dirname(bundlePath), "scan-shard.js")), models.detect, models.landmark, models.feature, models.liveness].map(sha384);
  return new Uint8Array(sha384(Buffer.concat(parts)));
}

export function enclavePcrs(bundleMeasurement: Uint8Array): Record<number, Uint8Array> {
  const pcrs: Record<number, Uint8Array> = {};
  for (let i = 0; i < 16; i++) pcrs[i] = new Uint8Array(PCR_BYTES);
  pcrs[0] = bundleMeasurement;
  pcrs[2] = bundleMeasurement;
  return pcrs;
}
