// A new account only with the user's yes: the enclave proposes it under a single-use
// token bound to the session, stores nothing until the confirmation, and forgets it when
// the confirmation comes too late. Real faces, through the real parent, boxed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { toBase64url } from "../../common/base64url";
import nacl from "tweetnacl";
import { PENDING_ENROLMENT_MS } from "../../enclave-service/enclave/sessions";
import { apiScan, enrol, open, post, rawSession, seal, streamRest } from "../support/enclave-box";
import { startTestStack, type TestStack } from "../support/stack";
import { videoFrames } from "../support/video-frames";

const A = () => videoFrames("cap12_edit", 2, 2);
const A_AGAIN = () => videoFrames("cap13_edit2", 2, 2);

describe("new-account confirmation", () => {
  let stack: TestStack;
  let origin: string;
  // The parent's clock: real time, plus what the test skips.
  let skipped = 0;
  const clock = () => Date.now() + skipped;
  before(async () => {
    stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" }, { now: clock });
    origin = stack.config.widgetOrigin;
  });
  after(() => stack.stop());

  it("proposes, stores nothing, and refuses a wrong token, a second scan, and a confirmation past its lifetime, leaving nothing behind", async () => {
    const proposed = await apiScan(origin, A(), { confirm: false, clock });
    assert.equal(proposed.status, "confirm_new");
    assert.equal((await stack.store.all()).length, 0);
    const { session } = proposed;
    // another token, or this session's challenge spent a second time
    assert.deepEqual(await enrol(origin, session, toBase64url(nacl.randomBytes(16))), { status: 403, code: "enrolment_invalid" });
    assert.deepEqual(await post(origin, session.sessionId, seal(session, { type: "scan", counter: 4 })), { status: 409, code: "challenge_spent" });
    assert.deepEqual(await post(origin, session.sessionId, seal(session, { type: "frames", counter: 5, frames: [{ t: clock(), image: toBase64url(A()[0]!) }] })), {
      status: 409,
      code: "challenge_spent",
    });
    // too late: refused, forgotten, and nothing stored
    skipped += PENDING_ENROLMENT_MS;
    assert.deepEqual(await enrol(origin, session, proposed.token!, 6), { status: 410, code: "enrolment_expired" });
    assert.deepEqual(await enrol(origin, session, proposed.token!, 7), { status: 404, code: "session_unknown" });
    assert.equal((await stack.store.all()).length, 0);
    // the same face later is still nobody's
    assert.equal((await apiScan(origin, A(), { confirm: false, clock })).status, "confirm_new");
  });

  it("a token works once; the same face proposed twice at once becomes one account", async () => {
    const [first, second] = await Promise.all([apiScan(origin, A(), { confirm: false, clock }), apiScan(origin, A_AGAIN(), { confirm: false, clock })]);
    assert.deepEqual([first.status, second.status], ["confirm_new", "confirm_new"]);
    const made = open(first.session, (await enrol(origin, first.session, first.token!)).bytes!) as { status: string; userId: string; entropy: string };
    assert.equal(made.status, "new");
    assert.deepEqual(await enrol(origin, first.session, first.token!, 4), { status: 404, code: "session_unknown" });
    // the second confirmation decides again: the face is enrolled now, so it is that user
    const other = open(second.session, (await enrol(origin, second.session, second.token!)).bytes!) as { status: string; userId: string; entropy: string };
    assert.deepEqual([other.status, other.userId, other.entropy], ["known", made.userId, made.entropy]);
    assert.equal((await stack.store.all()).length, 1);
  });

  it("a scan the service fails to finish still spends the session's challenge: the same session cannot try again", async () => {
    assert.equal((await apiScan(origin, A(), { clock })).status, "known");
    const session = await rawSession(origin);
    assert.equal((await streamRest(origin, session, A(), clock())).stage, "done");
    const scan = (counter: number) => post(origin, session.sessionId, seal(session, { type: "scan", counter }));
    // the store fails the re-rank's read: the enclave cannot decide
    const get = stack.store.get;
    stack.store.get = () => Promise.reject(new Error("disk gone"));
    try {
      assert.deepEqual(await scan(2), { status: 503, code: "template_store_unavailable" });
    } finally {
      stack.store.get = get;
    }
    // with the store back, the session is still open, but its challenge was used
    assert.deepEqual(await scan(3), { status: 409, code: "challenge_spent" });
  });
});
