// Follows one face from frame to frame on its landmarks, as face-mesh trackers do, so
// that most frames need only the landmark model (about 2 ms) and not the detector
// (about 25 ms): the tracker then keeps up with the camera, and a blink of a few
// frames is seen even on a slow device. The detector still runs on a fixed period, to
// notice a second face and to re-anchor the box, and whenever the landmarks stop
// looking like the face they followed.
import type { Box, Point } from "../../../common/face-geometry";

export const FOLLOW_RULES = {
  /** A followed face is detected afresh at least this often, ms. */
  redetectMs: 250,
  /** The landmarks may move this far from where they were at the detection (fraction of the box's width) … */
  maxShift: 0.25,
  /** … and change their width by this factor at most; beyond, the face is detected again. */
  maxScale: 1.3,
} as const;

interface Anchor {
  /** The detector's box … */
  box: Box;
  /** … and the centre and width of the landmarks read in it. */
  centre: Point;
  width: number;
}

/** Centre of the landmarks, and the width they span. */
const spread = (points: readonly Point[]) => {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { centre: [xs.reduce((a, b) => a + b, 0) / xs.length, ys.reduce((a, b) => a + b, 0) / ys.length] as Point, width: Math.max(...xs) - Math.min(...xs) || 1e-6 };
};

export class FaceFollower {
  private anchor: Anchor | undefined;
  private next: Box | undefined;
  private detectedAt = -Infinity;

  /** The box to read this frame's landmarks in without detecting, while the face is followed and the detection is recent. */
  region(t: number): Box | undefined {
    return this.next && t - this.detectedAt < FOLLOW_RULES.redetectMs ? this.next : undefined;
  }

  /** A detection of exactly one face, and the landmarks read in its box. */
  detected(box: Box, points: readonly Point[], t: number): void {
    this.anchor = { box, ...spread(points) };
    this.next = box;
    this.detectedAt = t;
  }

  /**
   * Landmarks read in the region: if they still describe the face that was detected, the
   * next frame is read in the detector's box moved with them (its size is the
   * detector's: the landmark model reads a face best as the detector frames it) and
   * true is returned; otherwise the face is no longer followed and the caller detects.
   */
  followed(points: readonly Point[]): boolean {
    const a = this.anchor;
    if (!a) return false;
    const { centre, width } = spread(points);
    const dx = centre[0] - a.centre[0];
    const dy = centre[1] - a.centre[1];
    const boxWidth = a.box.x1 - a.box.x0;
    const moved = Math.hypot(dx, dy) / boxWidth;
    const scale = width / a.width;
    const held = moved <= FOLLOW_RULES.maxShift && scale <= FOLLOW_RULES.maxScale && scale >= 1 / FOLLOW_RULES.maxScale;
    this.next = held ? { ...a.box, x0: a.box.x0 + dx, x1: a.box.x1 + dx, y0: a.box.y0 + dy, y1: a.box.y1 + dy } : undefined;
    return held;
  }

  /** No single face: nothing to follow. */
  lost(): void {
    this.next = undefined;
  }
}
