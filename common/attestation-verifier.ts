// Verifies an enclave attestation document in the AWS Nitro format, with WebCrypto only
// (the frame before it sends anything, and consumers before they trust an issuer key):
// the COSE_Sign1 signature (ES384) by the leaf certificate, the chain from the pinned
// root to the leaf with every certificate valid both at the document's time and at the
// verifier's clock, PCR0 equal to a pinned measurement, the verifier's own nonce,
// freshness, and the attested public key. Each refusal names its reason.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { decode } from "cborg";
import { codedErrorClass } from "../contracts/coded-error";
import { ES384, sigStructure } from "./cose";

const ATTESTATION_FAILURES = {
  format: { message: "The document is not a COSE_Sign1 attestation document with every required field." },
  signature: { message: "The document's signature does not verify with its leaf certificate." },
  root: { message: "The certificate chain does not start at a pinned root." },
  chain: { message: "A certificate of the chain is not signed by the one before it." },
  expired_certificate: { message: "A certificate of the chain is not valid at the document's time or now." },
  pcr0: { message: "PCR0 is not a pinned measurement." },
  nonce: { message: "The document does not carry this verifier's nonce." },
  stale: { message: "The document is too old, or from the future." },
  public_key: { message: "The attested public key is not the expected one." },
} as const;
export class AttestationError extends codedErrorClass("AttestationError", ATTESTATION_FAILURES) {}
type AttestationFailure = AttestationError["code"];

/** What a verifier accepts; the frame and the consumer CLI have them compiled in (common/trust-anchors.ts). */
export interface TrustAnchors {
  /** DER of the roots a chain may start at (AWS Nitro root G1 in production). */
  roots: Uint8Array[];
  /** SHA-384 measurements of the enclave images released. */
  pcr0s: Uint8Array[];
}

export interface VerifyOptions {
  nonce: Uint8Array;
  /** Wall clock of the verifier, ms. */
  now: number;
  /** How old a document may be; Nitro's guidance is minutes. */
  maxAgeMs?: number;
  /** The key the service says the enclave uses; must be the attested one. */
  expectedPublicKey?: Uint8Array;
}

export interface AttestedEnclave {
  publicKey: Uint8Array;
  userData: Uint8Array;
  moduleId: string;
  timestamp: number;
}

const fail = (reason: AttestationFailure): never => {
  throw new AttestationError(reason);
};
export const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const bytes = (x: unknown): Uint8Array => (x instanceof Uint8Array ? x : fail("format"));
const ALG = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" } as const;
const FUTURE_SKEW_MS = 60_000;

function decodeDocument(document: Uint8Array) {
  try {
    const cose: unknown = decode(document, { useMaps: true, tags: Object.assign([], { 18: (inner: unknown) => inner }) });
    if (!Array.isArray(cose) || cose.length !== 4) return fail("format");
    const [protectedHeader, , payloadBytes, signature] = (cose as unknown[]).map((x, i) => (i === 1 ? x : bytes(x))) as [Uint8Array, unknown, Uint8Array, Uint8Array];
    const header = decode(protectedHeader, { useMaps: true }) as unknown;
    if (!(header instanceof Map) || header.get(1) !== ES384) return fail("format");
    const payload = decode(payloadBytes, { useMaps: true }) as unknown;
    if (!(payload instanceof Map)) return fail("format");
    const certificate = new x509.X509Certificate(bytes(payload.get("certificate")) as Uint8Array<ArrayBuffer>);
    const bundle: unknown = payload.get("cabundle");
    if (!Array.isArray(bundle) || bundle.length === 0) return fail("format");
    const cabundle = bundle.map((der) => new x509.X509Certificate(bytes(der) as Uint8Array<ArrayBuffer>));
    const timestamp: unknown = payload.get("timestamp");
    const pcrs: unknown = payload.get("pcrs");
    const moduleId: unknown = payload.get("module_id");
    if (typeof timestamp !== "number" || !(pcrs instanceof Map) || typeof moduleId !== "string") return fail("format");
    return {
      signed: sigStructure(protectedHeader, payloadBytes),
      signature,
      certificate,
      cabundle,
      timestamp,
      moduleId,
      pcr0: bytes(pcrs.get(0)),
      nonce: bytes(payload.get("nonce")),
      publicKey: bytes(payload.get("public_key")),
      userData: bytes(payload.get("user_data")),
    };
  } catch (error) {
    if (error instanceof AttestationError) throw error;
    return fail("format");
  }
}

export async function verifyAttestation(document: Uint8Array, anchors: TrustAnchors, { nonce, now, maxAgeMs = 5 * 60_000, expectedPublicKey }: VerifyOptions): Promise<AttestedEnclave> {
  const doc = decodeDocument(document);
  // Signature first: nothing in an unsigned document is worth reading.
  const leafKey = await doc.certificate.publicKey.export(ALG, ["verify"]);
  if (!(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, leafKey, doc.signature as Uint8Array<ArrayBuffer>, doc.signed))) return fail("signature");

  // The chain: root (pinned) → … → leaf, each signed by the one before.
  const root = new Uint8Array(doc.cabundle[0]!.rawData);
  if (!anchors.roots.some((pinned) => equalBytes(root, pinned))) return fail("root");
  const path = [...doc.cabundle, doc.certificate];
  for (let i = 0; i < path.length; i++) {
    const issuer = path[Math.max(0, i - 1)]!;
    if (!(await path[i]!.verify({ publicKey: await issuer.publicKey.export(ALG, ["verify"]), signatureOnly: true }))) return fail("chain");
  }
  for (const at of [new Date(doc.timestamp), new Date(now)]) if (path.some((cert) => at < cert.notBefore || at > cert.notAfter)) return fail("expired_certificate");

  if (!anchors.pcr0s.some((pinned) => equalBytes(doc.pcr0, pinned))) return fail("pcr0");
  if (!equalBytes(doc.nonce, nonce)) return fail("nonce");
  if (now - doc.timestamp > maxAgeMs || doc.timestamp - now > FUTURE_SKEW_MS) return fail("stale");
  if (expectedPublicKey && !equalBytes(doc.publicKey, expectedPublicKey)) return fail("public_key");
  return { publicKey: doc.publicKey, userData: doc.userData, moduleId: doc.moduleId, timestamp: doc.timestamp };
}
