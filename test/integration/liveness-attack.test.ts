// The attack of issue 15, as a script on the public API with no browser, no camera and
// no live person: stills cut from a recording of person A, labelled and timed by the
// attacker. Every try fails with its own reason and no answer ever carries a wallet:
// - opening sessions to shop for a convenient challenge shows nothing of it;
// - the stills uploaded in one scan with the attacker's labels and times have no place
//   in the API any more;
// - streamed at once with the attacker's times, they claim more time than passed, or, timed
//   as a camera's, are a resting face at most: the scan before the enclave's colours and
//   steps are done is refused, and the session is over.
// (A script that streams in real time and answers each step the enclave reveals with a
// picture of A in that pose is not stopped by movements; the light challenge must stop it,
// test/integration/light-challenge.test.ts: see the README's threat model.)
// Production path: a random challenge.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { toBase64url } from "../../common/base64url";
import { boxedRoute, post, rawSession, seal, type ApiScanAnswer, type RawSession } from "../support/enclave-box";
import { startTestStack, type TestStack } from "../support/stack";
import { frameAt } from "../support/video-frames";

describe("the stills attack, over the public API", () => {
  let stack: TestStack;
  let origin: string;
  /** The attacker's stills of A (cap12_edit, measured with the engine): four at rest, one per head movement. */
  let rest: Uint8Array[];
  let stills: Record<"turn_right" | "turn_left" | "look_down" | "look_up", Uint8Array>;
  const answers: ApiScanAnswer[] = [];
  const send = async (session: RawSession, route: "stream" | "scan", request: unknown) => {
    const answer = await boxedRoute(origin, session, route, request);
    answers.push(answer);
    return answer;
  };

  before(async () => {
    stack = await startTestStack();
    origin = stack.config.widgetOrigin;
    rest = [14, 15, 16, 17].map((s) => frameAt("cap12_edit", s));
    stills = { turn_right: frameAt("cap12_edit", 19.75), turn_left: frameAt("cap12_edit", 21.25), look_down: frameAt("cap12_edit", 23.25), look_up: frameAt("cap12_edit", 24.25) };
  });
  after(async () => {
    await stack.stop();
    // No answer of any try carried a wallet.
    assert.ok(answers.length > 0);
    for (const a of answers) assert.equal(a.entropy, undefined, JSON.stringify(a));
  });

  it("opening sessions shows nothing of the challenge to shop for", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${origin}/v1/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ nonce: toBase64url(new Uint8Array(32).fill(i)), clientPublicKey: toBase64url(new Uint8Array(32).fill(9)) }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ["attestation", "challenge", "enclavePublicKey", "expiresAt", "sessionId", "testMode"]);
      // Whether the colours run, and that is the user's choice (on by default), not a shop window.
      assert.deepEqual(Object.keys(body.challenge as object), ["id", "light"]);
      assert.equal((body.challenge as { light: boolean }).light, true);
      assert.equal(body.testMode, false);
    }
  });

  it("the stills in one scan, with the attacker's labels and times, have no place in the API", async () => {
    const session = await rawSession(origin);
    const t = Date.now() - 3000;
    const frames = [rest[0]!, rest[1]!, stills.turn_right, stills.turn_left, stills.look_down, stills.look_up].map((image, i) => ({
      t: t + i * 500,
      step: i < 2 ? null : i - 2,
      image: toBase64url(image),
    }));
    assert.deepEqual(await post(origin, session.sessionId, seal(session, { type: "scan", counter: 1, frames })), { status: 400, code: "unsupported_request" });
  });

  it("streamed at once with the attacker's times, the stills claim more time than passed, or are a resting face at most", async () => {
    const images = [...rest, stills.turn_right, stills.turn_left, stills.look_down, stills.look_up];
    const batch = (spacing: number) => images.map((image, i) => ({ t: Date.now() - 4000 + i * spacing, image: toBase64url(image) }));
    // Half a second apart, as the stills were cut: 3.5 s of frames in a stream's first request.
    const hasty = await send(await rawSession(origin), "stream", { type: "frames", counter: 1, frames: batch(500) });
    assert.deepEqual([hasty.status, hasty.reason], ["rejected", "stream_clock"]);
    // Stamped 1/6 s apart, as a camera's would be.
    const session = await rawSession(origin);
    const paced = await send(session, "stream", { type: "frames", counter: 1, frames: batch(167) });
    // The enclave reveals its colours only now, with its first answer (the steps come after them): frames sent before say nothing about them.
    assert.deepEqual([paced.type, paced.stage], ["pace", "light"], JSON.stringify(paced));
    const scanned = await send(session, "scan", { type: "scan", counter: 2 });
    assert.deepEqual([scanned.status, scanned.reason], ["rejected", "too_few_frames"]);
    // The session is over: no second try in it.
    assert.deepEqual(await post(origin, session.sessionId, seal(session, { type: "frames", counter: 3, frames: [{ t: Date.now(), image: toBase64url(rest[0]!) }] })), {
      status: 404,
      code: "session_unknown",
    });
  });
});
