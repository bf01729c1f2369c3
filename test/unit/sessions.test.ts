// The enclave's session table with the clock in the test's hands: expiry at exactly
// the lifetime, the counter's replay and order rules, the session cap and its sweep.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { openBox, sealBox } from "../../common/box-framing";
import { ApiError } from "../../contracts/frame-service";
import { FIRST_REQUEST_MS, SessionTable } from "../../enclave-service/enclave/sessions";
import { LiveChallenge } from "../../enclave-service/enclave/liveness";
import { thrownCode } from "../support/thrown-code";

const T0 = 1_800_000_000_000;
/** A challenge without steps, under a fresh id. */
const noSteps = () => ({ id: nacl.randomBytes(16), live: new LiveChallenge([], 15_000) });
const refusal = (act: () => unknown): string => thrownCode(act, ApiError);

function setup(settings = { sessionTtlMs: 1000, maxSessions: 2 }) {
  const enclave = nacl.box.keyPair();
  const table = new SessionTable(enclave.secretKey, settings);
  const client = nacl.box.keyPair();
  const shared = nacl.box.before(enclave.publicKey, client.secretKey);
  const { sessionId, expiresAt } = table.open(client.publicKey, { id: nacl.randomBytes(16), live: new LiveChallenge(["blink", "turn_left"], 15_000) }, T0);
  const request = (counter: number, now: number) => table.openRequest(sessionId, sealBox({ type: "ping", counter }, shared), now);
  return { table, client, shared, sessionId, expiresAt, request };
}

describe("enclave sessions", () => {
  it("expires at exactly its lifetime, by the clock each message carries", () => {
    const { expiresAt, request } = setup();
    assert.equal(expiresAt, T0 + 1000);
    assert.equal(request(1, T0 + 999).request.counter, 1);
    assert.equal(
      refusal(() => request(2, T0 + 1000)),
      "session_expired",
    );
    // Expired is forgotten: the same id is now unknown.
    assert.equal(
      refusal(() => request(2, T0 + 1001)),
      "session_unknown",
    );
  });

  it("takes each counter once and in order", () => {
    const { request } = setup();
    assert.equal(request(1, T0).request.counter, 1);
    assert.equal(
      refusal(() => request(1, T0)),
      "replayed_request",
    );
    assert.equal(
      refusal(() => request(3, T0)),
      "counter_out_of_order",
    );
    assert.equal(request(2, T0).request.counter, 2);
  });

  it("seals its answers to the client's key only", () => {
    const { request, shared } = setup();
    const { seal } = request(1, T0);
    const sealed = seal({ type: "pong", counter: 1, expiresAt: T0 + 1000 });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(openBox(sealed, shared)!)), { type: "pong", counter: 1, expiresAt: T0 + 1000 });
    assert.equal(openBox(sealed, nacl.randomBytes(32)), null);
  });

  it("refuses a box under another key, and an empty one", () => {
    const { table, sessionId } = setup();
    assert.equal(
      refusal(() => table.openRequest(sessionId, sealBox({ type: "ping", counter: 1 }, nacl.randomBytes(32)), T0)),
      "box_invalid",
    );
    assert.equal(
      refusal(() => table.openRequest(sessionId, new Uint8Array(40), T0)),
      "box_invalid",
    );
  });

  it("is busy at its cap, and sweeps expired sessions to make room", () => {
    const { table, client } = setup();
    table.open(client.publicKey, noSteps(), T0);
    assert.equal(
      refusal(() => table.open(client.publicKey, noSteps(), T0 + 999)),
      "enclave_busy",
    );
    assert.ok(table.open(client.publicKey, noSteps(), T0 + 1000).sessionId.length === 16);
  });

  it("reclaims a session that sends nothing within FIRST_REQUEST_MS, long before its lifetime; a used one lives on", () => {
    const { table, client, request } = setup({ sessionTtlMs: 60 * 60_000, maxSessions: 2 });
    const silent = table.open(client.publicKey, noSteps(), T0);
    request(1, T0 + 1000);
    assert.equal(
      refusal(() => table.open(client.publicKey, noSteps(), T0 + FIRST_REQUEST_MS - 1)),
      "enclave_busy",
    );
    // The silent one is swept to make room; the one that spoke stays.
    assert.ok(table.open(client.publicKey, noSteps(), T0 + FIRST_REQUEST_MS).sessionId.length === 16);
    assert.equal(
      refusal(() => table.openRequest(silent.sessionId, new Uint8Array(64), T0 + FIRST_REQUEST_MS)),
      "session_unknown",
    );
    assert.equal(
      refusal(() => request(2, T0 + FIRST_REQUEST_MS + 1)),
      "accepted",
    );
  });
});
