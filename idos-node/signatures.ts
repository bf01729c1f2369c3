// The two signers FaceSign's idOS accounts use, verified strictly: ed25519 (the FaceSign
// wallet, a consumer's grantee key; RFC 8032 without ZIP-215, so S + L is refused) and
// an EVM wallet's personal_sign (Kwil's "secp256k1_ep": EIP-191 over the message, the
// account = the recovered address; low S only, so the (r, n − s) twin is refused).
import { ed25519 } from "@noble/curves/ed25519.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

export const verifyEd25519 = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean => {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
};

/** The EVM address (40 lowercase hex digits) that personal_signed `message`, if the signature is canonical. */
function personalSigner(signature: Uint8Array, message: Uint8Array): string | undefined {
  if (signature.length !== 65) return undefined;
  const v = signature[64]!;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery > 1) return undefined;
  const digest = keccak_256(new Uint8Array([...new TextEncoder().encode(`\x19Ethereum Signed Message:\n${message.length}`), ...message]));
  try {
    const rs = signature.subarray(0, 64);
    const publicKey = secp256k1.recoverPublicKey(new Uint8Array([recovery, ...rs]), digest, { prehash: false });
    if (!secp256k1.verify(rs, digest, publicKey, { prehash: false, lowS: true })) return undefined;
    const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
    return bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12));
  } catch {
    return undefined;
  }
}

/** Kwil's signature types this node takes, and whether `sender` (hex: an ed25519 key, or an EVM address) signed `message`. */
export function verifySender(type: string, sender: string, signature: Uint8Array, message: Uint8Array): boolean | "unsupported" {
  if (type === "ed25519") return sender.length === 64 && verifyEd25519(signature, message, fromHex(sender));
  if (type === "secp256k1_ep") return sender.length === 40 && personalSigner(signature, message) === sender;
  return "unsupported";
}
