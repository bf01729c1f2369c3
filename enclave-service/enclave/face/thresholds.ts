// Decision thresholds on FaceVector cosine similarity, measured on real faces
// (see README: `npm run bench:accuracy`). Who a scan is: identity/decision-policy.ts.
/** Two frames of one scan show the same person (the pose varies inside a scan). */
export const SAME_PERSON_THRESHOLD = 0.5;

/**
 * What counts as a challenge step performed, measured by the enclave against the
 * scan's neutral frames. A little more lenient than the iframe's pacing rules
 * (widget/frame/challenge-runner.ts), so a step the iframe saw is a step the enclave sees.
 */
export const STEP_EVIDENCE = {
  turnDegrees: 10,
  pitchDegrees: 5,
  blinkClosed: 0.75,
  blinkOpen: 0.8,
  closerRatio: 1.12,
} as const;
