// Verifies the enclave's attestation document in the iframe, before anything is
// sent to it: the COSE_Sign1 signature (ES384), the certificate chain up to the
// pinned root with every certificate valid at the document's time, PCR0 equal to the
// pinned measurement, the nonce this iframe sent, and freshness. Browser WebCrypto only.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { decode } from "cborg";
import { sigStructure, ES384 } from "../../enclave-service/enclave/attestation-document";
import { FaceSignError } from "../protocol";

export type AttestationFailure = "format" | "signature" | "chain" | "root" | "expired_certificate" | "pcr0" | "nonce" | "stale" | "public_key";

export interface AttestationPinsBytes {
  rootCertificate: Uint8Array;
  pcr0: Uint8Array;
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
  throw new FaceSignError("attestation_invalid", `Attestation rejected: ${reason}.`);
};
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const bytes = (x: unknown): Uint8Array => (x instanceof Uint8Array ? x : fail("format"));
const ALG = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" } as const;

export async function verifyAttestation(document: Uint8Array, pins: AttestationPinsBytes, { nonce, now, maxAgeMs = 5 * 60_000, expectedPublicKey }: VerifyOptions): Promise<AttestedEnclave> {
  let cose: unknown;
  let payload: Map<unknown, unknown>;
  try {
    cose = decode(document, { useMaps: true, tags: Object.assign([], { 18: (inner: unknown) => inner }) });
  } catch {
    return fail("format");
  }
  if (!Array.isArray(cose) || cose.length !== 4) return fail("format");
  const [protectedHeader, , payloadBytes, signature] = cose as [unknown, unknown, unknown, unknown];
  try {
    const header = decode(bytes(protectedHeader), { useMaps: true }) as Map<number, unknown>;
    if (header.get(1) !== ES384) return fail("format");
    payload = decode(bytes(payloadBytes), { useMaps: true }) as Map<unknown, unknown>;
    if (!(payload instanceof Map)) return fail("format");
  } catch (error) {
    if (error instanceof FaceSignError) throw error;
    return fail("format");
  }
  const field = (name: string) => payload.get(name);
  const leafDer = bytes(field("certificate"));
  const bundle = field("cabundle");
  if (!Array.isArray(bundle) || bundle.length === 0) return fail("format");
  const timestamp = field("timestamp");
  if (typeof timestamp !== "number") return fail("format");

  // Signature first: nothing in an unsigned document is worth reading.
  let leaf: x509.X509Certificate;
  let chain: x509.X509Certificate[];
  try {
    leaf = new x509.X509Certificate(leafDer as Uint8Array<ArrayBuffer>);
    chain = bundle.map((der) => new x509.X509Certificate(bytes(der) as Uint8Array<ArrayBuffer>));
  } catch {
    return fail("format");
  }
  const leafKey = await leaf.publicKey.export(ALG, ["verify"]);
  const signed = sigStructure(bytes(protectedHeader), bytes(payloadBytes));
  if (!(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, leafKey, bytes(signature) as Uint8Array<ArrayBuffer>, signed as Uint8Array<ArrayBuffer>))) return fail("signature");

  // The chain: root (pinned) → … → leaf, each signed by the one before, each valid at the document's time.
  if (!equal(new Uint8Array(chain[0]!.rawData), pins.rootCertificate)) return fail("root");
  const path = [...chain, leaf];
  const at = new Date(timestamp);
  for (let i = 0; i < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[Math.max(0, i - 1)]!;
    if (!(await cert.verify({ publicKey: await issuer.publicKey.export(ALG, ["verify"]), signatureOnly: true }))) return fail("chain");
    if (at < cert.notBefore || at > cert.notAfter) return fail("expired_certificate");
  }

  const pcrs = field("pcrs");
  if (!(pcrs instanceof Map) || !equal(bytes(pcrs.get(0)), pins.pcr0)) return fail("pcr0");
  if (!equal(bytes(field("nonce")), nonce)) return fail("nonce");
  if (now - timestamp > maxAgeMs || timestamp - now > 60_000) return fail("stale");
  const publicKey = bytes(field("public_key"));
  if (publicKey.length !== 32 || (expectedPublicKey && !equal(publicKey, expectedPublicKey))) return fail("public_key");
  const moduleId = field("module_id");
  return { publicKey, userData: bytes(field("user_data")), moduleId: typeof moduleId === "string" ? moduleId : "", timestamp };
}
