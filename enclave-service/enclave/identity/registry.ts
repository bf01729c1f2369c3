// 1:N identity in enclave memory: the records, and their FaceVectors in the sharded
// int8 index whose answers equal exact f32 search. Identifications run one at a time
// (a queue), so two scans of the same new face cannot both miss and make two ids.
import nacl from "tweetnacl";
import type { TemplateRecord } from "./sealing";
import { VectorIndex } from "./vector-index";

export interface RandomSource {
  /** Production: the NSM's GetRandom; locally the platform CSPRNG. */
  bytes(n: number): Uint8Array;
}
export const csprng: RandomSource = { bytes: (n) => nacl.randomBytes(n) };

export type Identity = { status: "known" | "new"; record: TemplateRecord };

export class Registry {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly records: TemplateRecord[], private readonly index: VectorIndex, private readonly random: RandomSource) {}

  /** Rows of the index are positions in `records`, so the re-rank reads their exact vectors. */
  static async create(random: RandomSource = csprng, shards?: number): Promise<Registry> {
    const records: TemplateRecord[] = [];
    return new Registry(records, await VectorIndex.create((row) => records[row]!.vector, shards), random);
  }

  get size(): number {
    return this.records.length;
  }

  add(record: TemplateRecord): void {
    this.index.add(record.vector);
    this.records.push(record);
  }

  /** Known when the best exact match reaches the threshold; otherwise a new user, enrolled now. */
  identify(vector: Float32Array, threshold: number, now: number): Promise<Identity> {
    const run = this.queue.then(async (): Promise<Identity> => {
      const best = await this.index.best(vector, threshold);
      if (best) return { status: "known", record: this.records[best.row]! };
      const record: TemplateRecord = { userId: this.random.bytes(16), entropy: this.random.bytes(32), vector: Float32Array.from(vector), created: now };
      this.add(record);
      return { status: "new", record };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.index.close();
  }
}
