// The phone's answer to the waiting frame: the scan's outcome, boxed to the x25519 key
// the waiting frame put in the QR code's fragment, from a key made for this one answer.
// Wire: ephemeral public key (32) ‖ nonce (24) ‖ nacl.box, base64url. The box names
// its hand-off, so an answer cannot be replayed into another.
import nacl from "tweetnacl";
import * as v from "valibot";
import { handoffResultSchema, type HandoffResult } from "../../../contracts/frame-service";
import { FaceSignError } from "../../../contracts/page-frame";
import { fromBase64url, toBase64url } from "../../../common/base64url";
import { openBox, sealBox } from "../../../common/box-framing";

const KEY_BYTES = nacl.box.publicKeyLength;

export function sealAnswer(result: HandoffResult, waitingPublicKey: Uint8Array): string {
  const ephemeral = nacl.box.keyPair();
  const shared = nacl.box.before(waitingPublicKey, ephemeral.secretKey);
  ephemeral.secretKey.fill(0);
  const sealed = sealBox(result, shared);
  shared.fill(0);
  const out = new Uint8Array(KEY_BYTES + sealed.length);
  out.set(ephemeral.publicKey);
  out.set(sealed, KEY_BYTES);
  return toBase64url(out);
}

/** The result inside `answer`, if it is a box to this key for this hand-off; handoff_tampered otherwise. */
export function openAnswer(answer: string, secretKey: Uint8Array, handoffId: string): HandoffResult {
  const bytes = fromBase64url(answer);
  if (!bytes || bytes.length <= KEY_BYTES) throw new FaceSignError("handoff_tampered");
  const shared = nacl.box.before(bytes.subarray(0, KEY_BYTES), secretKey);
  const plain = openBox(bytes.subarray(KEY_BYTES), shared);
  shared.fill(0);
  if (!plain) throw new FaceSignError("handoff_tampered");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(plain));
  } catch {
    parsed = null;
  } finally {
    plain.fill(0);
  }
  const result = v.safeParse(handoffResultSchema, parsed);
  if (!result.success || result.output.handoffId !== handoffId) throw new FaceSignError("handoff_tampered");
  return result.output;
}
