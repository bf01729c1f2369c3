// The phone hand-off's relay over HTTP, as an attacker would try it: wrong tokens, a
// second claim, a replayed answer, a collected answer asked for again, an expired and
// a cancelled hand-off, a flood of openings. Each gets its exact code; the waiting
// frame's long poll wakes on the phone's claim.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { toBase64url } from "../../common/base64url";
import type { HandoffCreated } from "../../contracts/frame-service";
import { startTestStack, type TestStack } from "../support/stack";

const TTL_MS = 60_000;

describe("phone hand-off relay", () => {
  let stack: TestStack;
  let clock = Date.now();
  let base: string;
  before(async () => {
    stack = await startTestStack({ FACESIGN_HANDOFF_TTL_MS: String(TTL_MS), FACESIGN_HANDOFFS_PER_MINUTE: "8" }, { now: () => clock });
    base = `${stack.config.widgetOrigin}/v1/handoffs`;
  });
  after(() => stack.stop());

  /** The status and error code (or body) of a call. */
  async function call(path: string, init: RequestInit = {}): Promise<{ status: number; code?: string; body?: any; retryAfter?: string | null }> {
    const res = await fetch(`${base}${path}`, init);
    const body = res.status === 204 ? undefined : await res.json();
    return res.ok ? { status: res.status, body } : { status: res.status, code: body.error.code, retryAfter: res.headers.get("retry-after") };
  }
  const open = async () => (await call("", { method: "POST" })).body as HandoffCreated;
  const waitOn = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const answer = (id: string, claimToken: string, text = "ciphertext") =>
    call(`/${id}/answer`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ claimToken, answer: text }) });

  it("hands one answer from one phone to the frame that opened it, once", async () => {
    const h = await open();
    assert.deepEqual(await call(`/${h.id}`, waitOn(toBase64url(nacl.randomBytes(32)))), { status: 403, code: "handoff_token_invalid", retryAfter: null });
    // The waiting frame's long poll wakes when the phone claims.
    const polled = call(`/${h.id}?after=waiting`, waitOn(h.waitToken));
    const claim = await call(`/${h.id}/claim`, { method: "POST" });
    assert.equal(claim.status, 200);
    assert.equal((await polled).body.state, "claimed");
    assert.equal((await call(`/${h.id}/claim`, { method: "POST" })).code, "handoff_claimed");
    assert.equal((await answer(h.id, toBase64url(nacl.randomBytes(32)))).code, "handoff_token_invalid");
    assert.equal((await answer(h.id, claim.body.claimToken)).status, 204);
    assert.equal((await answer(h.id, claim.body.claimToken, "replayed")).code, "handoff_answered");
    assert.deepEqual((await call(`/${h.id}?after=claimed`, waitOn(h.waitToken))).body, { state: "answered", answer: "ciphertext" });
    // Delivered once: the relay no longer has it.
    assert.equal((await call(`/${h.id}`, waitOn(h.waitToken))).code, "handoff_answered");
  });

  it("refuses unknown and malformed ids, an expired hand-off and a cancelled one", async () => {
    assert.equal((await call(`/${toBase64url(nacl.randomBytes(16))}/claim`, { method: "POST" })).code, "handoff_unknown");
    assert.equal((await call(`/not-an-id/claim`, { method: "POST" })).code, "handoff_unknown");
    const expiring = await open();
    clock += TTL_MS;
    assert.equal((await call(`/${expiring.id}/claim`, { method: "POST" })).code, "handoff_expired");
    const cancelled = await open();
    assert.equal((await call(`/${cancelled.id}`, { method: "DELETE", ...waitOn(cancelled.waitToken) })).status, 204);
    assert.equal((await call(`/${cancelled.id}/claim`, { method: "POST" })).code, "handoff_cancelled");
    assert.equal((await call(`/${cancelled.id}`, waitOn(cancelled.waitToken))).code, "handoff_cancelled");
  });

  it("limits how fast one client opens hand-offs, and says when to come back", async () => {
    clock += 10 * 60_000; // a full bucket
    const codes: (string | undefined)[] = [];
    let retryAfter: string | null | undefined;
    for (let i = 0; i < 9; i++) {
      const r = await call("", { method: "POST" });
      codes.push(r.code);
      retryAfter ??= r.retryAfter;
    }
    assert.deepEqual(codes, [...Array<undefined>(8).fill(undefined), "rate_limited"]);
    assert.equal(retryAfter, "8"); // 8 a minute: one every 7.5 s
    clock += 7_500;
    assert.equal((await call("", { method: "POST" })).status, 201);
  });
});
