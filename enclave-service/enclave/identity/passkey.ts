// WebAuthn passkeys as the enclave checks them (ES256 only: what every platform and
// synced authenticator offers). The frame forwards the browser's own bytes; the enclave
// checks what the browser says was asked (type, challenge, origin, the page on top),
// what the authenticator says it signed (the rp id's hash, user presence), and the
// signature under the key kept in the account's sealed record.
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import * as v from "valibot";
import { fromBase64url, toBase64url } from "../../../common/base64url";
import type { PasskeyAssertion } from "../../../contracts/frame-service";

/** DER SubjectPublicKeyInfo header of an uncompressed P-256 key (id-ecPublicKey, prime256v1). */
const P256_SPKI_HEADER = Uint8Array.from([0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]);
const USER_PRESENT = 0x01;

/** The 65-byte point of a P-256 SubjectPublicKeyInfo, or null for anything else (another curve, a point off the curve). */
export function passkeyPublicKey(spki: Uint8Array): Uint8Array | null {
  if (spki.length !== P256_SPKI_HEADER.length + 65 || P256_SPKI_HEADER.some((b, i) => spki[i] !== b)) return null;
  const point = spki.slice(P256_SPKI_HEADER.length);
  try {
    p256.Point.fromBytes(point).assertValidity();
    return point;
  } catch {
    return null;
  }
}

const clientDataSchema = v.looseObject({
  type: v.string(),
  challenge: v.string(),
  origin: v.string(),
  crossOrigin: v.optional(v.boolean()),
  topOrigin: v.optional(v.string()),
});

export interface ExpectedAssertion {
  challenge: Uint8Array;
  /** The widget origin: where the frame runs, and the passkey's relying party. */
  origin: string;
  /** The page the frame is embedded in, when it is embedded. */
  partner: string;
}

/** What the signature must cover, once everything but the key checks out; null otherwise. */
export function signedAssertion(assertion: PasskeyAssertion, expected: ExpectedAssertion): { data: Uint8Array; signature: Uint8Array } | null {
  const [authenticatorData, clientDataJSON, signature] = [assertion.authenticatorData, assertion.clientDataJSON, assertion.signature].map(fromBase64url);
  if (!authenticatorData || !clientDataJSON || !signature || authenticatorData.length < 37) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(clientDataJSON));
  } catch {
    return null;
  }
  const client = v.safeParse(clientDataSchema, parsed);
  if (!client.success) return null;
  const { type, challenge, origin, crossOrigin, topOrigin } = client.output;
  if (type !== "webauthn.get" || challenge !== toBase64url(expected.challenge) || origin !== expected.origin) return null;
  // Embedded, the browser names the page on top: it must be the partner the challenge names.
  if (crossOrigin && topOrigin !== undefined && topOrigin !== expected.partner) return null;
  const rpIdHash = sha256(new TextEncoder().encode(new URL(expected.origin).hostname));
  if (rpIdHash.some((b, i) => authenticatorData[i] !== b) || !(authenticatorData[32]! & USER_PRESENT)) return null;
  return { data: new Uint8Array([...authenticatorData, ...sha256(clientDataJSON)]), signature };
}

/** ES256 as authenticators produce it: DER, and high S allowed (the session-bound challenge is what stops replays). */
export function verifyPasskeySignature(publicKey: Uint8Array, { data, signature }: { data: Uint8Array; signature: Uint8Array }): boolean {
  try {
    return p256.verify(signature, data, publicKey, { format: "der", lowS: false, prehash: true });
  } catch {
    return false;
  }
}
