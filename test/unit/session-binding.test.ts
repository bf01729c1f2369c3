// What the frame accepts of a session's attested user_data: this session, its challenge
// and its mode. Test mode (fixed challenges) is refused by a production frame, and a
// parent cannot hide it, or invent it, without breaking the binding; nor can it drop the
// light challenge the user accepted, or impose the colours the user declined. (The
// challenge's steps and colours are not in it: the enclave reveals them inside the box.)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { toBase64url } from "../../common/base64url";
import { challengeUserData } from "../../contracts/frame-service";
import { FaceSignError } from "../../contracts/page-frame";
import { checkSessionBinding } from "../../widget/frame/enclave-client";
import { thrownCode } from "../support/thrown-code";

const [sessionId, challengeId] = [nacl.randomBytes(16), nacl.randomBytes(16)];
const session = (testMode: boolean, light = true) => ({ sessionId: toBase64url(sessionId), challenge: { id: toBase64url(challengeId), light }, testMode });
const attested = (testMode: boolean, light = true) => challengeUserData(sessionId, { id: challengeId, light }, testMode);
/** Every refusal here is attestation_invalid: the message says which check refused. */
const refusal = (act: () => void) => thrownCode(act, FaceSignError, (error) => error.message);

describe("session binding", () => {
  it("a random challenge is accepted by every frame; test mode only by a development frame", () => {
    assert.deepEqual(
      (["development", "production"] as const).flatMap((build) => [false, true].map((testMode) => refusal(() => checkSessionBinding(session(testMode), attested(testMode), build, true)))),
      ["accepted", "accepted", "accepted", "Attestation rejected: test_mode."],
    );
  });

  it("a parent that hides test mode, or claims it, breaks the binding", () => {
    for (const build of ["development", "production"] as const)
      assert.equal(
        refusal(() => checkSessionBinding(session(false), attested(true), build, true)),
        "Attestation rejected: user_data.",
      );
    assert.equal(
      refusal(() => checkSessionBinding(session(true), attested(false), "development", true)),
      "Attestation rejected: user_data.",
    );
    assert.equal(
      thrownCode(() => checkSessionBinding(session(true), attested(true), "production", true), FaceSignError),
      "attestation_invalid",
    );
  });

  it("the light challenge runs as the user chose, whatever the parent says", () => {
    // [what the parent answers, what the enclave attested, test mode, build, what the user chose] → the frame's verdict.
    const cases: [boolean, boolean, boolean, "development" | "production", boolean, string][] = [
      // The parent drops the colours from a session the user accepted them in: the attested mode bit disagrees.
      [false, true, false, "production", true, "Attestation rejected: user_data."],
      // The enclave itself was asked without them (the parent rewrote the request): attested, but not what the user chose.
      [false, false, false, "production", true, "Attestation rejected: light."],
      // Colours for a user who declined them.
      [true, true, false, "production", false, "Attestation rejected: light."],
      [false, false, false, "production", false, "accepted"],
      // Only a test-mode enclave (refused by production frames) may run without them.
      [false, false, true, "development", true, "accepted"],
    ];
    for (const [answered, attestedLight, testMode, build, chosen, verdict] of cases)
      assert.equal(
        refusal(() => checkSessionBinding(session(testMode, answered), attested(testMode, attestedLight), build, chosen)),
        verdict,
      );
  });
});
