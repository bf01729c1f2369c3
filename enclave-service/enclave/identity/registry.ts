// 1:N identity in enclave memory. The enclave keeps, per enrolled user, only the int8
// row of the sharded index and the keyed hash of their sealed record (about 560 bytes:
// 10M users fit in 6 GB). The few rows the index names as candidates are re-ranked
// with their exact f32 vectors, read from their sealed records, which the parent
// fetches from its store and the enclave unseals: a record that is tampered with, or
// moved under another user's hash, is refused. Identifications run one at a time (a
// queue), so two scans of the same new face cannot both miss and make two ids.
import nacl from "tweetnacl";
import type { Sealer, TemplateRecord } from "./sealing";
import { LOAD_BATCH_MAX, type SealedRecord } from "../../../contracts/parent-enclave";
import { calibratedPolicy, lockFor, type Candidate, type Decision, type DecisionPolicy } from "./decision-policy";
import { dot } from "./quantize";
import { VectorIndex } from "./vector-index";

export interface RandomSource {
  /** Production: the NSM's GetRandom; locally the platform CSPRNG. */
  bytes(n: number): Uint8Array;
}
const csprng: RandomSource = { bytes: (n) => nacl.randomBytes(n) };

/**
 * The parent's store as the enclave sees it (contracts/parent-enclave.ts, StoreCall),
 * shared with the other instances of the service when there are several.
 */
export interface TemplateSource {
  /** The sealed records stored under these keyed hashes; a hash with no record is left out. */
  fetch(keyHashes: string[]): Promise<SealedRecord[]>;
  /** The next records stored since the last ones given (fewer than LOAD_BATCH_MAX: caught up). */
  next(): Promise<SealedRecord[]>;
  /** Takes the enrolment lock that every instance shares. */
  lock(): Promise<void>;
  /** Stores a new user's record under the lock and releases it. */
  commit(record: SealedRecord): Promise<void>;
  /** Releases the lock, storing nothing. */
  release(): Promise<void>;
  /** Deletes a user's record; resolves once the deletion is durable. */
  remove(keyHash: string): Promise<void>;
}

/** `sealed`: a record the parent must store (a new user's, or an account whose attempt count changed). */
export type Identity =
  | { status: "known"; record: TemplateRecord; sealed?: SealedRecord }
  /** A new user, whose record is stored. */
  | { status: "enrolled"; record: TemplateRecord }
  /** Nobody near: a new user, once confirmed (`enrol`). */
  | { status: "new" }
  | { status: "ambiguous" | "account_needed" }
  /** A failed 1:1 attempt, counted. */
  | { status: "mismatch"; sealed: SealedRecord }
  | { status: "locked"; retryAt: number }
  /** The passkey or recovery code names no account here, or the signature is not the account's passkey's. */
  | { status: "passkey_unknown" | "passkey_invalid" | "recovery_unknown" };

/**
 * What names an account for a 1:1 check: its passkey (by user handle, with the check of
 * the assertion against the account's key), or its recovery code (by keyed hash).
 */
export type NamedAccount = { by: "passkey"; handle: Uint8Array; credentialId: Uint8Array; verify(publicKey: Uint8Array): boolean } | { by: "recovery"; codeHash: Uint8Array };

/** A new account's naming parts: the handle the enclave drew, its recovery code's keyed hash, and the passkey the user made (if any). */
export interface NewAccount {
  handle: Uint8Array;
  recovery: Uint8Array;
  passkey?: TemplateRecord["passkey"];
}

const HASH_BYTES = 32;
/** Records fetched per request to the parent. */
const FETCH_BATCH = 512;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const wipe = (r: TemplateRecord) => {
  r.vector.fill(0);
  r.entropy.fill(0);
};

export class Registry {
  /** Decisions run one at a time, so two scans of one new face cannot both miss each other. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Row i's keyed hash at [32i, 32i + 32). */
  private hashes = new Uint8Array(HASH_BYTES * 1024);
  /** Account handle (hex) → row, and recovery code hash (hex) → row: how an account is named. */
  private readonly handles = new Map<string, number>();
  private readonly recoveries = new Map<string, number>();
  /**
   * Failed 1:1 attempts counted since boot, by row. The sealed record keeps the count
   * across restarts; this copy keeps a parent that hands back an older record from
   * resetting it while the enclave runs.
   */
  private readonly attempts = new Map<number, { failures: number; lockedUntil: number }>();
  /** Keyed hashes of users this registry enrolled, until the store's sequence gives them back (they are indexed already). */
  private readonly own = new Set<string>();

  private constructor(
    private readonly index: VectorIndex,
    private readonly sealer: Sealer,
    private readonly source: TemplateSource,
    private readonly random: RandomSource,
    private readonly policy: DecisionPolicy,
  ) {}

  static async create({
    sealer,
    source,
    random = csprng,
    shards,
    policy = calibratedPolicy,
  }: {
    sealer: Sealer;
    source: TemplateSource;
    random?: RandomSource;
    shards?: number;
    /** Tests and benches may decide by another rule; the enclave uses the calibrated one. */
    policy?: DecisionPolicy;
  }): Promise<Registry> {
    return new Registry(await VectorIndex.create(shards), sealer, source, random, policy);
  }

  get size(): number {
    return this.index.size;
  }

  /**
   * Loads every record the store holds that this registry has not (at boot, all of them;
   * later, users enrolled elsewhere); each decision does the same first. Returns the size.
   */
  catchUp(): Promise<number> {
    return this.serially(async () => {
      await this.pull();
      return this.size;
    });
  }

  /**
   * What the policy decides for this scan. Known: the user's record (vector wiped). New
   * is only a proposal here: nothing is stored until `enrol`.
   */
  identify(vector: Float32Array): Promise<Identity> {
    return this.serially(async () => {
      await this.pull();
      const { decision, records } = await this.decide(vector);
      return this.answer(decision, records) ?? { status: "new" };
    });
  }

  /**
   * Enrols a confirmed new user under the store's enrolment lock, deciding again first,
   * after reading every user stored until then: a face enrolled since the proposal (the
   * same person scanning twice at once, here or through another instance) makes this a
   * known user, not a second one. The record is stored before it joins the index.
   */
  enrol(vector: Float32Array, now: number, account: NewAccount): Promise<Exclude<Identity, { status: "new" }>> {
    return this.serially(async () => {
      await this.source.lock();
      let stored = false;
      try {
        await this.pull();
        const { decision, records } = await this.decide(vector);
        const decided = this.answer(decision, records);
        if (decided) return decided;
        const record = this.newRecord(vector, now, account);
        const sealed = this.sealer.seal(record);
        await this.source.commit(sealed);
        stored = true;
        this.own.add(sealed.keyHash);
        this.append(record, sealed.keyHash);
        record.vector.fill(0);
        return { status: "enrolled", record };
      } finally {
        // A failed release leaves the lock to the store's own limits; the caller hears of the first failure.
        if (!stored) await this.source.release().catch(() => undefined);
      }
    });
  }

  private newRecord(vector: Float32Array, now: number, account: NewAccount): TemplateRecord {
    return {
      userId: this.random.bytes(16),
      entropy: this.random.bytes(32),
      vector: Float32Array.from(vector),
      created: now,
      handle: account.handle,
      recovery: account.recovery,
      ...(account.passkey ? { passkey: account.passkey } : {}),
      failures: 0,
      lockedUntil: 0,
    };
  }

  /**
   * The 1:1 decision for the account a passkey or recovery code names: the passkey's
   * signature first, then the account's lock, then this face against its template alone.
   * Failures count toward the lock (one count for both ways in); a match clears them.
   */
  identifyNamed(vector: Float32Array, named: NamedAccount, now: number): Promise<Identity> {
    return this.serially(async () => {
      await this.pull();
      const row = named.by === "passkey" ? this.handles.get(hex(named.handle)) : this.recoveries.get(hex(named.codeHash));
      const record = row === undefined ? undefined : (await this.fetch([row])).get(row);
      if (row === undefined || !record) return { status: named.by === "passkey" ? "passkey_unknown" : "recovery_unknown" };
      try {
        if (named.by === "passkey") {
          if (!record.passkey || !equal(record.passkey.credentialId, named.credentialId)) return { status: "passkey_unknown" };
          if (!named.verify(record.passkey.publicKey)) return { status: "passkey_invalid" };
        }
        const seen = this.attempts.get(row);
        const attempts = { failures: Math.max(record.failures, seen?.failures ?? 0), lockedUntil: Math.max(record.lockedUntil, seen?.lockedUntil ?? 0) };
        if (now < attempts.lockedUntil) return { status: "locked", retryAt: attempts.lockedUntil };
        if (!this.policy.matchesNamed(dot(record.vector, vector))) {
          const failures = attempts.failures + 1;
          const counted = { failures, lockedUntil: now + lockFor(failures) };
          this.attempts.set(row, counted);
          return { status: "mismatch", sealed: this.sealer.seal({ ...record, ...counted }) };
        }
        this.attempts.delete(row);
        const cleared = attempts.failures > 0 ? this.sealer.seal({ ...record, failures: 0, lockedUntil: 0 }) : undefined;
        return { status: "known", record, ...(cleared ? { sealed: cleared } : {}) };
      } finally {
        record.vector.fill(0);
      }
    });
  }

  /**
   * Deletes the user a fresh scan just identified (their record, as `identify` or
   * `identifyNamed` gave it): the store deletes the sealed record first, then the row
   * leaves the index (its codes zeroed: no query can name it again) with its account
   * names. Other instances lose the user as their re-rank finds no record; every
   * instance's index is without it after a restart. False when the user is not here.
   */
  forget({ handle, recovery }: TemplateRecord): Promise<boolean> {
    return this.serially(async () => {
      const row = this.handles.get(hex(handle));
      if (row === undefined) return false;
      await this.source.remove(this.hashOf(row));
      this.index.clear(row);
      this.handles.delete(hex(handle));
      this.recoveries.delete(hex(recovery));
      this.attempts.delete(row);
      this.hashes.fill(0, row * HASH_BYTES, (row + 1) * HASH_BYTES);
      return true;
    });
  }

  async close(): Promise<void> {
    await this.index.close();
  }

  /** Indexes what the store gives since the last pull, skipping this registry's own enrolments. */
  private async pull(): Promise<void> {
    for (;;) {
      const records = await this.source.next();
      for (const sealed of records) {
        if (this.own.delete(sealed.keyHash)) continue;
        const record = this.sealer.unseal(sealed);
        this.append(record, sealed.keyHash);
        wipe(record);
      }
      if (records.length < LOAD_BATCH_MAX) return;
    }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Every enrolled template that can sway the decision, scored exactly (f32), best first; and the policy's decision. */
  private async decide(vector: Float32Array): Promise<{ decision: Decision; records: Map<number, TemplateRecord> }> {
    const floor = this.policy.floor(this.index.size);
    const records = await this.fetch(await this.index.candidates(vector, floor));
    const candidates: Candidate[] = [];
    for (const [row, r] of records) {
      const score = dot(r.vector, vector);
      if (score >= floor) candidates.push({ row, score });
    }
    candidates.sort((a, b) => b.score - a.score || a.row - b.row);
    return { decision: this.policy.decide({ gallery: this.index.size, candidates }), records };
  }

  /** The decision as the caller gets it, every record but a known user's wiped: undefined for new (the caller proposes or enrols). */
  private answer(decision: Decision, records: Map<number, TemplateRecord>): Exclude<Identity, { status: "new" }> | undefined {
    const known = decision.outcome === "known" ? records.get(decision.row)! : undefined;
    for (const r of records.values()) if (r !== known) wipe(r);
    if (decision.outcome === "new") return undefined;
    if (decision.outcome !== "known") return { status: decision.outcome };
    known!.vector.fill(0);
    return { status: "known", record: known! };
  }

  private append({ vector, handle, recovery }: TemplateRecord, keyHash: string): void {
    const row = this.index.add(vector);
    this.handles.set(hex(handle), row);
    this.recoveries.set(hex(recovery), row);
    if ((row + 1) * HASH_BYTES > this.hashes.length) {
      const grown = new Uint8Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes.set(Buffer.from(keyHash, "hex"), row * HASH_BYTES);
  }

  private hashOf(row: number): string {
    return hex(this.hashes.subarray(row * HASH_BYTES, (row + 1) * HASH_BYTES));
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
