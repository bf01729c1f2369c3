// Hex and EIP-55 helpers shared by the wallet's signers.
import { keccak_256 } from "@noble/hashes/sha3.js";

export type Hex = `0x${string}`;
export type Address = Hex;

export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** EIP-55: a hex letter is upper case when the matching nibble of keccak256(lowercase address) is ≥ 8. */
export function checksumAddress(lowerHex40: string): Address {
  const hash = hex(keccak_256(new TextEncoder().encode(lowerHex40)));
  return `0x${Array.from(lowerHex40, (c, i) => (parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c)).join("")}`;
}

export function fromHex(value: string): Uint8Array | undefined {
  const body = value.startsWith("0x") ? value.slice(2) : value;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) return undefined;
  return Uint8Array.from({ length: body.length / 2 }, (_, i) => parseInt(body.slice(2 * i, 2 * i + 2), 16));
}
