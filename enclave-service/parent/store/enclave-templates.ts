// The template store as the enclave uses it (the parent's end of its store calls):
// sealed records by keyed hash for the re-rank, the records it has not loaded yet (a
// cursor over the store's sequence numbers), and the enrolment lock. A read waits for
// every record given to `keep` to be stored, so a scan after an account's update sees it.
import { LOAD_BATCH_MAX, type SealedRecord } from "../../../contracts/parent-enclave";
import type { EnrolmentLock, TemplateStore } from "./template-store";

export class EnclaveTemplates {
  private readonly storing = new Set<Promise<void>>();
  /** The sequence number of the last record given to the enclave. */
  private cursor = 0;
  private held: EnrolmentLock | undefined;

  constructor(private readonly store: TemplateStore) {}

  /** Stores an account's re-sealed record; resolves once it is on disk. */
  keep(record: SealedRecord): Promise<void> {
    const update = this.store.update(record);
    this.storing.add(update);
    const done = () => this.storing.delete(update);
    update.then(done, done);
    return update;
  }

  /** Deletes a user's record, after any update to it is stored (so none brings it back). */
  async remove(keyHash: string): Promise<void> {
    await Promise.allSettled([...this.storing]);
    await this.store.remove(keyHash);
  }

  async fetch(keyHashes: string[]): Promise<SealedRecord[]> {
    await Promise.allSettled([...this.storing]);
    return this.store.get(keyHashes);
  }

  async next(): Promise<SealedRecord[]> {
    const { records, last } = await this.store.since(this.cursor, LOAD_BATCH_MAX);
    this.cursor = last;
    return records;
  }

  async lock(): Promise<void> {
    if (this.held) throw new Error("the enrolment lock is already held");
    this.held = await this.store.lockEnrolment();
  }

  commit(record: SealedRecord): Promise<void> {
    return this.take().commit(record);
  }

  /** Releases the lock if it is held (also when the enclave dies holding it). */
  async release(): Promise<void> {
    if (this.held) await this.take().release();
  }

  private take(): EnrolmentLock {
    const held = this.held;
    this.held = undefined;
    if (!held) throw new Error("the enrolment lock is not held");
    return held;
  }
}
