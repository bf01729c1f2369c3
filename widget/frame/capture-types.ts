// What the iframe's capture works with: the challenge's steps (named by the API), what the
// face tracker reports for each camera frame, and the guidance shown to the user.
import type { ChallengeStep } from "../../contracts/frame-service";
export type { ChallengeStep };

export type Guidance = "no_face" | "multiple_faces" | "too_dark" | "move_closer" | "move_back" | "centre_face" | "hold_still" | "ok";

/** One tracked camera frame. Geometry is normalised to the frame (0..1), angles in degrees. */
export interface FaceObservation {
  /** Capture time, ms (performance.now() of the frame). */
  t: number;
  faces: number;
  /** The single face's box, when there is exactly one. */
  box?: { x: number; y: number; w: number; h: number };
  /** Head pose: yaw > 0 when the person turns to their left, pitch > 0 when they look up. */
  yaw?: number;
  pitch?: number;
  /** Eye openness, larger when open (eye aspect ratio from the landmarks). */
  eyeOpen?: number;
  /** Mean luma of the frame, 0..1. */
  brightness: number;
}
