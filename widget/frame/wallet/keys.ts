// The user's keys, derived in the iframe from the entropy the enclave returned for
// their face: HKDF-SHA256 with one `info` label per key, so no key reveals another and
// the same face gives the same keys on any device. They exist only in this frame's
// memory and are zeroed when the session locks or the window closes.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { mapHashToField } from "@noble/curves/abstract/modular.js";
import type nacl from "tweetnacl";
import { userKeyMaterial, userSigningAndBoxKeys } from "../../../common/user-keys";
import { getAddress } from "viem";
import { hex, type Address } from "./encoding";

export interface WalletKeys {
  /** idOS's FaceSign wallet: tweetnacl ed25519; its public key in hex is the wallet address. */
  ed25519: nacl.SignKeyPair;
  /** EVM: secp256k1 private scalar and its EIP-55 address. */
  secp256k1: { privateKey: Uint8Array; address: Address };
  /** For credentials: nacl.box (x25519). */
  x25519: nacl.BoxKeyPair;
}

export function deriveKeys(entropy: Uint8Array): WalletKeys {
  const { ed25519, x25519 } = userSigningAndBoxKeys(entropy);
  // 48 bytes reduced mod n (FIPS 186-5 A.2.1): uniform, and never zero.
  const wide = userKeyMaterial(entropy, "secp256k1", 48);
  const privateKey = mapHashToField(wide, secp256k1.Point.CURVE().n);
  wide.fill(0);
  return { ed25519, secp256k1: { privateKey, address: evmAddress(privateKey) }, x25519 };
}

/** keccak256 of the uncompressed public key (without its 0x04 prefix), last 20 bytes, EIP-55. */
function evmAddress(privateKey: Uint8Array): Address {
  const pub = secp256k1.getPublicKey(privateKey, false);
  return getAddress(`0x${hex(keccak_256(pub.subarray(1)).subarray(12))}`);
}

export function zeroKeys(keys: WalletKeys): void {
  for (const b of [keys.ed25519.secretKey, keys.secp256k1.privateKey, keys.x25519.secretKey]) b.fill(0);
}
