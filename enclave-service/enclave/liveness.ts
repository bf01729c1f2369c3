// The live challenge, paced and judged by the enclave on a continuous camera stream.
// With its first answer the enclave reveals its colours, which the frame's window shows
// in turn while the skin must reflect them (light.ts) and the resting face is taken;
// then each step, only when the previous one is done and the face is back at rest, so
// nothing recorded or chosen before can follow it; every frame is
// analysed here, in the order it came, and must continue the one before it
// (stream-continuity.ts), with no gap and device times that keep pace with the enclave's
// own clock. The answer names the failed rule and step, never a number. The
// passive anti-spoof score is not a rule: it is at chance on the attacks we measured
// (README), so it only travels back to the user's own frame as advice.
import type { ChallengeStep, LightSpan, Pace, ScanRejection } from "../../contracts/frame-service";
import type { FaceAnalysis } from "./face/engine";
import type { FaceError } from "./face/errors";
import { STEP_EVIDENCE } from "./face/thresholds";
import { StreamContinuity, type Pose } from "./stream-continuity";
import { LightReading } from "./light";

/** The stream's rules. Times in ms: device times between frames, the enclave's clock between requests. */
export const STREAM = {
  /** Frames closer than this: more than about 12 a second, more than the enclave analyses. */
  minFrameGapMs: 80,
  /** The frame sends 6 a second; a longer silence between two frames is a cut (a loaded phone can stall for a few frames). */
  maxFrameGapMs: 800,
  /** From the enclave's answer to the next request, by the enclave's clock (its own analysis time is not the client's gap). */
  maxReceiveGapMs: 2500,
  /** How much older than the freshest batch's a batch's newest frame may arrive (a client that fell behind). */
  maxLagMs: 3000,
  /**
   * The device's clock may not run faster than the enclave's: the frames' span may exceed
   * the time the enclave saw pass since the first request by `clockRate` times it plus
   * `clockSlackMs` (the first batch's own span, and a slow first connection).
   */
  clockRate: 1.1,
  clockSlackMs: 3000,
  /** The resting face the steps are measured against: this many frames with one face, over at least baselineSpanMs. */
  baselineFrames: 4,
  baselineSpanMs: 400,
  /** After the baseline, a face may be missing from the frames this long at most. */
  maxFaceGapMs: 1000,
  /** Frames one session may send at most (a minute and a half at 10 a second). */
  maxFrames: 900,
  /** Back at rest: the last step's movement below this fraction of its threshold. */
  restBelow: 0.5,
  /** Another movement than the one asked: the opposite one past its threshold, or one on the other axis past crossAxis thresholds. */
  opposite: 1,
  crossAxis: 2,
} as const;
/** The longest step window the enclave grants, whatever its settings say. */
export const STEP_MS_MAX = 20_000;

export type StreamFrame = { t: number; face: FaceAnalysis } | { t: number; missing: Extract<FaceError["code"], "no_face" | "multiple_faces"> };
export interface Refusal {
  reason: ScanRejection;
  step?: number;
}

interface Rest {
  yaw: number;
  pitch: number;
  eyeOpen: number;
  width: number;
}
type Stage =
  /** Collecting the resting face. */
  | { kind: "baseline"; since?: number }
  /** The resting face is taken; the colours are still being read. */
  | { kind: "light" }
  /** Step `index` is next; its window opens when the enclave answers (`pace`). */
  | { kind: "step"; index: number; issuedAt?: number; closedEyes?: boolean }
  /** Step `index - 1` is done; waiting for the face to rest. */
  | { kind: "rest"; index: number; since: number }
  | { kind: "done" }
  | { kind: "refused"; refusal: Refusal };

const POSE_AXIS: Partial<Record<ChallengeStep, { axis: "yaw" | "pitch"; opposite: ChallengeStep }>> = {
  turn_left: { axis: "yaw", opposite: "turn_right" },
  turn_right: { axis: "yaw", opposite: "turn_left" },
  look_up: { axis: "pitch", opposite: "look_down" },
  look_down: { axis: "pitch", opposite: "look_up" },
};
const POSES = Object.keys(POSE_AXIS) as ChallengeStep[];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** How far a movement has gone from rest, in thresholds (1 = performed); a blink is judged on its own. */
function amount(step: ChallengeStep, pose: Pose, rest: Rest): number {
  switch (step) {
    case "turn_left":
      return (pose.yaw - rest.yaw) / STEP_EVIDENCE.turnDegrees;
    case "turn_right":
      return (rest.yaw - pose.yaw) / STEP_EVIDENCE.turnDegrees;
    case "look_up":
      return (pose.pitch - rest.pitch) / STEP_EVIDENCE.pitchDegrees;
    case "look_down":
      return (rest.pitch - pose.pitch) / STEP_EVIDENCE.pitchDegrees;
    case "move_closer":
      return (pose.width / rest.width - 1) / (STEP_EVIDENCE.closerRatio - 1);
    case "blink":
      return 0;
  }
}

export class LiveChallenge {
  private stage: Stage = { kind: "baseline" };
  private readonly baseline: { face: FaceAnalysis; vector: Float32Array; t: number }[] = [];
  private rest: Rest | undefined;
  private readonly continuity = new StreamContinuity();
  private lastT: number | undefined;
  private lastFaceT: number | undefined;
  private frames = 0;
  private passiveSum = 0;
  private passiveCount = 0;
  /** The enclave's clock minus the device's, at its smallest: device time → enclave time. */
  private offset: number | undefined;
  /** The stream's first frame (device clock) and its first request's arrival (the enclave's). */
  private start: { t: number; receivedAt: number } | undefined;
  /** When the enclave last answered (pace), by its clock. */
  private answeredAt: number | undefined;
  /** The colours, read from the answer that revealed them (`pace`) on; `lit` once they passed (or there are none). */
  private reading: LightReading | undefined;
  private lit: boolean;

  constructor(
    private readonly steps: readonly ChallengeStep[],
    private readonly stepMs: number,
    /** The light challenge's colours; none when the user declined them (a longer `steps` instead). */
    private readonly light: readonly LightSpan[] = [],
  ) {
    this.lit = light.length === 0;
  }

  get finished(): boolean {
    return this.stage.kind === "done";
  }

  /** Still collecting the resting face: the frames the passive score is taken on (advice only, so not on every frame). */
  get resting(): boolean {
    return this.stage.kind === "baseline";
  }

  /** A batch's device times, checked against the enclave's clock when it arrived, before any image is analysed. */
  receive(times: readonly number[], receivedAt: number): Refusal | undefined {
    if (this.stage.kind === "refused") return this.stage.refusal;
    this.frames += times.length;
    if (this.frames > STREAM.maxFrames) return this.refuse("too_few_frames");
    if (this.answeredAt !== undefined && receivedAt - this.answeredAt > STREAM.maxReceiveGapMs) return this.refuse("stream_gap");
    let previous = this.lastT;
    for (const t of times) {
      if (previous !== undefined) {
        if (t - previous > STREAM.maxFrameGapMs) return this.refuse("stream_gap");
        if (t - previous < STREAM.minFrameGapMs) return this.refuse("stream_clock");
      }
      previous = t;
    }
    this.lastT = previous;
    const start = (this.start ??= { t: times[0]!, receivedAt });
    // A device clock that gains on the enclave's claims frames over more time than passed.
    if (previous! - start.t > STREAM.clockRate * (receivedAt - start.receivedAt) + STREAM.clockSlackMs) return this.refuse("stream_clock");
    const lag = receivedAt - previous!;
    this.offset = Math.min(this.offset ?? lag, lag);
    if (lag - this.offset > STREAM.maxLagMs) return this.refuse("stream_gap");
    return undefined;
  }

  /** One frame of the batch, analysed, in order. */
  feed(frame: StreamFrame): Refusal | undefined {
    const stage = this.stage;
    if (stage.kind === "refused") return stage.refusal;
    if (stage.kind === "done") return undefined;
    if (stage.kind === "baseline") {
      // The resting face has the step time from the stream's first frame, with a face or not.
      stage.since ??= this.toEnclave(frame.t);
      if (this.toEnclave(frame.t) - stage.since > this.stepMs) return this.refuse("no_steady_face");
    }
    const index = stage.kind === "step" || stage.kind === "rest" ? stage.index : undefined;
    if ("missing" in frame) {
      if (stage.kind === "baseline") return this.restartBaseline();
      if (frame.missing === "multiple_faces") return this.refuse("multiple_faces", index);
      return frame.t - this.lastFaceT! > STREAM.maxFaceGapMs ? this.refuse("no_face", index) : undefined;
    }
    const { face, t } = frame;
    const broken = this.continuity.check(face, t);
    if (broken) return this.refuse(broken, index);
    this.lastFaceT = t;
    if (face.liveness !== undefined) {
      this.passiveSum += face.liveness;
      this.passiveCount++;
    }
    switch (stage.kind) {
      case "baseline":
        return this.readLight(face, t) ?? this.collectBaseline(face, t);
      case "light":
        return this.readLight(face, t);
      case "step":
        return this.judgeStep(stage, face, this.toEnclave(t));
      case "rest":
        if (this.toEnclave(t) - stage.since > this.stepMs) return this.refuse("no_steady_face");
        if (amount(this.steps[stage.index - 1]!, this.continuity.current!, this.rest!) < STREAM.restBelow) this.stage = { kind: "step", index: stage.index };
        return undefined;
    }
  }

  /** What the user does now; a step issued here opens its window at `now` (the enclave's clock, as the answer leaves). */
  pace(now: number): Pace | Refusal {
    this.answeredAt = now;
    const stage = this.stage;
    const of = this.steps.length;
    switch (stage.kind) {
      case "baseline":
      case "light":
        if (this.lit) return { stage: "hold", done: 0, of };
        // The colours show while the resting face is taken: neither waits for the other.
        this.reading ??= new LightReading(this.light, now);
        return { stage: "light", done: 0, of, colours: [...this.light] };
      case "rest":
        return { stage: "hold", done: stage.index, of };
      case "done":
        return { stage: "done", done: of, of };
      case "refused":
        return stage.refusal;
      case "step":
        stage.issuedAt ??= now;
        // Frames stopped coming for this step long ago: refused without waiting for one.
        if (now - stage.issuedAt > this.stepMs + STREAM.maxLagMs) return this.refuse("step_not_performed", stage.index);
        return { stage: "step", done: stage.index, of, step: this.steps[stage.index]! };
    }
  }

  /** The template: the resting face's mean vector, unit length. */
  template(): Float32Array {
    const vector = new Float32Array(this.baseline[0]!.vector.length);
    for (const b of this.baseline) for (let i = 0; i < vector.length; i++) vector[i]! += b.vector[i]!;
    const norm = Math.hypot(...vector);
    return vector.map((x) => x / norm);
  }

  /** The passive model's mean "live" probability over the frames it ran on, to two places: advice, never a decision. */
  passive(): number | undefined {
    return this.passiveCount ? Math.round((100 * this.passiveSum) / this.passiveCount) / 100 : undefined;
  }

  /** Forgets the faces it holds (the session ends, or the resting face starts over). */
  wipe(): void {
    for (const b of this.baseline) b.vector.fill(0);
    this.baseline.length = 0;
    this.continuity.wipe();
  }

  private refuse(reason: ScanRejection, step?: number): Refusal {
    const refusal = step === undefined ? { reason } : { reason, step };
    this.stage = { kind: "refused", refusal };
    return refusal;
  }

  private toEnclave(t: number): number {
    return t + this.offset!;
  }

  private restartBaseline(): undefined {
    this.wipe();
    return undefined;
  }

  private collectBaseline(face: FaceAnalysis, t: number): Refusal | undefined {
    this.baseline.push({ face: { ...face, vector: new Float32Array(0) }, vector: Float32Array.from(face.vector), t });
    if (this.baseline.length < STREAM.baselineFrames || t - this.baseline[0]!.t < STREAM.baselineSpanMs) return undefined;
    const faces = this.baseline.map((b) => b.face);
    this.rest = {
      yaw: median(faces.map((f) => f.yaw)),
      pitch: median(faces.map((f) => f.pitch)),
      eyeOpen: median(faces.map((f) => f.eyeOpen)),
      width: median(faces.map((f) => f.quality.faceWidth)),
    };
    this.stage = this.lit ? this.firstStep() : { kind: "light" };
    return undefined;
  }

  private firstStep(): Stage {
    return this.steps.length ? { kind: "step", index: 0 } : { kind: "done" };
  }

  private readLight(face: FaceAnalysis, t: number): Refusal | undefined {
    const reading = this.reading;
    // Frames taken before the colours were revealed say nothing about them.
    if (this.lit || !reading || this.toEnclave(t) < reading.revealedAt) return undefined;
    if (this.toEnclave(t) <= reading.closesAt) reading.add(t, face.light);
    const verdict = reading.verdict(t, this.offset!);
    if (verdict === false) return this.refuse("light_not_reflected");
    if (verdict) {
      this.lit = true;
      if (this.stage.kind === "light") this.stage = this.firstStep();
    }
    return undefined;
  }

  private judgeStep(stage: Extract<Stage, { kind: "step" }>, face: FaceAnalysis, at: number): Refusal | undefined {
    // Frames taken before the user could have seen the step say nothing about it.
    if (stage.issuedAt === undefined || at < stage.issuedAt) return undefined;
    if (at - stage.issuedAt > this.stepMs) return this.refuse("step_not_performed", stage.index);
    const step = this.steps[stage.index]!;
    const rest = this.rest!;
    const pose = POSE_AXIS[step];
    for (const other of POSES) {
      if (other === step) continue;
      const limit = other === pose?.opposite ? STREAM.opposite : STREAM.crossAxis;
      if (amount(other, this.continuity.current!, rest) >= limit) return this.refuse("unexpected_movement", stage.index);
    }
    if (step === "blink") {
      // Closed, then open again: a photo's eyes do neither. (A blink is too quick to be seen on its way.)
      if (face.eyeOpen <= rest.eyeOpen * STEP_EVIDENCE.blinkClosed) stage.closedEyes = true;
      if (!stage.closedEyes || face.eyeOpen < rest.eyeOpen * STEP_EVIDENCE.blinkOpen) return undefined;
    } else {
      if (amount(step, this.continuity.current!, rest) < 1) return undefined;
    }
    const index = stage.index + 1;
    this.stage = index === this.steps.length ? { kind: "done" } : { kind: "rest", index, since: at };
    return undefined;
  }
}
