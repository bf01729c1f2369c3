// Recovery codes as users write and type them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { formatRecoveryCode, parseRecoveryCode, RECOVERY_CODE_BYTES } from "../../enclave-service/enclave/identity/recovery-code";

describe("recovery codes", () => {
  it("show 120 bits as six groups of four, and read back exactly", () => {
    for (let i = 0; i < 200; i++) {
      const code = nacl.randomBytes(RECOVERY_CODE_BYTES);
      const shown = formatRecoveryCode(code);
      assert.match(shown, /^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
      assert.deepEqual(parseRecoveryCode(shown), code);
    }
    assert.equal(formatRecoveryCode(new Uint8Array(RECOVERY_CODE_BYTES).fill(255)), "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
  });

  it("forgive case, spaces, dashes and the letters people misread; refuse anything else", () => {
    const code = parseRecoveryCode("0000-1111-0000-1111-0000-1111")!;
    for (const typed of ["oooo iiii OOOO llll 0000 1111", "0000111100001111000011 11", "OOOO-LLLL-0000-IIII-0000-1111"]) assert.deepEqual(parseRecoveryCode(typed), code);
    for (const wrong of ["", "0000-1111-0000-1111-0000-111", "0000-1111-0000-1111-0000-11111", "0000-1111-0000-1111-0000-111U", "0000-1111-0000-1111-0000-111!"])
      assert.equal(parseRecoveryCode(wrong), null, wrong);
  });
});
