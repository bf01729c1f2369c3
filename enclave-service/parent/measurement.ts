// PCR values of the enclave image as Nitro defines them: PCR0 measures the whole
// image, PCR1 the kernel and boot ramfs, PCR2 the application. Locally the image is
// the built core bundle (dist/service/enclave.js) run by Node: PCR0 and PCR2 are the
// SHA-384 of that bundle (so what is measured is exactly what runs), PCR1 is zero
// (no kernel of our own), and the unused registers 3-15 are zero, as Nitro reports them.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export const PCR_BYTES = 48;

export function measureBundle(bundlePath: string): Uint8Array {
  return new Uint8Array(createHash("sha384").update(readFileSync(bundlePath)).digest());
}

export function enclavePcrs(bundleMeasurement: Uint8Array): Record<number, Uint8Array> {
  const pcrs: Record<number, Uint8Array> = {};
  for (let i = 0; i < 16; i++) pcrs[i] = new Uint8Array(PCR_BYTES);
  pcrs[0] = bundleMeasurement;
  pcrs[2] = bundleMeasurement;
  return pcrs;
}
