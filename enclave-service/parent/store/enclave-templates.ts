// The template store as the enclave reads it: sealed records by keyed hash, for the
// re-rank of the enclave's 1:N candidates. A read waits for every record given to
// `keep` to be stored, so the scan after an enrolment finds the user it enrolled.
import type { SealedRecord } from "../../../contracts/parent-enclave";
import type { TemplateStore } from "./template-store";

export class EnclaveTemplates {
  private readonly storing = new Set<Promise<void>>();

  constructor(private readonly store: TemplateStore) {}

  /** Stores a sealed record (a new user's, or an account's update); resolves once it is on disk. */
  keep(record: SealedRecord): Promise<void> {
    const put = this.store.put(record);
    this.storing.add(put);
    const done = () => this.storing.delete(put);
    put.then(done, done);
    return put;
  }

  async fetch(keyHashes: string[]): Promise<SealedRecord[]> {
    await Promise.allSettled([...this.storing]);
    return this.store.get(keyHashes);
  }
}
