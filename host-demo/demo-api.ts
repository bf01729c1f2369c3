// The partner page ↔ the partner's own server (Acme's backend in the demo): every
// message between them. The server verifies signatures independently (viem) and is the
// FaceSign consumer that reads shared credentials.
import type { Hex, TypedData } from "../contracts/page-frame";
import type { ConsumerErrorCode, VerifiedCredential } from "./consumer/consumer";

/** GET /api/consumer: the keys a grant must be made to (base64url, 32 bytes each) and a fresh challenge for the holder's presentation. */
export interface ConsumerGrantRequest {
  consumerEncryptionPublicKey: string;
  consumerAuthPublicKey: string;
  challenge: string;
}

/** POST /api/verify-signature */
export type VerifySignatureRequest = { kind: "personal_sign"; address: Hex; message: string; signature: Hex } | { kind: "typed_data"; address: Hex; typedData: TypedData; signature: Hex };
export interface VerifySignatureResponse {
  valid: boolean;
}

/** POST /api/consumer/verify */
export interface ConsumerVerifyRequest {
  grantId: string;
  challenge: string;
  presentation: string;
}
export type ConsumerVerifyResponse = VerifiedCredential | { error: ConsumerErrorCode | "malformed_request"; message: string };

/** The order the demo asks users to sign (EIP-712 v4). */
export const DEMO_ORDER: TypedData = {
  domain: { name: "Acme Exchange", version: "1", chainId: 1, verifyingContract: "0x00000000000000000000000000000000000ac3e0" },
  types: {
    Order: [
      { name: "side", type: "string" },
      { name: "asset", type: "string" },
      { name: "amount", type: "string" },
      { name: "limitPriceUsd", type: "uint256" },
      { name: "nonce", type: "uint256" },
    ],
  },
  primaryType: "Order",
  message: { side: "buy", asset: "ETH", amount: "0.5", limitPriceUsd: "3200", nonce: "1" },
};
