// The enclave's liveness rules on its own analysis of real frames: person A's
// measured head movements pass in order; a photo cannot pass 20 random challenges;
// another person, a reordered or an out-of-session scan are refused by name; the passive
// anti-spoof score is advice, never a reason.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import type { ChallengeStep } from "../../contracts/frame-service";
import { drawChallenge } from "../../enclave-service/enclave/challenge";
import { FaceEngine } from "../../enclave-service/enclave/face/engine";
import { readFaceModels } from "../../enclave-service/parent/model-files";
import { passiveScore, verifyLiveness, type AnalysedFrame } from "../../enclave-service/enclave/liveness";
import { frameAt } from "../support/video-frames";

describe("liveness verification", () => {
  let engine: FaceEngine;
  const T0 = 1_800_000_000_000;
  const session = { openedAt: T0 - 1000, now: T0 + 60_000 };
  before(async () => (engine = await FaceEngine.create(readFaceModels())));

  const analyse = async (frames: { image: Uint8Array; step: number | null }[]): Promise<AnalysedFrame[]> =>
    Promise.all(frames.map(async (f, i) => ({ t: T0 + i * 400, step: f.step, face: await engine.analyze(f.image) })));

  // Measured with the engine, 4 frames a second (see test/e2e/liveness-scan.test.ts).
  const personA = async () => ({
    neutral: [frameAt("cap12_edit", 16), frameAt("cap12_edit", 17)],
    turn_right: frameAt("cap12_edit", 19.75),
    turn_left: frameAt("cap12_edit", 21.25),
    look_down: frameAt("cap12_edit", 23.25),
    look_up: frameAt("cap12_edit", 24.25),
  });

  it("passes person A's real movements in the challenge's order", async () => {
    const a = await personA();
    const steps: ChallengeStep[] = ["turn_right", "turn_left", "look_down", "look_up"];
    const frames = await analyse([...a.neutral.map((image) => ({ image, step: null })), ...steps.map((s, i) => ({ image: a[s as keyof typeof a] as Uint8Array, step: i }))]);
    const verdict = verifyLiveness(frames, steps, session);
    assert.equal(verdict.pass, true, JSON.stringify(verdict));
    // The passive model is advice: the same frames scored "not live" pass all the same, and the score is reported.
    const doubted = frames.map((f) => ({ ...f, face: { ...f.face, liveness: 0.01 } }));
    assert.equal(verifyLiveness(doubted, steps, session).pass, true);
    assert.equal(passiveScore(doubted), 0.01);
  });

  it("refuses the same frames presented for another order of steps", async () => {
    const a = await personA();
    const frames = await analyse([...a.neutral.map((image) => ({ image, step: null })), { image: a.turn_right, step: 0 }, { image: a.turn_left, step: 1 }]);
    assert.deepEqual(verifyLiveness(frames, ["turn_left", "turn_right"], session), { pass: false, reason: "step_not_performed", step: 0 });
  });

  it("a still photo fails each of 20 random challenges", async () => {
    const photo = frameAt("cap12_edit", 5);
    // The photo brought closer to the camera: the one step a photo can fake.
    const closer = new Uint8Array(await sharp(photo).extract({ left: 50, top: 38, width: 300, height: 225 }).resize(400, 300).jpeg().toBuffer());
    const neutral = await analyse([{ image: photo, step: null }]);
    const still = neutral[0]!.face;
    const near = (await analyse([{ image: closer, step: 0 }]))[0]!.face;
    for (let n = 0; n < 20; n++) {
      const steps = drawChallenge();
      const frames: AnalysedFrame[] = [{ t: T0, step: null, face: still }, ...steps.map((s, i) => ({ t: T0 + (i + 1) * 500, step: i, face: s === "move_closer" ? near : still }))];
      const verdict = verifyLiveness(frames, steps, session);
      assert.equal(verdict.pass, false, `challenge ${steps.join(",")} passed`);
      assert.equal(verdict.pass === false && verdict.reason, "step_not_performed");
    }
  });

  it("refuses another person, frames out of order, and frames from outside the session", async () => {
    const a = await personA();
    const b = frameAt("franck", 3);
    const mixed = await analyse([
      { image: a.neutral[0]!, step: null },
      { image: b, step: 0 },
    ]);
    assert.deepEqual(verifyLiveness(mixed, ["turn_right"], session), { pass: false, reason: "different_person", step: 0 });
    const frames = await analyse([
      { image: a.neutral[0]!, step: null },
      { image: a.turn_right, step: 0 },
    ]);
    assert.deepEqual(verifyLiveness([frames[1]!, frames[0]!], ["turn_right"], session), { pass: false, reason: "out_of_order" });
    assert.deepEqual(verifyLiveness(frames, ["turn_right"], { openedAt: T0 + 10_000, now: T0 + 20_000 }), { pass: false, reason: "outside_session" });
    assert.deepEqual(verifyLiveness(frames.slice(0, 1), ["turn_right"], session), { pass: false, reason: "too_few_frames" });
  });
});
