// The enclave's live challenge on its own analysis of real frames, streamed as the
// frame streams them (6 a second, each batch arriving a little after its capture):
// person A's recorded movements pass the challenge they happen to follow and fail any
// other order by name; a still photo, a swapped face, a gap, and device times that run
// ahead of the enclave's clock are refused by name; device clocks set an hour off either
// way change nothing; the passive anti-spoof score is advice, never a reason.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import type { ChallengeStep, Pace } from "../../contracts/frame-service";
import { FaceEngine, type FaceAnalysis } from "../../enclave-service/enclave/face/engine";
import { readFaceModels } from "../../enclave-service/parent/model-files";
import { LiveChallenge, type Refusal } from "../../enclave-service/enclave/liveness";
import { videoFrames } from "../support/video-frames";

const FPS = 6;
const GAP = 1000 / FPS;
const STEP_MS = 15_000;

interface Streaming {
  /** Added to every device time: the device's clock is that far off the enclave's. */
  skew?: number;
  /** Enclave ms between two batches (GAP: real time). */
  every?: number;
  /** How long a batch takes to reach the enclave. */
  latency?: number;
}

/** Streams analysed frames one per batch, as the frame does, and returns the last answer: a refusal, or the pace when the frames run out or the challenge is done. */
function stream(live: LiveChallenge, faces: readonly FaceAnalysis[], { skew = 0, every = GAP, latency = 60 }: Streaming = {}): Pace | Refusal {
  let answer: Pace | Refusal | undefined;
  for (const [i, face] of faces.entries()) {
    const receivedAt = 10_000 + i * every + latency;
    const t = 1_800_000_000_000 + skew + i * GAP;
    const refusal = live.receive([t], receivedAt) ?? live.feed({ t, face });
    if (refusal) return refusal;
    answer = live.pace(receivedAt + 35);
    if ("reason" in answer || answer.stage === "done") return answer;
  }
  return answer!;
}

describe("live challenge on a streamed camera", () => {
  let engine: FaceEngine;
  /** cap12_edit from 12.5 s: A faces the camera, then turns right (19.8 s), left (20.8 s), looks down (22.3 s) and up (24.3 s). */
  let personA: FaceAnalysis[];
  const analyse = (images: Uint8Array[]) => Promise.all(images.map((image) => engine.analyze(image)));
  before(async () => {
    engine = await FaceEngine.create(readFaceModels());
    personA = await analyse(videoFrames("cap12_edit", 12.5, 84, FPS));
  });

  const A_ORDER: ChallengeStep[] = ["turn_right", "turn_left", "look_down", "look_up"];

  it("passes person A's real movements when the enclave asks for them in that order", () => {
    const live = new LiveChallenge(A_ORDER, STEP_MS);
    assert.deepEqual(stream(live, personA), { stage: "done", done: 4, of: 4 });
    assert.equal(live.template().length, 512);
    assert.ok(live.passive()! > 0 && live.passive()! <= 1);
    // The passive model is advice: the same frames scored "not live" pass all the same.
    const doubted = new LiveChallenge(A_ORDER, STEP_MS);
    assert.deepEqual(
      stream(
        doubted,
        personA.map((f) => ({ ...f, liveness: 0.01 })),
      ),
      { stage: "done", done: 4, of: 4 },
    );
    assert.equal(doubted.passive(), 0.01);
  });

  it("the same recording replayed against another order fails at the first step, by name", () => {
    // A turns right while the enclave asks for left: a replay of an earlier challenge.
    assert.deepEqual(stream(new LiveChallenge(["turn_left", "turn_right"], STEP_MS), personA), { reason: "unexpected_movement", step: 0 });
    // Asked to blink, A never does within the window: the step times out.
    assert.deepEqual(stream(new LiveChallenge(["blink"], 3000), personA), { reason: "step_not_performed", step: 0 });
  });

  it("device clocks an hour ahead or behind change nothing, nor does a slow first request", () => {
    for (const skew of [3_600_000, -3_600_000]) assert.deepEqual(stream(new LiveChallenge(A_ORDER, STEP_MS), personA, { skew }), { stage: "done", done: 4, of: 4 });
    // The first request takes 2 s to arrive; the frames captured meanwhile follow quickly, then the stream is steady.
    const late = new LiveChallenge(A_ORDER, STEP_MS);
    let arrival = 2000;
    assert.equal(late.receive([0], arrival), undefined);
    for (let i = 1; i < 60; i++) {
      arrival = Math.max(i * GAP + 60, arrival + 20);
      assert.equal(late.receive([i * GAP], arrival), undefined, `frame ${i}`);
    }
  });

  it("refuses frames that claim more time than passed, a stalled stream and a late backlog", () => {
    // Frames stamped 1/6 s apart but arriving every 1/10 s: the device's clock gains on the enclave's.
    assert.deepEqual(stream(new LiveChallenge(A_ORDER, STEP_MS), personA, { every: 100 }), { reason: "stream_clock" });
    // The same frames arriving 3 s apart: the stream stalled.
    assert.deepEqual(stream(new LiveChallenge(A_ORDER, STEP_MS), personA.slice(0, 3), { every: 3000 }), { reason: "stream_gap" });
    // A slow enclave is not a stalled client: the gap runs from its answer.
    const slow = new LiveChallenge(A_ORDER, STEP_MS);
    assert.equal(slow.receive([1000], 1100) ?? slow.feed({ t: 1000, face: personA[0]! }), undefined);
    slow.pace(4000);
    assert.equal(slow.receive([1000 + GAP, 1000 + 2 * GAP], 4100), undefined);
    // A gap in the frames themselves: 1.3 s between two captures.
    const live = new LiveChallenge(A_ORDER, STEP_MS);
    assert.equal(live.receive([1000, 1000 + GAP], 2000), undefined);
    assert.deepEqual(live.receive([2500], 2600), { reason: "stream_gap" });
  });

  it("refuses a stream that never shows a face to rest on, once the step time is over", () => {
    const live = new LiveChallenge(A_ORDER, 3000);
    let refusal: Refusal | undefined;
    for (let i = 0; !refusal && i < 60; i++) refusal = live.receive([i * GAP], i * GAP + 60) ?? live.feed({ t: i * GAP, missing: "no_face" });
    assert.deepEqual(refusal, { reason: "no_steady_face" });
  });

  it("refuses a still photo, a repeated frame and a swapped face", async () => {
    const [photo] = await analyse(videoFrames("cap12_edit", 5, 1));
    assert.deepEqual(stream(new LiveChallenge(A_ORDER, STEP_MS), [photo!, photo!, photo!]), { reason: "frozen_stream" });
    // One repeated frame is a camera converting its frame rate (25 to 30 a second), not a still: the stream goes on.
    const once = [...personA.slice(0, 6), personA[5]!, ...personA.slice(6)];
    assert.deepEqual(stream(new LiveChallenge(A_ORDER, STEP_MS), once), { stage: "done", done: 4, of: 4 });
    const b = await analyse(videoFrames("franck", 3, 2, FPS));
    // Person B replaces A after the first step was issued (two frames: one alone could be a blurred turn).
    assert.deepEqual(stream(new LiveChallenge(A_ORDER, STEP_MS), [...personA.slice(0, 10), ...b]), { reason: "different_person", step: 0 });
    // A cut: the next picture has A's face a face width and more to the side.
    const next = videoFrames("cap12_edit", 12.5 + 10 / FPS, 1)[0]!;
    const wider = await sharp(next).extend({ left: 120, background: "#000" }).toBuffer();
    const shifted = await sharp(wider).extract({ left: 0, top: 0, width: 400, height: 300 }).jpeg().toBuffer();
    const [cut] = await analyse([new Uint8Array(shifted)]);
    assert.deepEqual(stream(new LiveChallenge(A_ORDER, STEP_MS), [...personA.slice(0, 10), cut!]), { reason: "implausible_motion", step: 0 });
  });

  it("reveals one step at a time, and only once the face is back at rest", () => {
    const live = new LiveChallenge(A_ORDER, STEP_MS);
    const seen: string[] = [];
    for (const [i, face] of personA.entries()) {
      const t = i * GAP;
      assert.equal(live.receive([t], t + 60) ?? live.feed({ t, face }), undefined);
      const pace = live.pace(t + 95) as Pace;
      const label = pace.stage === "step" ? pace.step : pace.stage;
      if (seen.at(-1) !== label) seen.push(label);
    }
    assert.deepEqual(seen, ["hold", "turn_right", "hold", "turn_left", "hold", "look_down", "hold", "look_up", "done"]);
  });
});
