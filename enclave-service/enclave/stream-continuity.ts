// Whether each analysed frame of a camera stream continues the one before it: the same
// person as the stream's first face, not the same picture again, no jump in place or
// pose that a live head cannot make in the time between them. The answer is the rule
// broken. Measured on every frame of the live videos (`npm run bench:stream`).
import type { ScanRejection } from "../../contracts/frame-service";
import { cosine, type FaceAnalysis } from "./face/engine";
import { SAME_PERSON_THRESHOLD } from "./face/thresholds";

const CONTINUITY = {
  /**
   * Each face is compared with the first when it is turned less than `yaw` degrees away
   * from it: one face in profile and frontal is not reliably alike. `mismatches` frames in
   * a row under SAME_PERSON_THRESHOLD are another person (one blurred frame in a fast turn
   * is not).
   */
  samePerson: { yaw: 30, mismatches: 2 },
  /** Past this yaw the pose estimate saturates (a profile): its rotation says nothing of speed. */
  profileYaw: 85,
  /** Between consecutive frames: the face's centre moves at most base + perSecond face widths, the head turns at most base + perSecond degrees. */
  move: { base: 0.3, perSecond: 3 },
  rotate: { base: 20, perSecond: 250 },
  /** This many repeated pictures in a row are a still image: one alone is a camera pipeline that converted its frame rate. */
  repeats: 2,
} as const;

/** A face's head pose and size (width normalised to the frame). */
export interface Pose {
  yaw: number;
  pitch: number;
  width: number;
}
interface Seen extends Pose {
  t: number;
  x: number;
  y: number;
  landmarks: FaceAnalysis["landmarks"];
}

export class StreamContinuity {
  private anchor: { vector: Float32Array; yaw: number } | undefined;
  private last: Seen | undefined;
  /** Comparable frames in a row that did not match the first. */
  private mismatches = 0;
  /** Frames in a row that repeated the picture before. */
  private repeats = 0;

  /** The pose of the latest face checked. */
  get current(): Pose | undefined {
    return this.last;
  }

  /** Checks a face seen at device time `t` (ms) against the stream so far; the first face becomes the one all are compared with. */
  check(face: FaceAnalysis, t: number): ScanRejection | undefined {
    const x = (face.box.x0 + face.box.x1) / 2;
    const y = (face.box.y0 + face.box.y1) / 2;
    const width = face.box.x1 - face.box.x0;
    const last = this.last;
    this.last = { t, x, y, width, yaw: face.yaw, pitch: face.pitch, landmarks: face.landmarks };
    const anchor = (this.anchor ??= { vector: Float32Array.from(face.vector), yaw: face.yaw });
    if (Math.abs(face.yaw - anchor.yaw) <= CONTINUITY.samePerson.yaw) this.mismatches = cosine(face.vector, anchor.vector) < SAME_PERSON_THRESHOLD ? this.mismatches + 1 : 0;
    if (this.mismatches >= CONTINUITY.samePerson.mismatches) return "different_person";
    if (!last) return undefined;
    // A camera's sensor never sees the same picture twice; the engine is deterministic, so equal landmarks are a repeated image.
    const repeated = face.landmarks.every((p, i) => p[0] === last.landmarks[i]?.[0] && p[1] === last.landmarks[i]?.[1]);
    this.repeats = repeated ? this.repeats + 1 : 0;
    if (this.repeats >= CONTINUITY.repeats) return "frozen_stream";
    const seconds = (t - last.t) / 1000;
    const moved = Math.hypot(x - last.x, y - last.y) / Math.max(width, last.width);
    const profile = Math.max(Math.abs(face.yaw), Math.abs(last.yaw)) >= CONTINUITY.profileYaw;
    const turned = profile ? 0 : Math.max(Math.abs(face.yaw - last.yaw), Math.abs(face.pitch - last.pitch));
    if (moved > CONTINUITY.move.base + CONTINUITY.move.perSecond * seconds || turned > CONTINUITY.rotate.base + CONTINUITY.rotate.perSecond * seconds) return "implausible_motion";
    return undefined;
  }

  /** Forgets the stream (a new start, or its end): the next face is the first. */
  wipe(): void {
    this.anchor?.vector.fill(0);
    this.anchor = undefined;
    this.last = undefined;
    this.mismatches = 0;
    this.repeats = 0;
  }
}
