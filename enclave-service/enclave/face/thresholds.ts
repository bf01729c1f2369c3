// Decision thresholds on FaceVector cosine similarity, measured on real faces
// (see README: `npm run bench:accuracy`, `npm run bench:dedup`).
/** Two frames of one scan show the same person (the pose varies inside a scan). */
export const SAME_PERSON_THRESHOLD = 0.5;
