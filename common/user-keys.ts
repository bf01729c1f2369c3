// How a user's keys come from their entropy (HKDF-SHA256, one `info` label per key):
// the frame derives the whole wallet from it; the enclave derives the two public keys
// it names in the user's credential. One definition, so both always agree.
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import nacl from "tweetnacl";

const SALT = new TextEncoder().encode("facesign/v1/keys");

export type UserKeyName = "ed25519" | "secp256k1" | "x25519";

export function userKeyMaterial(entropy: Uint8Array, name: UserKeyName, length: number): Uint8Array {
  if (entropy.length !== 32) throw new RangeError("entropy must be 32 bytes");
  return hkdf(sha256, entropy, SALT, new TextEncoder().encode(`facesign/v1/${name}`), length);
}

/** The ed25519 signing key pair (idOS FaceSign wallet) and the x25519 box key pair (credentials). */
export function userSigningAndBoxKeys(entropy: Uint8Array): { ed25519: nacl.SignKeyPair; x25519: nacl.BoxKeyPair } {
  const seed = userKeyMaterial(entropy, "ed25519", 32);
  const ed25519 = nacl.sign.keyPair.fromSeed(seed);
  seed.fill(0);
  return { ed25519, x25519: nacl.box.keyPair.fromSecretKey(userKeyMaterial(entropy, "x25519", 32)) };
}
