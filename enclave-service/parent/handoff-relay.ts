// The phone hand-off's relay (contracts/frame-service.ts, /v1/handoffs): one record per
// hand-off, in memory, for HANDOFF_TTL_MS at most. It holds two random tokens (the
// waiting frame's and, once claimed, the phone's) and at most one answer: ciphertext
// boxed to a key the parent never sees. Delivered or cancelled, the answer is gone;
// expired records are swept. Waiters (long polls) hear every change.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { ApiError, type HandoffStatus } from "../../contracts/frame-service";
import { routedId } from "../../common/instance-route";

type State = "waiting" | "claimed" | "answered" | "delivered" | "cancelled";

interface HandoffRecord {
  waitToken: Buffer;
  claimToken?: Buffer;
  state: State;
  answer?: string;
  expiresAt: number;
  waiters: Set<() => void>;
}

export interface HandoffRelayOptions {
  ttlMs: number;
  now: () => number;
  /** At most this many live hand-offs: memory stays bounded whatever the traffic. */
  maxRecords: number;
  /** This instance's number: the first character of every hand-off id (common/instance-route.ts). */
  instance?: number;
}

const same = (a: Buffer | undefined, b: Buffer) => a !== undefined && a.length === b.length && timingSafeEqual(a, b);

export class HandoffRelay {
  private readonly records = new Map<string, HandoffRecord>();
  constructor(private readonly options: HandoffRelayOptions) {}

  create(): { id: Buffer; waitToken: Buffer; expiresAt: number } {
    this.sweep();
    if (this.records.size >= this.options.maxRecords) throw new ApiError("rate_limited");
    const id = Buffer.from(routedId(randomBytes(16), this.options.instance ?? 0));
    const waitToken = randomBytes(32);
    const expiresAt = this.options.now() + this.options.ttlMs;
    this.records.set(id.toString("hex"), { waitToken, state: "waiting", expiresAt, waiters: new Set() });
    return { id, waitToken, expiresAt };
  }

  /** The phone opens the hand-off: once. */
  claim(id: Buffer): Buffer {
    const record = this.live(id);
    if (record.state !== "waiting") throw new ApiError("handoff_claimed");
    record.claimToken = randomBytes(32);
    this.change(record, "claimed");
    return record.claimToken;
  }

  /** The phone's answer, once, with the token its claim got. */
  answer(id: Buffer, claimToken: Buffer, answer: string): void {
    const record = this.live(id);
    if (!same(record.claimToken, claimToken)) throw new ApiError("handoff_token_invalid");
    if (record.state !== "claimed") throw new ApiError("handoff_answered");
    record.answer = answer;
    this.change(record, "answered");
  }

  /** What the waiting frame sees; an answer is handed over once, then forgotten. */
  status(id: Buffer, waitToken: Buffer): HandoffStatus {
    const record = this.owned(id, waitToken);
    if (record.state === "answered") {
      const answer = record.answer!;
      delete record.answer;
      this.change(record, "delivered");
      return { state: "answered", answer };
    }
    if (record.state === "waiting" || record.state === "claimed") return { state: record.state, expiresAt: record.expiresAt };
    throw new ApiError("handoff_answered");
  }

  /** Resolves when the state is no longer `after`, or after `maxWaitMs`. */
  async waitForChange(id: Buffer, waitToken: Buffer, after: string, maxWaitMs: number): Promise<void> {
    const record = this.owned(id, waitToken);
    if (record.state !== after) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        record.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      record.waiters.add(done);
    });
  }

  cancel(id: Buffer, waitToken: Buffer): void {
    const record = this.owned(id, waitToken);
    delete record.answer;
    this.change(record, "cancelled");
  }

  private owned(id: Buffer, waitToken: Buffer): HandoffRecord {
    const record = this.live(id);
    if (!same(record.waitToken, waitToken)) throw new ApiError("handoff_token_invalid");
    return record;
  }

  /** The record, while it is alive; expired ones are deleted as they are found. */
  private live(id: Buffer): HandoffRecord {
    const key = id.toString("hex");
    const record = this.records.get(key);
    if (!record) throw new ApiError("handoff_unknown");
    if (this.options.now() >= record.expiresAt) {
      this.drop(key, record);
      throw new ApiError("handoff_expired");
    }
    if (record.state === "cancelled") throw new ApiError("handoff_cancelled");
    return record;
  }

  private change(record: HandoffRecord, state: State): void {
    record.state = state;
    for (const wake of [...record.waiters]) wake();
  }

  private drop(key: string, record: HandoffRecord): void {
    this.records.delete(key);
    delete record.answer;
    for (const wake of [...record.waiters]) wake();
  }

  private sweep(): void {
    const now = this.options.now();
    for (const [key, record] of this.records) if (now >= record.expiresAt) this.drop(key, record);
  }
}
