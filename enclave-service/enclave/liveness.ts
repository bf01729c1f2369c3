// Verifies a scan against its session's challenge, on the enclave's own analysis of
// every frame: one face in each, the same person throughout, each step performed in
// order (pose, eye openness and face size measured against the neutral frames), times
// inside the session. The answer names the failed rule and step, never a number. The
// passive anti-spoof score is not a rule: it is at chance on the attacks we measured
// (README), so it only travels back to the user's own frame as advice.
import type { ChallengeStep, ScanRejection } from "../../contracts/frame-service";
import { cosine, type FaceAnalysis } from "./face/engine";
import { SAME_PERSON_THRESHOLD, STEP_EVIDENCE } from "./face/thresholds";

export interface AnalysedFrame {
  t: number;
  step: number | null;
  face: FaceAnalysis;
}

/** The passive model's mean "live" probability over the scan's frames, to two places: advice shown to the user's frame, never a decision. */
export const passiveScore = (frames: readonly AnalysedFrame[]): number => Math.round((100 * frames.reduce((s, f) => s + f.face.liveness, 0)) / frames.length) / 100;

export type LivenessVerdict = { pass: true; vector: Float32Array } | { pass: false; reason: ScanRejection; step?: number };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function performed(step: ChallengeStep, frames: AnalysedFrame[], base: { yaw: number; pitch: number; eyeOpen: number; width: number }): boolean {
  const f = frames.map((x) => x.face);
  switch (step) {
    case "turn_left":
      return f.some((x) => x.yaw - base.yaw >= STEP_EVIDENCE.turnDegrees);
    case "turn_right":
      return f.some((x) => base.yaw - x.yaw >= STEP_EVIDENCE.turnDegrees);
    case "look_up":
      return f.some((x) => x.pitch - base.pitch >= STEP_EVIDENCE.pitchDegrees);
    case "look_down":
      return f.some((x) => base.pitch - x.pitch >= STEP_EVIDENCE.pitchDegrees);
    case "move_closer":
      return f.some((x) => x.quality.faceWidth >= base.width * STEP_EVIDENCE.closerRatio);
    case "blink": {
      // Closed, then open again: a photo's eyes do neither.
      const closedAt = f.findIndex((x) => x.eyeOpen <= base.eyeOpen * STEP_EVIDENCE.blinkClosed);
      return closedAt >= 0 && f.slice(closedAt + 1).some((x) => x.eyeOpen >= base.eyeOpen * STEP_EVIDENCE.blinkOpen);
    }
  }
}

export function verifyLiveness(frames: AnalysedFrame[], steps: readonly ChallengeStep[], session: { openedAt: number; now: number }): LivenessVerdict {
  const neutral = frames.filter((f) => f.step === null);
  if (neutral.length === 0 || steps.some((_, i) => !frames.some((f) => f.step === i))) return { pass: false, reason: "too_few_frames" };
  for (let i = 1; i < frames.length; i++) {
    const prev = frames[i - 1]!;
    const cur = frames[i]!;
    if (cur.t <= prev.t || (cur.step ?? -1) < (prev.step ?? -1)) return { pass: false, reason: "out_of_order", ...(cur.step !== null ? { step: cur.step } : {}) };
  }
  if (frames[0]!.t < session.openedAt || frames[frames.length - 1]!.t > session.now) return { pass: false, reason: "outside_session" };

  const anchor = neutral[0]!.face.vector;
  for (const f of frames) if (cosine(anchor, f.face.vector) < SAME_PERSON_THRESHOLD) return { pass: false, reason: "different_person", ...(f.step !== null ? { step: f.step } : {}) };

  const base = {
    yaw: median(neutral.map((f) => f.face.yaw)),
    pitch: median(neutral.map((f) => f.face.pitch)),
    eyeOpen: median(neutral.map((f) => f.face.eyeOpen)),
    width: median(neutral.map((f) => f.face.quality.faceWidth)),
  };
  for (let i = 0; i < steps.length; i++) {
    if (
      !performed(
        steps[i]!,
        frames.filter((f) => f.step === i),
        base,
      )
    )
      return { pass: false, reason: "step_not_performed", step: i };
  }
  // The template: the mean of the neutral frames' vectors, unit length.
  const vector = new Float32Array(anchor.length);
  for (const f of neutral) for (let i = 0; i < vector.length; i++) vector[i]! += f.face.vector[i]!;
  const norm = Math.hypot(...vector);
  return { pass: true, vector: vector.map((x) => x / norm) };
}
