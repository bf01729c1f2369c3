// The parent ↔ enclave boundary: every message between the parent server and the
// enclave core. Locally they travel over a worker_threads MessagePort; in AWS Nitro
// they travel over vsock (the enclave listens on a vsock port, the parent connects
// with its CID), each message as one length-prefixed CBOR frame of this same shape.
import type { ApiErrorCode, ChallengeStep } from "./api-protocol";

/** What the NSM device would provide in Nitro; locally the parent's dev chain stands in (see parent/dev-attestation-chain.ts). */
export interface DevSigner {
  /** PKCS#8 DER of the leaf's P-384 private key. */
  leafKey: Uint8Array;
  /** DER certificates: the leaf, and the bundle from the root down to the leaf's issuer. */
  certificate: Uint8Array;
  cabundle: Uint8Array[];
  /** Platform Configuration Registers as Nitro reports them (index → 48 bytes). */
  pcrs: Record<number, Uint8Array>;
  moduleId: string;
}

export interface EnclaveSettings {
  sessionTtlMs: number;
  maxSessions: number;
}

export type ParentToEnclave =
  | { id: number; op: "boot"; signer: DevSigner; settings: EnclaveSettings }
  | { id: number; op: "openSession"; nonce: Uint8Array; clientPublicKey: Uint8Array; now: number }
  | { id: number; op: "sessionRequest"; sessionId: Uint8Array; body: Uint8Array; now: number };

export interface OpenSessionResult {
  sessionId: Uint8Array;
  attestation: Uint8Array;
  enclavePublicKey: Uint8Array;
  challengeId: Uint8Array;
  steps: ChallengeStep[];
  expiresAt: number;
}

export type EnclaveReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; code: ApiErrorCode };

export type EnclaveOp = ParentToEnclave["op"];
export type OpResult<Op extends EnclaveOp> = Op extends "boot" ? { publicKey: Uint8Array } : Op extends "openSession" ? OpenSessionResult : Op extends "sessionRequest" ? Uint8Array : never;
export type OpArgs<Op extends EnclaveOp> = Omit<Extract<ParentToEnclave, { op: Op }>, "id" | "op">;
