// The iframe's pacing of the challenge and its live guidance, on synthetic tracks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ChallengeRunner, STEP_RULES } from "../../widget/frame/challenge-runner";
import { guidanceFor } from "../../widget/frame/guidance";
import type { FaceObservation } from "../../widget/frame/capture-types";
import { LIMITS } from "../../contracts/frame-service";

/** Camera frames 33 ms apart. */
let clock = 0;
const face = (over: Partial<FaceObservation> = {}): FaceObservation => ({
  t: (clock += 33),
  faces: 1,
  brightness: 0.5,
  box: { x: 0.33, y: 0.25, w: 0.34, h: 0.44 },
  yaw: 0,
  pitch: 0,
  eyeOpen: 0.3,
  ...over,
});

function settle(runner: ChallengeRunner): number {
  let kept = 0;
  for (let i = 0; i < STEP_RULES.baselineFrames; i++) if (runner.feed(face()).keep) kept++;
  return kept;
}

describe("challenge runner", () => {
  it("builds a baseline, then completes steps only in order, keeping the decisive frames", () => {
    const runner = new ChallengeRunner(["turn_left", "look_down"]);
    assert.equal(settle(runner), 2);
    // Looking down first does not count: the step is turn_left.
    assert.deepEqual(runner.feed(face({ pitch: -20 })), { kind: "step", index: 0, keep: false, done: false });
    assert.deepEqual(runner.feed(face({ yaw: 10 })), { kind: "step", index: 0, keep: false, done: false });
    assert.deepEqual(runner.feed(face({ yaw: 25 })), { kind: "step", index: 0, keep: true, done: true });
    // The next moments are watched for the movement's peak: the first frame is kept, a further one replaces it.
    assert.deepEqual(runner.feed(face({ yaw: 30 })), { kind: "step", index: 0, keep: true, done: false });
    assert.deepEqual(runner.feed(face({ yaw: 34 })), { kind: "step", index: 0, keep: true, done: false, replace: true });
    assert.deepEqual(runner.feed(face({ yaw: 20 })), { kind: "step", index: 0, keep: false, done: false });
    // Looking down within the watch still counts as the turn's moment; after it, as the next step.
    assert.deepEqual(runner.feed(face({ pitch: -15 })), { kind: "step", index: 0, keep: false, done: false });
    clock += STEP_RULES.followUpMs;
    assert.deepEqual(runner.feed(face({ pitch: -15 })), { kind: "step", index: 1, keep: true, done: true });
    assert.equal(runner.finished, false);
    for (let t = 33; t <= STEP_RULES.followUpMs; t += 33) runner.feed(face({ pitch: -18 }));
    assert.equal(runner.finished, false, "still watching the peak");
    assert.deepEqual(runner.feed(face({ pitch: -18 })), { kind: "finished", keep: false });
    assert.equal(runner.finished, true);
    assert.deepEqual(runner.feed(face()), { kind: "finished", keep: false });
  });

  it("turning the wrong way does not complete a turn", () => {
    const runner = new ChallengeRunner(["turn_right"]);
    settle(runner);
    assert.equal(runner.feed(face({ yaw: 40 })).kind === "step" && runner.finished, false);
    for (let t = 0; t <= STEP_RULES.followUpMs + 33; t += 33) runner.feed(face({ yaw: -30 }));
    assert.equal(runner.finished, true);
  });

  it("a blink needs the eyes closed and then open again, and keeps the most closed frame and the widest open one", () => {
    const runner = new ChallengeRunner(["blink"]);
    settle(runner);
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.25 })), { kind: "step", index: 0, keep: false, done: false });
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.18 })), { kind: "step", index: 0, keep: true, done: false });
    // Closing further replaces the closed frame; opening halfway neither counts nor is kept.
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.1 })), { kind: "step", index: 0, keep: true, done: false, replace: true });
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.15 })), { kind: "step", index: 0, keep: false, done: false });
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.2 })), { kind: "step", index: 0, keep: false, done: false });
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.27 })), { kind: "step", index: 0, keep: true, done: true });
    // Then the widest open frame of the next moments is kept too.
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.28 })), { kind: "step", index: 0, keep: true, done: false });
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.31 })), { kind: "step", index: 0, keep: true, done: false, replace: true });
    assert.deepEqual(runner.feed(face({ eyeOpen: 0.29 })), { kind: "step", index: 0, keep: false, done: false });
  });

  it("the longest challenge keeps no more frames than a scan may carry", () => {
    const runner = new ChallengeRunner(["blink", "turn_left", "look_up", "move_closer"]);
    let kept = settle(runner);
    const moves = [
      ...[0.2, 0.15, 0.1, 0.3, 0.32, 0.34].map((eyeOpen) => face({ eyeOpen })),
      ...[20, 25, 30].map((yaw) => face({ yaw })),
      ...[15, 20, 25].map((pitch) => face({ pitch })),
      ...[0.43, 0.47, 0.5].map((w) => face({ box: { x: 0.25, y: 0.2, w, h: w * 1.3 } })),
    ];
    // Each movement is held past its watch, so every step keeps its threshold frame and its peak.
    for (const obs of moves) {
      for (let t = 0; t <= STEP_RULES.followUpMs; t += 100) {
        const event = runner.feed({ ...obs, t: (clock += 100) });
        if (event.keep && !("replace" in event)) kept++;
      }
    }
    assert.equal(runner.finished, true);
    // 2 neutral, 3 for the blink (closed, open again, its peak), 2 for each movement.
    assert.equal(kept, 11);
    assert.ok(kept <= LIMITS.scanFrames);
  });

  it("moving closer is measured against the baseline face width", () => {
    const runner = new ChallengeRunner(["move_closer"]);
    settle(runner);
    assert.equal(runner.feed(face({ box: { x: 0.3, y: 0.2, w: 0.36, h: 0.46 } })).keep, false);
    assert.equal(runner.feed(face({ box: { x: 0.28, y: 0.2, w: 0.43, h: 0.55 } })).keep, true);
    assert.equal(runner.finished, false);
  });
});

describe("guidance", () => {
  it("names the first problem, in order of importance", () => {
    assert.equal(guidanceFor({ t: 0, faces: 0, brightness: 0.5 }), "no_face");
    assert.equal(guidanceFor(face({ faces: 2 })), "multiple_faces");
    assert.equal(guidanceFor(face({ brightness: 0.1 })), "too_dark");
    assert.equal(guidanceFor(face({ box: { x: 0.45, y: 0.4, w: 0.1, h: 0.14 } })), "move_closer");
    assert.equal(guidanceFor(face({ box: { x: 0.1, y: 0.05, w: 0.8, h: 0.9 } })), "move_back");
    assert.equal(guidanceFor(face({ box: { x: 0.02, y: 0.25, w: 0.34, h: 0.44 } })), "centre_face");
    assert.equal(guidanceFor(face(), face({ box: { x: 0.4, y: 0.25, w: 0.34, h: 0.44 } })), "hold_still");
    assert.equal(guidanceFor(face(), face()), "ok");
  });
});
