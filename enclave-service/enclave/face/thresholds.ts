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
 * face at the stream's start (enclave-service/enclave/liveness.ts). Clear of a resting
 * head's wander (person A's pitch drifts 7° while facing the camera, cap12_edit), well
 * inside a deliberate movement (A and B turn and nod 21–25°).
 */
export const STEP_EVIDENCE = {
  turnDegrees: 15,
  pitchDegrees: 10,
  blinkClosed: 0.75,
  blinkOpen: 0.8,
  closerRatio: 1.15,
} as const;
