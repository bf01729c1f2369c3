// 1:N identity in enclave memory: every enrolled FaceVector in one contiguous f32
// matrix, searched exactly. identify() is synchronous, so in the enclave's single
// event loop no other scan can enrol between the search and the append: two scans
// of the same new face cannot make two ids.
import nacl from "tweetnacl";
import { FACE_VECTOR_DIM } from "./registry-types";
import type { TemplateRecord } from "./sealing";

export interface RandomSource {
  /** Production: the NSM's GetRandom; locally the platform CSPRNG. */
  bytes(n: number): Uint8Array;
}
export const csprng: RandomSource = { bytes: (n) => nacl.randomBytes(n) };

export type Identity = { status: "known" | "new"; record: TemplateRecord };

export class Registry {
  private matrix = new Float32Array(FACE_VECTOR_DIM * 64);
  private readonly records: TemplateRecord[] = [];

  constructor(private readonly random: RandomSource = csprng) {}

  get size(): number {
    return this.records.length;
  }

  add(record: TemplateRecord): void {
    if (record.vector.length !== FACE_VECTOR_DIM) throw new RangeError("FaceVector must have 512 dimensions");
    if ((this.records.length + 1) * FACE_VECTOR_DIM > this.matrix.length) {
      const grown = new Float32Array(this.matrix.length * 2);
      grown.set(this.matrix);
      this.matrix = grown;
    }
    this.matrix.set(record.vector, this.records.length * FACE_VECTOR_DIM);
    this.records.push(record);
  }

  /** The best match's index and cosine similarity (vectors are unit length), exact. */
  search(vector: Float32Array): { index: number; score: number } {
    let best = { index: -1, score: -Infinity };
    const m = this.matrix;
    for (let r = 0; r < this.records.length; r++) {
      let s = 0;
      const o = r * FACE_VECTOR_DIM;
      for (let i = 0; i < FACE_VECTOR_DIM; i++) s += m[o + i]! * vector[i]!;
      if (s > best.score) best = { index: r, score: s };
    }
    return best;
  }

  /** Known when the best match reaches the threshold; otherwise a new user, enrolled now. */
  identify(vector: Float32Array, threshold: number, now: number): Identity {
    const best = this.search(vector);
    if (best.index >= 0 && best.score >= threshold) return { status: "known", record: this.records[best.index]! };
    const record: TemplateRecord = { userId: this.random.bytes(16), entropy: this.random.bytes(32), vector: Float32Array.from(vector), created: now };
    this.add(record);
    return { status: "new", record };
  }
}
