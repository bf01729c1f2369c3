// The challenge a passkey signs to name an account: bound to one enclave session (its
// id and challenge id, both enclave-random and attested to the frame) and to the
// partner page the user came from, so an assertion serves that session only.
import { sha256 } from "@noble/hashes/sha2.js";

const DOMAIN = new TextEncoder().encode("facesign/v1/passkey\0");

export const passkeyChallenge = (sessionId: Uint8Array, challengeId: Uint8Array, partner: string): Uint8Array =>
  sha256(new Uint8Array([...DOMAIN, ...sessionId, ...challengeId, ...new TextEncoder().encode(partner)]));
