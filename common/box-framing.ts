// The frame ↔ enclave box: nonce(24) ‖ nacl.box of the UTF-8 JSON message, under the
// session's shared key (nacl.box.before). Written once for both ends and the tests.
import nacl from "tweetnacl";

const BOX_NONCE_BYTES = nacl.box.nonceLength;

export function sealBox(message: unknown, sharedKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const nonce = nacl.randomBytes(BOX_NONCE_BYTES);
  const box = nacl.box.after(new TextEncoder().encode(typeof message === "string" ? message : JSON.stringify(message)), nonce, sharedKey);
  const out = new Uint8Array(BOX_NONCE_BYTES + box.length);
  out.set(nonce);
  out.set(box, BOX_NONCE_BYTES);
  return out;
}

/** The plaintext bytes, or null for anything that is not a box under this key. The caller wipes them. */
export function openBox(sealed: Uint8Array, sharedKey: Uint8Array): Uint8Array | null {
  if (sealed.length <= BOX_NONCE_BYTES + nacl.box.overheadLength) return null;
  return nacl.box.open.after(sealed.subarray(BOX_NONCE_BYTES), sealed.subarray(0, BOX_NONCE_BYTES), sharedKey);
}
