// Decision thresholds on FaceVector cosine similarity, measured on real faces
// (see README: `npm run bench:accuracy`). Who a scan is: identity/decision-policy.ts.
/**
 * Two frames of one camera stream show the same person: low, for a stream's poses and
 * motion blur (on the six live videos at 6 frames a second no frame of the person turned
 * less than 30° from the first falls under it: `npm run bench:stream`); two people's
 * faces score under 0.3 (test/integration/face-engine.test.ts).
 */
export const SAME_PERSON_THRESHOLD = 0.35;

/**
 * What counts as a challenge step performed, measured by the enclave against the resting
 * face at the stream's start (enclave-service/enclave/liveness.ts).
 */
export const STEP_EVIDENCE = {
  turnDegrees: 10,
  pitchDegrees: 5,
  blinkClosed: 0.75,
  blinkOpen: 0.8,
  closerRatio: 1.12,
} as const;
