// Hex for the wallet's signers, from the libraries the frame already bundles.
import { bytesToHex } from "@noble/hashes/utils.js";
import { hexToBytes, isHex, type Hex } from "viem";

export type { Hex };
export type Address = Hex;

export const hex = (bytes: Uint8Array): string => bytesToHex(bytes);

/** 0x-prefixed hex of whole bytes, or undefined. */
export const fromHex = (value: string): Uint8Array | undefined => (isHex(value, { strict: true }) && value.length % 2 === 0 ? hexToBytes(value) : undefined);
