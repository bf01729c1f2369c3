// The build's trust decisions and its release manifest (run by esbuild.config.mjs):
// which roots and enclave measurements the frame and the consumer CLI are compiled to
// accept, and dist/release.json with the enclave's PCR0, the frame's hash and the
// loader's pinned name.
//   - development: the dev CA's root (made here on first build, see
//     dev-attestation-chain.ts) and this build's own enclave measurement;
//   - production (FACESIGN_BUILD=production): AWS's Nitro root G1, read from
//     FACESIGN_NITRO_ROOT and refused unless its fingerprint is the one AWS publishes,
//     and the released PCR0 values in FACESIGN_RELEASED_PCR0S (comma-separated hex; by
//     default this build's own measurement, which a reproducible build makes the
//     released one).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import * as v from "valibot";
import { toBase64url } from "../common/base64url";
import { trustAnchorsSchema, type TrustAnchorsJson } from "../common/trust-anchors";
import { readStackConfig } from "../enclave-service/parent/config";
import { devRoot } from "../enclave-service/parent/dev-attestation-chain";
import { measureEnclaveImage, sha384Listing } from "../enclave-service/parent/measurement";
import { RELEASE_FILE, type ReleaseManifest } from "../enclave-service/parent/release-manifest";

/** SHA-256 of AWS Nitro Enclaves Root G1 as AWS publishes it ("Verifying the root of trust", Nitro Enclaves user guide). */
export const AWS_NITRO_ROOT_FINGERPRINT = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";
const DEFAULT_NITRO_ROOT = "../shared/data/nitro/aws-nitro-root-g1.pem";

const hex = (b: Uint8Array | Buffer) => Buffer.from(b).toString("hex");
const sha384 = (b: Uint8Array | string) => createHash("sha384").update(b).digest();

export function readAwsNitroRoot(file: string): Uint8Array {
  const der = new Uint8Array(Buffer.from(readFileSync(file, "utf8").replace(/-----[^-]+-----|\s/g, ""), "base64"));
  const fingerprint = hex(createHash("sha256").update(der).digest());
  if (fingerprint !== AWS_NITRO_ROOT_FINGERPRINT) throw new Error(`${file} is not AWS's Nitro root G1: SHA-256 ${fingerprint}, published ${AWS_NITRO_ROOT_FINGERPRINT}.`);
  return der;
}

export interface BuildTrust {
  production: boolean;
  /** This build's enclave measurement. */
  pcr0: Uint8Array;
  env?: NodeJS.ProcessEnv;
}

export async function trustAnchorsFor({ production, pcr0, env = process.env }: BuildTrust): Promise<TrustAnchorsJson> {
  const anchors = production
    ? {
        build: "production" as const,
        roots: [toBase64url(readAwsNitroRoot(env.FACESIGN_NITRO_ROOT ?? DEFAULT_NITRO_ROOT))],
        pcr0s: env.FACESIGN_RELEASED_PCR0S ? env.FACESIGN_RELEASED_PCR0S.split(",").map((s) => s.trim().toLowerCase()) : [hex(pcr0)],
      }
    : { build: "development" as const, roots: [toBase64url(await devRoot(readStackConfig(env).devCaFile))], pcr0s: [hex(pcr0)] };
  return v.parse(trustAnchorsSchema, anchors);
}

/** The listing of every file under dir (paths relative to its parent, as served), and its SHA-384. */
function listFiles(dir: string): { listing: string; sha384: string } {
  const base = join(dir, "..");
  const files = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e): [string, string] => [relative(base, join(e.parentPath, e.name)).split(sep).join("/"), join(e.parentPath, e.name)]);
  const { listing, digest } = sha384Listing(files);
  return { listing, sha384: hex(digest) };
}

export const measureBuiltEnclave = (outdir: string) => measureEnclaveImage(join(outdir, "service"), readStackConfig().modelsDir);

/** Writes release.json and the two listings it names into outdir. */
export function writeRelease(outdir: string, anchors: TrustAnchorsJson, enclave: { pcr0: Uint8Array; listing: string }): ReleaseManifest {
  const frame = listFiles(join(outdir, "frame"));
  const loader = sha384(readFileSync(join(outdir, "facesign.js")));
  const manifest: ReleaseManifest = {
    build: anchors.build,
    enclave: { pcr0: hex(enclave.pcr0), listing: "enclave-image.sha384" },
    frame: { sha384: frame.sha384, listing: "frame.sha384" },
    loader: { path: `/v1/facesign-${hex(loader).slice(0, 16)}.js`, integrity: `sha384-${loader.toString("base64")}` },
    trustAnchors: anchors,
  };
  writeFileSync(join(outdir, manifest.enclave.listing), enclave.listing);
  writeFileSync(join(outdir, manifest.frame.listing), frame.listing);
  writeFileSync(join(outdir, RELEASE_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
