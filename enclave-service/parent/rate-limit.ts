// Token buckets per client address: `burst` requests at once, then one per
// `refillMs`. A refused request gets `rate_limited` and how long to wait (Retry-After). Buckets
// that have refilled are forgotten, so memory follows the clients active now.
import { ApiError } from "../../contracts/frame-service";

export interface RateLimit {
  burst: number;
  refillMs: number;
}

export interface RateLimits {
  sessions: RateLimit;
  scans: RateLimit;
  handoffs: RateLimit;
  allSessions: RateLimit;
  allScans: RateLimit;
}

export class RateLimited extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited");
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
  ) {}

  /** Takes a token for `key`, or throws rate_limited with the seconds until the next one. */
  take(key: string): void {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) / this.limit.refillMs);
    if (tokens < 1) throw new RateLimited(Math.ceil(((1 - tokens) * this.limit.refillMs) / 1000));
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > 10_000) this.forgetFull(now);
  }

  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) / this.limit.refillMs >= this.limit.burst) this.buckets.delete(key);
  }
}

/**
 * A client's own bucket first, then everyone's: a client over its own rate is refused
 * before it spends anything of the shared one, so one flooding client cannot lock
 * the others out.
 */
export function clientThenAll(perClient: RateLimiter, all?: RateLimiter): (client: string) => void {
  return (client) => {
    perClient.take(client);
    all?.take("all");
  };
}
