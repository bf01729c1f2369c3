// The phone's answer box: only the waiting frame's key opens it, only for its own
// hand-off; any altered byte, another hand-off's id or another key is handoff_tampered.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { toBase64url } from "../../common/base64url";
import type { HandoffResult } from "../../contracts/frame-service";
import { FaceSignError } from "../../contracts/page-frame";
import { openAnswer, sealAnswer } from "../../widget/frame/handoff/answer-box";
import { seededBytes, seededRandom } from "../support/seeded-random";
import { thrownCode } from "../support/thrown-code";

const code = (run: () => unknown) => thrownCode(run, FaceSignError);

describe("hand-off answer box", () => {
  const random = seededRandom(7);
  const id = toBase64url(seededBytes(random, 16));
  const result: HandoffResult = {
    handoffId: id,
    status: "known",
    userId: toBase64url(seededBytes(random, 16)),
    entropy: toBase64url(seededBytes(random, 32)),
    credential: { content: "c", encryptorPublicKey: "k", issuer: "did:key:z", publicNotes: "{}", publicNotesSignature: "s", broaderSignature: "b" },
  };
  const waiting = nacl.box.keyPair();

  it("opens for the waiting frame's key and its hand-off", () => {
    assert.deepEqual(openAnswer(sealAnswer(result, waiting.publicKey), waiting.secretKey, id), result);
  });

  it("refuses every altered character, another key, another hand-off and garbage", () => {
    const sealed = sealAnswer(result, waiting.publicKey);
    for (let i = 0; i < sealed.length; i += 7) {
      const altered = sealed.slice(0, i) + (sealed[i] === "A" ? "B" : "A") + sealed.slice(i + 1);
      assert.equal(
        code(() => openAnswer(altered, waiting.secretKey, id)),
        "handoff_tampered",
        `character ${i}`,
      );
    }
    assert.equal(
      code(() => openAnswer(sealed, nacl.box.keyPair().secretKey, id)),
      "handoff_tampered",
    );
    assert.equal(
      code(() => openAnswer(sealAnswer({ ...result, handoffId: toBase64url(seededBytes(random, 16)) }, waiting.publicKey), waiting.secretKey, id)),
      "handoff_tampered",
    );
    for (const garbage of ["", "!!", toBase64url(new Uint8Array(40))])
      assert.equal(
        code(() => openAnswer(garbage, waiting.secretKey, id)),
        "handoff_tampered",
      );
  });
});
