// What the frame accepts of a session's attested user_data: this session, its challenge
// and its mode. Test mode (fixed challenges) is refused by a production frame, and a
// parent cannot hide it, or invent it, without breaking the binding. (The challenge's
// steps are not in it: the enclave reveals them one by one, inside the box.)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { toBase64url } from "../../common/base64url";
import { challengeUserData } from "../../contracts/frame-service";
import { FaceSignError } from "../../contracts/page-frame";
import { checkSessionBinding } from "../../widget/frame/enclave-client";
import { thrownCode } from "../support/thrown-code";

const [sessionId, challengeId] = [nacl.randomBytes(16), nacl.randomBytes(16)];
const session = (testMode: boolean) => ({ sessionId: toBase64url(sessionId), challenge: { id: toBase64url(challengeId) }, testMode });
const attested = (testMode: boolean) => challengeUserData(sessionId, challengeId, testMode);
/** Every refusal here is attestation_invalid: the message says which check refused. */
const refusal = (act: () => void) => thrownCode(act, FaceSignError, (error) => error.message);

describe("session binding", () => {
  it("a random challenge is accepted by every frame; test mode only by a development frame", () => {
    assert.deepEqual(
      (["development", "production"] as const).flatMap((build) => [false, true].map((testMode) => refusal(() => checkSessionBinding(session(testMode), attested(testMode), build)))),
      ["accepted", "accepted", "accepted", "Attestation rejected: test_mode."],
    );
  });

  it("a parent that hides test mode, or claims it, breaks the binding", () => {
    for (const build of ["development", "production"] as const)
      assert.equal(
        refusal(() => checkSessionBinding(session(false), attested(true), build)),
        "Attestation rejected: user_data.",
      );
    assert.equal(
      refusal(() => checkSessionBinding(session(true), attested(false), "development")),
      "Attestation rejected: user_data.",
    );
    assert.equal(
      thrownCode(() => checkSessionBinding(session(true), attested(true), "production"), FaceSignError),
      "attestation_invalid",
    );
  });
});
