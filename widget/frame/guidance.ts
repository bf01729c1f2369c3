// Live guidance from one tracked frame (and the one before it): the first thing
// that stands between the user and a good capture, in order of importance.
import type { FaceObservation, Guidance } from "./capture-types";

const GUIDE = {
  minBrightness: 0.22,
  /**
   * Face width as a fraction of the camera frame's width. The preview shows the
   * middle 3:4 of a 4:3 frame, where the oval spans about 0.39 of the frame's width:
   * a face from half the oval's width to just over it is well placed.
   */
  minWidth: 0.17,
  maxWidth: 0.42,
  /** Distance of the face centre from the oval's centre, as a fraction of the frame. */
  maxOffset: 0.14,
  /** The oval's centre in the frame (the guide sits a little above the middle). */
  centre: { x: 0.5, y: 0.475 },
  /** Movement of the face centre between two tracked frames that counts as not still. */
  maxMotion: 0.04,
} as const;

export function guidanceFor(obs: FaceObservation, previous?: FaceObservation): Guidance {
  if (obs.faces === 0 || !obs.box) return obs.faces > 1 ? "multiple_faces" : "no_face";
  if (obs.faces > 1) return "multiple_faces";
  if (obs.brightness < GUIDE.minBrightness) return "too_dark";
  const { x, y, w, h } = obs.box;
  if (w < GUIDE.minWidth) return "move_closer";
  if (w > GUIDE.maxWidth) return "move_back";
  const cx = x + w / 2;
  const cy = y + h / 2;
  if (Math.hypot(cx - GUIDE.centre.x, cy - GUIDE.centre.y) > GUIDE.maxOffset) return "centre_face";
  if (previous?.box) {
    const p = previous.box;
    if (Math.hypot(cx - (p.x + p.w / 2), cy - (p.y + p.h / 2)) > GUIDE.maxMotion) return "hold_still";
  }
  return "ok";
}
