// The passkey (or the recovery code) names the account; the face must match it too (1:1). Through the real
// parent and enclave, with real faces, and a software passkey signing as a platform
// authenticator would: what an attacker with a stolen passkey, a forged or replayed
// assertion, or a rolled-back store gets is exactly a refusal.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ATTEMPTS, CALIBRATION, lockFor } from "../../enclave-service/enclave/identity/decision-policy";
import { apiScan, type RawSession } from "../support/enclave-box";
import { lfwFrames } from "../support/lfw-frames";
import { SoftwarePasskey, type AssertionOptions } from "../support/software-passkey";
import { startTestStack, type TestStack } from "../support/stack";
import { videoFrames } from "../support/video-frames";

const A = () => videoFrames("cap12_edit", 2, 2);
const A_AGAIN = () => videoFrames("cap13_edit2", 2, 2);
const B = () => videoFrames("franck", 3, 2);
const PARTNER = "https://partner.example";

describe("passkey: the account by name, the face 1:1", () => {
  let stack: TestStack;
  let origin: string;
  let skipped = 0;
  const clock = () => Date.now() + skipped;
  const passkey = new SoftwarePasskey();
  let a: { userId?: string; entropy?: string; recoveryCode?: string };
  /** A scan that signs in with `key` (A's passkey unless another is given), as this options say. */
  const scan = (images: Uint8Array[], options: Partial<AssertionOptions> = {}, key = passkey) =>
    apiScan(origin, images, { clock, signIn: (session: RawSession) => key.signIn(session, { origin, partner: PARTNER, ...options }) });

  before(async () => {
    stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" }, { now: clock });
    origin = stack.config.widgetOrigin;
    a = await apiScan(origin, A(), { clock, newPasskey: (handle) => passkey.register(handle) });
    assert.equal((a as { status: string }).status, "new");
  });
  after(() => stack.stop());

  it("A's passkey and A's face: known, the same wallet", async () => {
    const again = await scan(A_AGAIN());
    assert.deepEqual([again.status, again.userId, again.entropy], ["known", a.userId, a.entropy]);
  });

  it("a forged, misdirected or replayed assertion is refused before any face is compared", async () => {
    const forger = new SoftwarePasskey();
    const refusals = [
      await scan(A(), {}, Object.assign(forger, { accountHandle: passkey.accountHandle })), // another key, same handle
      await scan(A(), { signer: forger }),
      await scan(A(), { origin: "https://evil.example" }),
      await scan(A(), { rpId: "evil.example" }),
      await scan(A(), { clientData: { type: "webauthn.create" } }),
      await scan(A(), { clientData: { topOrigin: "https://evil.example" } }),
      // an assertion made for another session
      await apiScan(origin, A(), { clock, signIn: () => passkey.signIn({ sessionId: "AAAAAAAAAAAAAAAAAAAAAA", challengeId: "AAAAAAAAAAAAAAAAAAAAAA" } as RawSession, { origin, partner: PARTNER }) }),
    ];
    assert.deepEqual(
      refusals.map((r) => [r.status, r.reason]),
      [["rejected", "passkey_unknown"], ...Array.from({ length: 6 }, () => ["rejected", "passkey_invalid"])],
    );
    const unknown = await scan(A(), { userHandle: "AAAAAAAAAAAAAAAAAAAAAA" });
    assert.deepEqual([unknown.status, unknown.reason], ["rejected", "passkey_unknown"]);
  });

  it("B with A's passkey never gets A's wallet: each try counts, the account locks with growing back-off, and a rolled-back store does not unlock it", async () => {
    const before = await stack.store.all();
    for (let i = 1; i <= ATTEMPTS.free + 1; i++) assert.deepEqual((await scan(B())).status, "mismatch");
    // the counted failures are sealed into A's record: the parent stored an update, not a new user
    const after = await stack.store.all();
    assert.equal(after.length, before.length);
    assert.notDeepEqual(after, before);
    const locked = await scan(A_AGAIN());
    assert.equal(locked.status, "locked");
    assert.ok(Math.abs(locked.retryAt! - (clock() + lockFor(ATTEMPTS.free + 1))) < 5_000);
    // the parent puts back A's record from before the failures: the enclave still remembers them
    for (const r of before) await stack.store.update(r);
    assert.equal((await scan(A_AGAIN())).status, "locked");
    skipped += lockFor(ATTEMPTS.free + 1);
    const back = await scan(A_AGAIN());
    assert.deepEqual([back.status, back.userId], ["known", a.userId]);
    // a match clears the count: the next failure is free again
    assert.equal((await scan(B())).status, "mismatch");
    assert.equal((await scan(A_AGAIN())).status, "known");
  });

  it("past maxGallery a face alone gets account_needed, never a wallet; with the passkey it is A", async () => {
    // Strangers from LFW enrol (the test challenge has no steps) until the gallery is past maxGallery.
    for (let i = 0; (await stack.store.all()).length <= CALIBRATION.oneToMany.maxGallery; i++) await apiScan(origin, await lfwFrames(i), { clock });
    const alone = await apiScan(origin, A_AGAIN(), { clock });
    assert.deepEqual([alone.status, alone.userId, alone.entropy], ["account_needed", undefined, undefined]);
    const named = await scan(A_AGAIN());
    assert.deepEqual([named.status, named.userId], ["known", a.userId]);
  });

  it("without any passkey, the recovery code shown at enrolment names the account: A's face with it is A; B's face with it is counted; other codes name nobody", async () => {
    assert.match(a.recoveryCode!, /^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);
    const withCode = (images: Uint8Array[], recovery: string) => apiScan(origin, images, { clock, signIn: () => ({ recovery }) });
    // typed the way people type: lower case, spaces for dashes
    const back = await withCode(A_AGAIN(), a.recoveryCode!.toLowerCase().replaceAll("-", " "));
    assert.deepEqual([back.status, back.userId, back.entropy], ["known", a.userId, a.entropy]);
    assert.equal((await withCode(B(), a.recoveryCode!)).status, "mismatch");
    for (const other of ["0000-0000-0000-0000-0000-0000", "not a code"]) {
      const refused = await withCode(A_AGAIN(), other);
      assert.deepEqual([refused.status, refused.reason], ["rejected", "recovery_unknown"]);
    }
  });
});
