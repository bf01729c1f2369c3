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

const RECORD_VERSION = 1;

export interface TemplateRecord {
  userId: Uint8Array;
  entropy: Uint8Array;
  vector: Float32Array;
  created: number;
}

/** Why a sealed record or a wrapped key is refused (the API reports each as template_invalid). */
const SEAL_ERRORS = {
  record_invalid: { message: "A sealed template record was tampered with or is not ours." },
  record_moved: { message: "A sealed template record was moved under another user's hash." },
  key_unwrap_failed: { message: "The wrapped sealing key does not open under this key-encryption key." },
} as const;
export class SealError extends codedErrorClass("SealError", SEAL_ERRORS) {}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const SIZE = 1 + 16 + 32 + 8 + FACE_VECTOR_DIM * 4;

export class Sealer {
  private readonly hashKey: Uint8Array;

  constructor(private readonly key: Uint8Array) {
    this.hashKey = hmac(sha256, key, new TextEncoder().encode("facesign/v1/user-id-hash"));
  }

  keyHash(userId: Uint8Array): string {
    return hex(hmac(sha256, this.hashKey, userId));
  }

  seal(r: TemplateRecord): SealedRecord {
    const plain = new Uint8Array(SIZE);
    const view = new DataView(plain.buffer);
    plain[0] = RECORD_VERSION;
    plain.set(r.userId, 1);
    plain.set(r.entropy, 17);
    view.setFloat64(49, r.created, true);
    plain.set(new Uint8Array(r.vector.buffer, r.vector.byteOffset, FACE_VECTOR_DIM * 4), 57);
    const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
    const box = nacl.secretbox(plain, nonce, this.key);
    plain.fill(0);
    return { keyHash: this.keyHash(r.userId), sealed: new Uint8Array([...nonce, ...box]) };
  }

  unseal({ keyHash, sealed }: SealedRecord): TemplateRecord {
    const plain = nacl.secretbox.open(sealed.subarray(nacl.secretbox.nonceLength), sealed.subarray(0, nacl.secretbox.nonceLength), this.key);
    if (!plain || plain.length !== SIZE || plain[0] !== RECORD_VERSION) throw new SealError("record_invalid");
    const userId = plain.slice(1, 17);
    if (this.keyHash(userId) !== keyHash) throw new SealError("record_moved");
    const record = {
      userId,
      entropy: plain.slice(17, 49),
      created: new DataView(plain.buffer, plain.byteOffset, plain.length).getFloat64(49, true),
      vector: new Float32Array(plain.slice(57).buffer),
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
