// The parent ↔ enclave boundary: every message between the parent server and the
// enclave core. Locally they travel over a worker_threads MessagePort; in AWS Nitro
// they travel over vsock (the enclave listens on a vsock port, the parent connects
// with its CID), each message as one length-prefixed CBOR frame of this same shape.
import type { ApiErrorCode, ChallengeStep } from "./frame-service";
import type { FaceModels } from "../enclave-service/enclave/face/engine";
import type { SealedRecord } from "../enclave-service/enclave/identity/sealing";

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
  /**
   * Test mode only: every session gets this challenge instead of a random one, so a
   * recorded video can be checked by the real stack. A production build refuses it.
   */
  testChallenge?: ChallengeStep[];
}

/** What the enclave needs to hold its users: a key-encryption key (KMS in production) and its wrapped sealing key. The sealed templates follow in `loadTemplates` batches. */
export interface IdentityBoot {
  kek: Uint8Array;
  wrappedKey?: Uint8Array;
  /** The credential issuer's ed25519 secret key, wrapped under the sealing key. */
  wrappedIssuerKey?: Uint8Array;
}

export type ParentToEnclave =
  | { id: number; op: "boot"; signer: DevSigner; settings: EnclaveSettings; models: FaceModels; identity: IdentityBoot }
  | { id: number; op: "openSession"; nonce: Uint8Array; clientPublicKey: Uint8Array; now: number }
  | { id: number; op: "sessionRequest"; sessionId: Uint8Array; body: Uint8Array; now: number }
  | { id: number; op: "attestIssuer"; nonce: Uint8Array; now: number }
  | { id: number; op: "loadTemplates"; records: SealedRecord[] };

/**
 * The one request the enclave makes of the parent: the sealed records under these keyed
 * hashes, to re-rank its index's candidates. The parent answers after every record it
 * was given to store is stored, so a user enrolled a moment ago is found.
 */
export interface TemplateFetch {
  fetch: number;
  keyHashes: string[];
}
export type TemplateFetchReply = { fetch: number; records: SealedRecord[] } | { fetch: number; failed: true };

/** Everything the parent sends: requests, and answers to the enclave's fetches. */
export type ToEnclave = ParentToEnclave | TemplateFetchReply;
/** Everything the enclave sends: replies, and its fetches. */
export type FromEnclave = EnclaveReply | TemplateFetch;

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
export interface BootResult {
  publicKey: Uint8Array;
  /** Set when the enclave made a new sealing key: the parent stores it, wrapped. */
  wrappedKey?: Uint8Array;
  /** Set when the enclave made a new issuer key: the parent stores it, wrapped. */
  wrappedIssuerKey?: Uint8Array;
  /** The issuer's did:key. */
  issuer: string;
}

/** A boxed reply for the client, and a new sealed template to store before the reply is sent. */
export interface SessionReply {
  reply: Uint8Array;
  store?: SealedRecord;
}

export interface IssuerAttestation {
  issuer: string;
  attestation: Uint8Array;
}

export type OpResult<Op extends EnclaveOp> = Op extends "boot"
  ? BootResult
  : Op extends "openSession"
    ? OpenSessionResult
    : Op extends "sessionRequest"
      ? SessionReply
      : Op extends "attestIssuer"
        ? IssuerAttestation
        : Op extends "loadTemplates"
          ? number
          : never;
export type OpArgs<Op extends EnclaveOp> = Omit<Extract<ParentToEnclave, { op: Op }>, "id" | "op">;
