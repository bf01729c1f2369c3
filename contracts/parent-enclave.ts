// The parent ↔ enclave boundary: every message between the parent server and the
// enclave core. Locally they travel over a worker_threads MessagePort; in AWS Nitro
// they travel over vsock (the enclave listens on a vsock port, the parent connects
// with its CID), each message as one length-prefixed CBOR frame of this same shape.
// In Nitro the parent is the adversary: the enclave parses every message with these
// schemas before it acts on it, and the parent parses every result the same way.
import * as v from "valibot";
import { API_ERRORS, CHALLENGE_STEPS, LIGHT_COLOURS, LIMITS, type ApiErrorCode, type LightColour } from "./frame-service";
import { MAX_INSTANCES } from "../common/instance-route";

const bytes = (min: number, max = min) =>
  v.pipe(
    v.custom<Uint8Array>((x) => x instanceof Uint8Array, "must be a Uint8Array"),
    v.check((b) => b.length >= min && b.length <= max, min === max ? `must be ${min} bytes` : `must be ${min} to ${max} bytes`),
  );
const time = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const requestId = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const MODEL_BYTES = 256 * 1024 * 1024;

/** A user's template, sealed inside the enclave; the parent stores it under its keyed hash and cannot open it. */
const sealedRecordSchema = v.strictObject({
  /** Hex HMAC-SHA256 of the user id under a key derived from the sealing key. */
  keyHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "keyHash must be 64 lowercase hex digits")),
  sealed: bytes(1, 64 * 1024),
});
export type SealedRecord = v.InferOutput<typeof sealedRecordSchema>;

/** The four ONNX models the face engine runs; their SHA-384s are part of PCR0. */
const faceModelsSchema = v.strictObject({ detect: bytes(1, MODEL_BYTES), landmark: bytes(1, MODEL_BYTES), feature: bytes(1, MODEL_BYTES), liveness: bytes(1, MODEL_BYTES) });
export type FaceModels = v.InferOutput<typeof faceModelsSchema>;

/** What the NSM device would provide in Nitro; locally the parent's dev chain stands in (see parent/dev-attestation-chain.ts). */
const devSignerSchema = v.strictObject({
  /** PKCS#8 DER of the leaf's P-384 private key. */
  leafKey: bytes(1, 4096),
  /** DER certificates: the leaf, and the bundle from the root down to the leaf's issuer. */
  certificate: bytes(1, 16 * 1024),
  cabundle: v.pipe(v.array(bytes(1, 16 * 1024)), v.minLength(1), v.maxLength(8)),
  /** Platform Configuration Registers as Nitro reports them (index 0–15 → 48 bytes). */
  pcrs: v.record(v.pipe(v.string(), v.regex(/^(?:[0-9]|1[0-5])$/)), bytes(48)),
  moduleId: v.pipe(v.string(), v.maxLength(256)),
});
export type DevSigner = v.InferOutput<typeof devSignerSchema>;

const enclaveSettingsSchema = v.strictObject({
  /** Where the frame runs: the origin and relying party every passkey assertion must name. */
  widgetOrigin: v.pipe(v.string(), v.url()),
  sessionTtlMs: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  maxSessions: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  /** Which instance of the service this is: the first character of every session id it opens (common/instance-route.ts). */
  instance: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_INSTANCES - 1)),
  /**
   * Test mode only: every session gets this challenge instead of a random one, so a
   * recorded video can be checked by the real stack. A production build refuses it.
   */
  testChallenge: v.optional(v.pipe(v.array(v.picklist(CHALLENGE_STEPS)), v.maxLength(4))),
  /** Test mode only: the light challenge's colours for every session that runs it; none (no light challenge) when absent. */
  testLight: v.optional(
    v.pipe(v.array(v.strictObject({ colour: v.picklist(Object.keys(LIGHT_COLOURS) as LightColour[]), ms: v.pipe(v.number(), v.safeInteger(), v.minValue(100), v.maxValue(2000)) })), v.maxLength(8)),
  ),
  /** How long the user has for each challenge step (and each hold between steps); the enclave caps it at STEP_MS_MAX. */
  stepTimeoutMs: v.pipe(v.number(), v.safeInteger(), v.minValue(1000)),
});
export type EnclaveSettings = v.InferOutput<typeof enclaveSettingsSchema>;

/** What the enclave needs to hold its users: a key-encryption key (KMS in production) and its wrapped keys. The sealed templates follow through `catchUp`. */
const identityBootSchema = v.strictObject({
  kek: bytes(32),
  wrappedKey: v.optional(bytes(1, 1024)),
  /** The credential issuer's ed25519 secret key, wrapped under the sealing key. */
  wrappedIssuerKey: v.optional(bytes(1, 1024)),
});
export type IdentityBoot = v.InferOutput<typeof identityBootSchema>;

/** Sealed templates per store reply at most. */
export const LOAD_BATCH_MAX = 4096;

/** Each request the parent makes, its arguments and its result: the one table both sides read. */
const ENCLAVE_OPS = {
  boot: {
    args: v.strictObject({ signer: devSignerSchema, settings: enclaveSettingsSchema, models: faceModelsSchema, identity: identityBootSchema }),
    result: v.strictObject({
      publicKey: bytes(32),
      /** Set when the enclave made a new sealing key: the parent stores it, wrapped. */
      wrappedKey: v.optional(bytes(1, 1024)),
      /** Set when the enclave made a new issuer key: the parent stores it, wrapped. */
      wrappedIssuerKey: v.optional(bytes(1, 1024)),
      /** The issuer's did:key. */
      issuer: v.pipe(v.string(), v.maxLength(256)),
    }),
  },
  openSession: {
    args: v.strictObject({ nonce: bytes(32), clientPublicKey: bytes(32), light: v.boolean(), now: time }),
    result: v.strictObject({
      sessionId: bytes(16),
      attestation: bytes(1, 64 * 1024),
      enclavePublicKey: bytes(32),
      challengeId: bytes(16),
      light: v.boolean(),
      testMode: v.boolean(),
      expiresAt: time,
    }),
  },
  sessionRequest: {
    args: v.strictObject({ sessionId: bytes(16), body: bytes(1, LIMITS.streamBody), now: time }),
    /** A boxed reply for the client, and an account's re-sealed record (its attempt count) to store before the reply is sent. New users' records are stored by `commit`. */
    result: v.strictObject({ reply: bytes(1, LIMITS.smallBody), store: v.optional(sealedRecordSchema) }),
  },
  attestIssuer: {
    args: v.strictObject({ nonce: bytes(32), now: time }),
    result: v.strictObject({ issuer: v.pipe(v.string(), v.maxLength(256)), attestation: bytes(1, 64 * 1024) }),
  },
  /** Reads what the store holds that the enclave has not loaded (at boot: everything; later: users enrolled by other instances). */
  catchUp: {
    args: v.strictObject({}),
    /** How many users the enclave holds now. */
    result: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  },
} as const;
export type EnclaveOp = keyof typeof ENCLAVE_OPS;
export type OpArgs<Op extends EnclaveOp> = v.InferOutput<(typeof ENCLAVE_OPS)[Op]["args"]>;
export type OpResult<Op extends EnclaveOp> = v.InferOutput<(typeof ENCLAVE_OPS)[Op]["result"]>;

const opNames = Object.keys(ENCLAVE_OPS) as EnclaveOp[];
const requestSchema = v.variant(
  "op",
  opNames.map((op) => v.strictObject({ id: requestId, op: v.literal(op), args: ENCLAVE_OPS[op].args })) as unknown as [
    v.StrictObjectSchema<{ id: typeof requestId; op: v.LiteralSchema<EnclaveOp, undefined>; args: v.GenericSchema }, undefined>,
  ],
);
/** A parent request, typed by its op. */
export type ParentToEnclave = { [Op in EnclaveOp]: { id: number; op: Op; args: OpArgs<Op> } }[EnclaveOp];

/**
 * What the enclave asks of the parent's store, each answered by a `StoreReply` with the
 * same `call` number:
 * - `fetch`: the sealed records under these keyed hashes, to re-rank the index's
 *   candidates (answered after every record given to store is stored);
 * - `next`: the next records stored since the last ones given (at most LOAD_BATCH_MAX;
 *   fewer means caught up): users enrolled by this or another instance;
 * - `lock`: take the enrolment lock every instance shares (answered once held);
 * - `commit`: store a new user's record under the lock, then release it (answered once
 *   durable);
 * - `release`: release the lock, storing nothing;
 * - `remove`: delete a user's record (they deleted their face data; answered once durable).
 */
const keyHashesSchema = v.pipe(v.array(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))), v.maxLength(LOAD_BATCH_MAX));
const storeCallSchema = v.variant("op", [
  v.strictObject({ call: requestId, op: v.literal("fetch"), keyHashes: keyHashesSchema }),
  v.strictObject({ call: requestId, op: v.picklist(["next", "lock", "release"]) }),
  v.strictObject({ call: requestId, op: v.literal("commit"), record: sealedRecordSchema }),
  v.strictObject({ call: requestId, op: v.literal("remove"), keyHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)) }),
]);
export type StoreCall = v.InferOutput<typeof storeCallSchema>;
const storeReplySchema = v.union([
  /** Records for fetch and next; empty for the others. */
  v.strictObject({ call: requestId, records: v.pipe(v.array(sealedRecordSchema), v.maxLength(LOAD_BATCH_MAX)) }),
  v.strictObject({ call: requestId, failed: v.literal(true) }),
]);
export type StoreReply = v.InferOutput<typeof storeReplySchema>;

/** Everything the parent sends: requests, and answers to the enclave's store calls. */
export type ToEnclave = ParentToEnclave | StoreReply;

/** Parses what arrived from the parent; null for anything malformed (the caller refuses it). */
export function parseToEnclave(message: unknown): ToEnclave | null {
  const isStoreReply = typeof message === "object" && message !== null && "call" in message;
  const parsed = isStoreReply ? v.safeParse(storeReplySchema, message) : v.safeParse(requestSchema, message);
  return parsed.success ? (parsed.output as ToEnclave) : null;
}

export type EnclaveReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; code: ApiErrorCode };
/** Everything the enclave sends: replies, and its store calls. */
export type FromEnclave = EnclaveReply | StoreCall;

const fromEnclaveSchema = v.union([
  v.strictObject({ id: v.pipe(v.number(), v.safeInteger(), v.minValue(0)), ok: v.literal(true), result: v.unknown() }),
  v.strictObject({ id: v.pipe(v.number(), v.safeInteger(), v.minValue(0)), ok: v.literal(false), code: v.picklist(Object.keys(API_ERRORS) as ApiErrorCode[]) }),
  storeCallSchema,
]);

/** Parses what arrived from the enclave; null for anything malformed. */
export function parseFromEnclave(message: unknown): FromEnclave | null {
  const parsed = v.safeParse(fromEnclaveSchema, message);
  return parsed.success ? parsed.output : null;
}

/** An op's result as the parent accepts it; null when the enclave's answer has the wrong shape. */
export function parseResult<Op extends EnclaveOp>(op: Op, result: unknown): OpResult<Op> | null {
  const parsed = v.safeParse(ENCLAVE_OPS[op].result, result);
  return parsed.success ? parsed.output : null;
}
