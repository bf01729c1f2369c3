// Sessions inside the enclave: one per scan attempt, each with the client's key, a
// counter that must go up by exactly one per request, and an expiry. Boxes are opened
// and sealed here, so the parent only ever carries ciphertext. A session that has sent
// nothing within FIRST_REQUEST_MS (a challenge takes about a minute at most) is
// reclaimed then, not at the end of its lifetime: opened-and-abandoned sessions
// cannot hold the table full.
import nacl from "tweetnacl";
import { routedId } from "../../common/instance-route";
import * as v from "valibot";
import { openBox, sealBox } from "../../common/box-framing";
import { ApiError, enclaveRequestSchema, type EnclaveRequest, type EnclaveResponse } from "../../contracts/frame-service";
import type { EnclaveSettings } from "../../contracts/parent-enclave";
import type { LiveChallenge } from "./liveness";

/** A new account the scan proposed, waiting for the user's yes: only in enclave memory. */
export interface PendingEnrolment {
  token: Uint8Array;
  /** The new account's handle, for the passkey the user may make for it. */
  handle: Uint8Array;
  vector: Float32Array;
  expiresAt: number;
}

export interface Session {
  sharedKey: Uint8Array;
  counter: number;
  openedAt: number;
  expiresAt: number;
  /** The challenge this session runs, once: its steps stay here until each begins. */
  challenge: LiveChallenge;
  /** The attested challenge id: with the session id, what a passkey signs (common/passkey-challenge.ts). */
  challengeId: Uint8Array;
  /** The challenge failed, or its scan was received: it is spent, whatever came of it. */
  spent: boolean;
  pending?: PendingEnrolment;
}

export const FIRST_REQUEST_MS = 3 * 60_000;
/** How long a proposed new account waits for the user's confirmation. */
export const PENDING_ENROLMENT_MS = 2 * 60_000;

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

export class SessionTable {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly secretKey: Uint8Array,
    private readonly settings: Pick<EnclaveSettings, "sessionTtlMs" | "maxSessions">,
  ) {}

  /** Opens a session whose id routes to `instance` (common/instance-route.ts). */
  open(clientPublicKey: Uint8Array, challenge: { id: Uint8Array; live: LiveChallenge }, now: number, instance = 0): { sessionId: Uint8Array; expiresAt: number } {
    this.sweep(now);
    if (this.sessions.size >= this.settings.maxSessions) throw new ApiError("enclave_busy");
    const sessionId = routedId(nacl.randomBytes(16), instance);
    const expiresAt = now + this.settings.sessionTtlMs;
    this.sessions.set(hex(sessionId), {
      sharedKey: nacl.box.before(clientPublicKey, this.secretKey),
      counter: 0,
      openedAt: now,
      expiresAt,
      challenge: challenge.live,
      challengeId: challenge.id,
      spent: false,
    });
    return { sessionId, expiresAt };
  }

  /** Opens a request box, checks freshness and order, and returns the request with a sealer for its answer. */
  openRequest(sessionId: Uint8Array, body: Uint8Array, now: number): { request: EnclaveRequest; seal: (response: EnclaveResponse) => Uint8Array; session: Session } {
    this.sweep(now, sessionId);
    const session = this.sessions.get(hex(sessionId));
    if (!session) throw new ApiError("session_unknown");
    if (expired(session, now)) {
      this.close(sessionId);
      throw new ApiError(session.pending ? "enrolment_expired" : "session_expired");
    }
    const plain = openBox(body, session.sharedKey);
    if (!plain) throw new ApiError("box_invalid");
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(plain));
    } catch {
      throw new ApiError("malformed_request");
    } finally {
      plain.fill(0);
    }
    const counter = (parsed as { counter?: unknown } | null)?.counter;
    if (typeof counter === "number" && Number.isInteger(counter)) {
      if (counter <= session.counter) throw new ApiError("replayed_request");
      if (counter !== session.counter + 1) throw new ApiError("counter_out_of_order");
    }
    const request = v.safeParse(enclaveRequestSchema, parsed);
    if (!request.success) throw new ApiError(typeof counter === "number" ? "unsupported_request" : "malformed_request");
    session.counter = counter as number;
    const seal = (response: EnclaveResponse) => sealBox(response, session.sharedKey);
    return { request: request.output, seal, session };
  }

  /** Keeps the scan's face vector (a copy) until the user confirms the new account, or not. */
  propose(session: Session, vector: Float32Array, now: number): PendingEnrolment {
    session.pending = { token: nacl.randomBytes(16), handle: nacl.randomBytes(16), vector: Float32Array.from(vector), expiresAt: Math.min(now + PENDING_ENROLMENT_MS, session.expiresAt) };
    return session.pending;
  }

  /** Ends a session and wipes what it held; its key stays only in the sealer already handed out. */
  close(sessionId: Uint8Array): void {
    this.forget(hex(sessionId));
  }

  private forget(key: string): void {
    const session = this.sessions.get(key);
    session?.pending?.vector.fill(0);
    session?.challenge.wipe();
    this.sessions.delete(key);
  }

  /** Forgets expired sessions (except `keep`, whose expiry its caller reports). */
  private sweep(now: number, keep?: Uint8Array): void {
    const kept = keep && hex(keep);
    for (const [id, s] of this.sessions) if (id !== kept && expired(s, now)) this.forget(id);
  }
}

/** Past its lifetime or its pending enrolment's, or silent since it opened for longer than FIRST_REQUEST_MS. */
const expired = (s: Session, now: number) => now >= (s.pending?.expiresAt ?? s.expiresAt) || (s.counter === 0 && now >= s.openedAt + FIRST_REQUEST_MS);
