// The three signatures the wallet makes. Hashing follows the Ethereum standards through
// viem (EIP-191 personal messages, EIP-712 v4 typed data, which it also validates);
// signing is @noble/curves (secp256k1, low-s, RFC 6979) and tweetnacl (ed25519).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import nacl from "tweetnacl";
import { hashMessage, hashTypedData, type TypedDataDefinition } from "viem";
import { signedMessageBytes, type TypedData } from "../../../contracts/page-frame";
import { fromHex, hex, type Hex } from "./encoding";
import type { WalletKeys } from "./keys";

/** ed25519 over a page's message under FaceSign's signed-message prefix (never the raw bytes): 64 bytes, hex. */
export function signHostMessage(keys: WalletKeys, message: Uint8Array): string {
  return hex(nacl.sign.detached(signedMessageBytes(message), keys.ed25519.secretKey));
}

/** r ‖ s ‖ v with v = 27 + recovery bit, as eth_sign-family signatures are encoded. */
export function signDigest(keys: WalletKeys, digest: Hex): Hex {
  const recovered = secp256k1.sign(fromHex(digest)!, keys.secp256k1.privateKey, { prehash: false, format: "recovered" });
  return `0x${hex(recovered.subarray(1))}${(27 + recovered[0]!).toString(16)}`;
}

/** What personal_sign signs: the EIP-191 digest of the message bytes. */
export const personalDigest = (message: Uint8Array): Hex => hashMessage({ raw: message });

/** What eth_signTypedData_v4 signs: the EIP-712 digest; throws on typed data that does not follow its own types. */
// viem's static types describe typed data known at compile time; this one arrives at run time and viem checks it then.
export const typedDataDigest = (typedData: TypedData): Hex => hashTypedData(typedData as unknown as TypedDataDefinition);
