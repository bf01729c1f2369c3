// The trust anchors a verifier of enclave attestations accepts, as the build compiles
// them into the frame and the consumer CLI (esbuild.config.mjs, `define`): never read
// from a server, so the server being verified cannot choose them. PCR0 values are hex,
// as `nitro-cli describe-eif` and `sha384sum` print them; roots are base64url DER.
import * as v from "valibot";
import { fromBase64url } from "./base64url";
import type { TrustAnchors } from "./attestation-verifier";

export const trustAnchorsSchema = v.strictObject({
  /** "production" pins AWS's Nitro root and the released PCR0 values; "development" the build's dev CA and its own measurement. */
  build: v.picklist(["development", "production"]),
  roots: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.check((s) => fromBase64url(s) !== null, "must be base64url DER"),
      ),
    ),
    v.minLength(1),
  ),
  pcr0s: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[0-9a-f]{96}$/, "must be 96 hex digits (SHA-384)"))), v.minLength(1)),
});
export type TrustAnchorsJson = v.InferOutput<typeof trustAnchorsSchema>;

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));

export function decodeTrustAnchors(json: unknown): TrustAnchors & { build: TrustAnchorsJson["build"] } {
  const anchors = v.parse(trustAnchorsSchema, json);
  return { build: anchors.build, roots: anchors.roots.map((r) => fromBase64url(r)!), pcr0s: anchors.pcr0s.map(hexBytes) };
}

declare const __FACESIGN_TRUST_ANCHORS__: unknown;

/** The anchors this bundle was built with; code that was not bundled by the build has none. */
export function compiledTrustAnchors(): TrustAnchors & { build: TrustAnchorsJson["build"] } {
  if (typeof __FACESIGN_TRUST_ANCHORS__ === "undefined") throw new Error("No trust anchors compiled in: build with esbuild.config.mjs.");
  return decodeTrustAnchors(__FACESIGN_TRUST_ANCHORS__);
}
