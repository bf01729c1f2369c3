export const FACE_VECTOR_DIM = 512;
