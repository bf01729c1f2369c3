// 1:N identity in enclave memory. The enclave keeps, per enrolled user, only the int8
// row of the sharded index and the keyed hash of their sealed record (about 560 bytes:
// 10M users fit in 6 GB). The few rows the index names as candidates are re-ranked
// with their exact f32 vectors, read from their sealed records, which the parent
// fetches from its store and the enclave unseals: a record that is tampered with, or
// moved under another user's hash, is refused. Identifications run one at a time (a
// queue), so two scans of the same new face cannot both miss and make two ids.
import nacl from "tweetnacl";
import type { Sealer, TemplateRecord } from "./sealing";
import type { SealedRecord } from "../../../contracts/parent-enclave";
import { exactBest, VectorIndex } from "./vector-index";

export interface RandomSource {
  /** Production: the NSM's GetRandom; locally the platform CSPRNG. */
  bytes(n: number): Uint8Array;
}
const csprng: RandomSource = { bytes: (n) => nacl.randomBytes(n) };

/** The parent's store as the enclave sees it. The parent answers only after every record it was given to store is stored. */
export interface TemplateSource {
  /** The sealed records stored under these keyed hashes; a hash with no record is left out. */
  fetch(keyHashes: string[]): Promise<SealedRecord[]>;
}

export type Identity = { status: "known"; record: TemplateRecord } | { status: "new"; record: TemplateRecord; sealed: SealedRecord };

const HASH_BYTES = 32;
/** Records fetched per request to the parent. */
const FETCH_BATCH = 512;

const wipe = (r: TemplateRecord) => {
  r.vector.fill(0);
  r.entropy.fill(0);
};

export class Registry {
  private queue: Promise<unknown> = Promise.resolve();
  /** Row i's keyed hash at [32i, 32i + 32). */
  private hashes = new Uint8Array(HASH_BYTES * 1024);

  private constructor(
    private readonly index: VectorIndex,
    private readonly sealer: Sealer,
    private readonly source: TemplateSource,
    private readonly random: RandomSource,
  ) {}

  static async create({ sealer, source, random = csprng, shards }: { sealer: Sealer; source: TemplateSource; random?: RandomSource; shards?: number }): Promise<Registry> {
    return new Registry(await VectorIndex.create(shards), sealer, source, random);
  }

  get size(): number {
    return this.index.size;
  }

  /** A stored record joins the index (at boot); its vector and entropy are not kept. */
  load(sealed: SealedRecord): void {
    const record = this.sealer.unseal(sealed);
    this.append(record.vector, sealed.keyHash);
    wipe(record);
  }

  /** Known when the best exact match reaches the threshold; otherwise a new user, enrolled now, with the sealed record the parent must store. */
  identify(vector: Float32Array, threshold: number, now: number): Promise<Identity> {
    const run = this.queue.then(async (): Promise<Identity> => {
      const rows = await this.index.candidates(vector, threshold);
      const records = await this.fetch(rows);
      const best = exactBest(rows, (row) => records.get(row)?.vector, vector, threshold);
      for (const [row, r] of records) if (row !== best?.row) wipe(r);
      if (best) {
        const record = records.get(best.row)!;
        record.vector.fill(0);
        return { status: "known", record };
      }
      const record: TemplateRecord = { userId: this.random.bytes(16), entropy: this.random.bytes(32), vector: Float32Array.from(vector), created: now };
      const sealed = this.sealer.seal(record);
      this.append(record.vector, sealed.keyHash);
      record.vector.fill(0);
      return { status: "new", record, sealed };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.index.close();
  }

  private append(vector: Float32Array, keyHash: string): void {
    const row = this.index.add(vector);
    if ((row + 1) * HASH_BYTES > this.hashes.length) {
      const grown = new Uint8Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes.set(Buffer.from(keyHash, "hex"), row * HASH_BYTES);
  }

  private hashOf(row: number): string {
    return Buffer.from(this.hashes.subarray(row * HASH_BYTES, (row + 1) * HASH_BYTES)).toString("hex");
  }

  /** The candidates' records, unsealed (a record that fails its checks throws SealError). */
  private async fetch(rows: readonly number[]): Promise<Map<number, TemplateRecord>> {
    const records = new Map<number, TemplateRecord>();
    for (let i = 0; i < rows.length; i += FETCH_BATCH) {
      const batch = rows.slice(i, i + FETCH_BATCH);
      const rowOf = new Map(batch.map((row) => [this.hashOf(row), row]));
      for (const sealed of await this.source.fetch([...rowOf.keys()])) {
        const row = rowOf.get(sealed.keyHash);
        if (row !== undefined) records.set(row, this.sealer.unseal(sealed));
      }
    }
    return records;
  }
}
