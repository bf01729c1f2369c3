// Templates at rest: each record is sealed (XSalsa20-Poly1305, nacl.secretbox) under
// a key only the enclave holds. The one plaintext the parent sees is a keyed hash of
// the user id, which the sealed record repeats, so a record moved under another
// user's hash is refused on unsealing.
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import nacl from "tweetnacl";
import { FACE_VECTOR_DIM } from "./registry-types";
import type { SealedRecord } from "../../../contracts/parent-enclave";
import { codedErrorClass } from "../../../contracts/coded-error";

const RECORD_VERSION = 2;

export interface TemplateRecord {
  userId: Uint8Array;
  entropy: Uint8Array;
  vector: Float32Array;
  created: number;
  /** The user handle of the account's passkey: random, so it says nothing of the user id or the face. */
  handle: Uint8Array;
  /** The keyed hash of the account's recovery code (Sealer.recoveryHash): the code itself is only ever shown to the user. */
  recovery: Uint8Array;
  /** The account's passkey: its credential id and P-256 public key (65-byte point). */
  passkey?: { credentialId: Uint8Array; publicKey: Uint8Array };
  /** Failed 1:1 attempts since the last match, and the time until which the account is locked. */
  failures: number;
  lockedUntil: number;
}

/** Why a sealed record or a wrapped key is refused (the API reports each as template_invalid). */
const SEAL_ERRORS = {
  record_invalid: { message: "A sealed template record was tampered with or is not ours." },
  record_moved: { message: "A sealed template record was moved under another user's hash." },
  key_unwrap_failed: { message: "The wrapped sealing key does not open under this key-encryption key." },
} as const;
export class SealError extends codedErrorClass("SealError", SEAL_ERRORS) {}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
/** version ‖ user id ‖ entropy ‖ created (f64) ‖ vector (f32) ‖ handle ‖ recovery hash ‖ failures (u32) ‖ locked until (f64) ‖ passkey key length (u8) ‖ key ‖ credential id length (u16) ‖ id */
const FIXED = 1 + 16 + 32 + 8 + FACE_VECTOR_DIM * 4 + 16 + 32 + 4 + 8 + 1 + 2;
const AT = { userId: 1, entropy: 17, created: 49, vector: 57, handle: 57 + FACE_VECTOR_DIM * 4 } as const;
const AT_RECOVERY = AT.handle + 16;
const AT_FAILURES = AT_RECOVERY + 32;
const AT_LOCKED = AT_FAILURES + 4;
const AT_KEY = AT_LOCKED + 8;

export class Sealer {
  private readonly hashKey: Uint8Array;
  private readonly recoveryKey: Uint8Array;

  constructor(private readonly key: Uint8Array) {
    this.hashKey = hmac(sha256, key, new TextEncoder().encode("facesign/v1/user-id-hash"));
    this.recoveryKey = hmac(sha256, key, new TextEncoder().encode("facesign/v1/recovery-code-hash"));
  }

  keyHash(userId: Uint8Array): string {
    return hex(hmac(sha256, this.hashKey, userId));
  }

  /** What a record keeps of a recovery code: a hash under a key only the enclave holds, so a stolen store cannot test guesses. */
  recoveryHash(code: Uint8Array): Uint8Array {
    return hmac(sha256, this.recoveryKey, code);
  }

  seal(r: TemplateRecord): SealedRecord {
    const key = r.passkey?.publicKey ?? new Uint8Array(0);
    const id = r.passkey?.credentialId ?? new Uint8Array(0);
    const plain = new Uint8Array(FIXED + key.length + id.length);
    const view = new DataView(plain.buffer);
    plain[0] = RECORD_VERSION;
    plain.set(r.userId, AT.userId);
    plain.set(r.entropy, AT.entropy);
    view.setFloat64(AT.created, r.created, true);
    plain.set(new Uint8Array(r.vector.buffer, r.vector.byteOffset, FACE_VECTOR_DIM * 4), AT.vector);
    plain.set(r.handle, AT.handle);
    plain.set(r.recovery, AT_RECOVERY);
    view.setUint32(AT_FAILURES, r.failures, true);
    view.setFloat64(AT_LOCKED, r.lockedUntil, true);
    plain[AT_KEY] = key.length;
    plain.set(key, AT_KEY + 1);
    view.setUint16(AT_KEY + 1 + key.length, id.length, true);
    plain.set(id, AT_KEY + 3 + key.length);
    const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
    const box = nacl.secretbox(plain, nonce, this.key);
    plain.fill(0);
    return { keyHash: this.keyHash(r.userId), sealed: new Uint8Array([...nonce, ...box]) };
  }

  unseal({ keyHash, sealed }: SealedRecord): TemplateRecord {
    const plain = nacl.secretbox.open(sealed.subarray(nacl.secretbox.nonceLength), sealed.subarray(0, nacl.secretbox.nonceLength), this.key);
    if (!plain || plain.length < FIXED || plain[0] !== RECORD_VERSION) throw new SealError("record_invalid");
    const view = new DataView(plain.buffer, plain.byteOffset, plain.length);
    const keyLength = plain[AT_KEY]!;
    const idLength = plain.length >= AT_KEY + 3 + keyLength ? view.getUint16(AT_KEY + 1 + keyLength, true) : -1;
    if (plain.length !== FIXED + keyLength + idLength || (keyLength === 0) !== (idLength === 0)) throw new SealError("record_invalid");
    const userId = plain.slice(AT.userId, AT.entropy);
    if (this.keyHash(userId) !== keyHash) throw new SealError("record_moved");
    const record: TemplateRecord = {
      userId,
      entropy: plain.slice(AT.entropy, AT.created),
      created: view.getFloat64(AT.created, true),
      vector: new Float32Array(plain.slice(AT.vector, AT.handle).buffer),
      handle: plain.slice(AT.handle, AT_RECOVERY),
      recovery: plain.slice(AT_RECOVERY, AT_FAILURES),
      failures: view.getUint32(AT_FAILURES, true),
      lockedUntil: view.getFloat64(AT_LOCKED, true),
      ...(keyLength ? { passkey: { publicKey: plain.slice(AT_KEY + 1, AT_KEY + 1 + keyLength), credentialId: plain.slice(AT_KEY + 3 + keyLength) } } : {}),
    };
    plain.fill(0);
    return record;
  }
}

/** The sealing key, wrapped under a key-encryption key (AWS KMS in production; see the README). */
export function wrapKey(key: Uint8Array, kek: Uint8Array): Uint8Array {
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  return new Uint8Array([...nonce, ...nacl.secretbox(key, nonce, kek)]);
}

export function unwrapKey(wrapped: Uint8Array, kek: Uint8Array): Uint8Array {
  const key = nacl.secretbox.open(wrapped.subarray(nacl.secretbox.nonceLength), wrapped.subarray(0, nacl.secretbox.nonceLength), kek);
  if (!key) throw new SealError("key_unwrap_failed");
  return key;
}
