// Hex for the wallet's signers, from the libraries the frame already bundles.
import { hexToBytes, isHex, type Hex } from "viem";

export { bytesToHex as hex } from "@noble/hashes/utils.js";
export type { Hex };
export type Address = Hex;

/** 0x-prefixed hex of whole bytes, or undefined. */
export const fromHex = (value: string): Uint8Array | undefined => (isHex(value, { strict: true }) && value.length % 2 === 0 ? hexToBytes(value) : undefined);
