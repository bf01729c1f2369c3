// Follows the user through the enclave's challenge, one tracked frame at a time:
// first a steady neutral baseline, then each step in order. It says which frames to
// keep (the neutral ones and each step's decisive moment) for the enclave, which
// re-measures everything itself: these thresholds only pace the user interface.
import type { ChallengeStep, FaceObservation } from "./capture-types";

export const STEP_RULES = {
  /** Frames of steady, well-placed face that make the neutral baseline. */
  baselineFrames: 4,
  turnDegrees: 15,
  pitchDegrees: 10,
  /** Eye openness below this fraction of the baseline counts as closed, above the second as open again. */
  blinkClosed: 0.65,
  blinkOpen: 0.85,
  /** Face width growth that counts as moving closer. */
  closerRatio: 1.2,
  /** How long a step is watched after it reaches its threshold, for its peak, ms. */
  followUpMs: 300,
} as const;

interface Baseline {
  yaw: number;
  pitch: number;
  eyeOpen: number;
  width: number;
}

export type RunnerEvent =
  | { kind: "baseline"; keep: boolean }
  /** `replace`: this frame replaces the step's follow-up frame kept just before (it goes further). */
  | { kind: "step"; index: number; keep: boolean; done: boolean; replace?: true }
  | { kind: "finished"; keep: false };

const medianOf = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export class ChallengeRunner {
  private readonly neutral: FaceObservation[] = [];
  private baseline: Baseline | undefined;
  /** During a blink step: the lowest eye openness seen since the eyes closed. */
  private closedEyes: number | undefined;
  /**
   * After a step reaches its threshold, the frames of the next moments are watched and
   * the one that goes furthest (turned most, eyes widest open again) is kept too: the
   * enclave, measuring on its own, sees the step at its peak rather than on the edge of
   * the threshold.
   */
  private followUp: { index: number; until: number; kept: boolean; best: number } | undefined;
  index = 0;

  constructor(readonly steps: readonly ChallengeStep[]) {}

  get finished(): boolean {
    return this.baseline !== undefined && this.index >= this.steps.length && !this.followUp;
  }

  /**
   * Feeds one frame in which the face is present, single and well placed (or, during
   * a step, at least present and single). Returns what happened and whether to keep it.
   */
  feed(obs: FaceObservation): RunnerEvent {
    if (this.finished) return { kind: "finished", keep: false };
    if (!this.baseline) return this.feedBaseline(obs);
    const f = this.followUp;
    if (f && obs.t <= f.until) {
      const amount = this.amount(this.steps[f.index]!, obs, this.baseline);
      if (f.kept && amount <= f.best) return { kind: "step", index: f.index, keep: false, done: false };
      const replace = f.kept;
      f.kept = true;
      f.best = amount;
      return { kind: "step", index: f.index, keep: true, done: false, ...(replace ? { replace: true as const } : {}) };
    }
    this.followUp = undefined;
    if (this.finished) return { kind: "finished", keep: false };
    const step = this.steps[this.index]!;
    // A blink keeps its most closed frame; the eyes open again completes it.
    if (step === "blink" && obs.eyeOpen !== undefined && obs.eyeOpen < (this.closedEyes ?? this.baseline.eyeOpen * STEP_RULES.blinkClosed)) {
      const replace = this.closedEyes !== undefined;
      this.closedEyes = obs.eyeOpen;
      return { kind: "step", index: this.index, keep: true, done: false, ...(replace ? { replace: true as const } : {}) };
    }
    const reached =
      step === "blink" ? this.closedEyes !== undefined && obs.eyeOpen !== undefined && obs.eyeOpen >= this.baseline.eyeOpen * STEP_RULES.blinkOpen : this.amount(step, obs, this.baseline) >= 1;
    if (!reached) return { kind: "step", index: this.index, keep: false, done: false };
    const index = this.index++;
    this.closedEyes = undefined;
    this.followUp = { index, until: obs.t + STEP_RULES.followUpMs, kept: false, best: -Infinity };
    return { kind: "step", index, keep: true, done: true };
  }

  private feedBaseline(obs: FaceObservation): RunnerEvent {
    if (obs.yaw === undefined || obs.pitch === undefined || obs.eyeOpen === undefined || !obs.box) return { kind: "baseline", keep: false };
    this.neutral.push(obs);
    // Keep the first and the last neutral frame: two views of the resting face.
    const keep = this.neutral.length === 1 || this.neutral.length === STEP_RULES.baselineFrames;
    if (this.neutral.length >= STEP_RULES.baselineFrames) {
      this.baseline = {
        yaw: medianOf(this.neutral.map((o) => o.yaw!)),
        pitch: medianOf(this.neutral.map((o) => o.pitch!)),
        eyeOpen: medianOf(this.neutral.map((o) => o.eyeOpen!)),
        width: medianOf(this.neutral.map((o) => o.box!.w)),
      };
    }
    return { kind: "baseline", keep };
  }

  /** Restarts the baseline (the face was lost or moved away before the challenge began). */
  resetBaseline(): void {
    if (!this.baseline) this.neutral.length = 0;
  }

  get hasBaseline(): boolean {
    return this.baseline !== undefined;
  }

  /** How far a step has gone, as a fraction of its threshold (1 = reached); for a blink, how wide the eyes are open again. */
  private amount(step: ChallengeStep, obs: FaceObservation, base: Baseline): number {
    const { yaw, pitch, box, eyeOpen } = obs;
    switch (step) {
      case "turn_left":
        return yaw === undefined ? 0 : (yaw - base.yaw) / STEP_RULES.turnDegrees;
      case "turn_right":
        return yaw === undefined ? 0 : (base.yaw - yaw) / STEP_RULES.turnDegrees;
      case "look_up":
        return pitch === undefined ? 0 : (pitch - base.pitch) / STEP_RULES.pitchDegrees;
      case "look_down":
        return pitch === undefined ? 0 : (base.pitch - pitch) / STEP_RULES.pitchDegrees;
      case "move_closer":
        return box === undefined ? 0 : box.w / base.width / STEP_RULES.closerRatio;
      case "blink":
        return eyeOpen === undefined ? 0 : eyeOpen / base.eyeOpen / STEP_RULES.blinkOpen;
    }
  }
}
