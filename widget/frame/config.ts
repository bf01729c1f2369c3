// The frame's configuration, written by the widget server into a <meta> tag of
// frame.html (no inline script is allowed by the frame's CSP).
import * as v from "valibot";

const frameConfigSchema = v.object({
  /** Origins allowed to embed the frame and talk to it. */
  partnerOrigins: v.array(v.string()),
  /** What the enclave's attestation must match: the image measurement and the root of its chain (base64url). */
  attestation: v.object({ pcr0: v.string(), rootCertificate: v.string() }),
  /** How long the user has for each challenge step (and to place the face) before the scan stops. */
  stepTimeoutMs: v.pipe(v.number(), v.minValue(1000)),
  /** How long after a face scan signatures need only the user's approval; then the wallet locks. */
  signWindowMs: v.pipe(v.number(), v.minValue(1000)),
  /** The user's idOS node, where their encrypted credential and access grants live. */
  idosUrl: v.pipe(v.string(), v.url()),
});
export type FrameConfig = v.InferOutput<typeof frameConfigSchema>;

export function readFrameConfig(doc: Document = document): FrameConfig {
  const raw = doc.querySelector<HTMLMetaElement>('meta[name="facesign-config"]')?.content ?? "{}";
  return v.parse(frameConfigSchema, JSON.parse(raw));
}
