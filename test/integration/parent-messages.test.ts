// A hostile parent talking to the real enclave bundle over its worker port: every
// malformed message is refused with malformed_request (correlated by its id when it
// has one), nothing crashes the enclave, and well-formed requests keep working.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import nacl from "tweetnacl";
import type { EnclaveReply } from "../../contracts/parent-enclave";
import { devChain } from "../../enclave-service/parent/dev-attestation-chain";
import { enclavePcrs } from "../../enclave-service/parent/measurement";
import { readFaceModels } from "../../enclave-service/parent/model-files";
import { seededBytes, seededRandom } from "../support/seeded-random";

const BUNDLE = resolve("dist/service/enclave.js");

describe("parent → enclave messages", () => {
  let worker: Worker;
  let dataDir: string;
  const replies = new Map<number, (reply: EnclaveReply) => void>();
  /** Posts a raw message and waits for the reply with `id` (every message gets one: that is the positive control). */
  const exchange = (message: unknown, id: number) =>
    new Promise<EnclaveReply>((resolveReply) => {
      replies.set(id, resolveReply);
      worker.postMessage(message);
    });
  let boot: Record<string, unknown>;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "facesign-parent-messages-"));
    const chain = await devChain(join(dataDir, "dev-ca.json"));
    worker = new Worker(BUNDLE);
    worker.on("message", (reply: EnclaveReply) => {
      replies.get(reply.id)?.(reply);
      replies.delete(reply.id);
    });
    boot = {
      signer: { leafKey: chain.leafKey, certificate: chain.leaf, cabundle: [chain.root, chain.intermediate], pcrs: enclavePcrs(new Uint8Array(48)), moduleId: "test" },
      settings: { widgetOrigin: "http://127.0.0.1:1", sessionTtlMs: 60_000, maxSessions: 10, instance: 0, stepTimeoutMs: 15_000 },
      models: readFaceModels(),
      identity: { kek: new Uint8Array(32) },
    };
  });
  after(async () => {
    await worker.terminate();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses requests before boot with enclave_unavailable", async () => {
    const reply = await exchange({ id: 1, op: "openSession", args: { nonce: new Uint8Array(32), clientPublicKey: new Uint8Array(32), light: true, now: Date.now() } }, 1);
    assert.deepEqual(reply, { id: 1, ok: false, code: "enclave_unavailable" });
  });

  it("refuses a boot with a wrong-sized key-encryption key, then boots with a right one, once", async () => {
    assert.deepEqual(await exchange({ id: 2, op: "boot", args: { ...boot, identity: { kek: new Uint8Array(31) } } }, 2), { id: 2, ok: false, code: "malformed_request" });
    const booted = await exchange({ id: 3, op: "boot", args: boot }, 3);
    assert.equal(booted.ok, true);
    assert.deepEqual(await exchange({ id: 4, op: "boot", args: boot }, 4), { id: 4, ok: false, code: "unsupported_request" });
  });

  it("refuses each malformed request with malformed_request, correlated by its id", async () => {
    const now = Date.now();
    const hostile: [string, unknown][] = [
      ["unknown op", { id: 10, op: "dumpKeys", args: {} }],
      ["missing args", { id: 11, op: "openSession" }],
      ["nonce as a string", { id: 12, op: "openSession", args: { nonce: "AAAA", clientPublicKey: new Uint8Array(32), now } }],
      ["short client key", { id: 13, op: "openSession", args: { nonce: new Uint8Array(32), clientPublicKey: new Uint8Array(31), now } }],
      ["extra field", { id: 14, op: "openSession", args: { nonce: new Uint8Array(32), clientPublicKey: new Uint8Array(32), light: true, now, steps: [] } }],
      ["time not a number", { id: 15, op: "attestIssuer", args: { nonce: new Uint8Array(32), now: "now" } }],
      ["session id of 15 bytes", { id: 16, op: "sessionRequest", args: { sessionId: new Uint8Array(15), body: new Uint8Array(64), now } }],
      ["store reply with a forged hash", { call: 17, records: [{ keyHash: "../../etc", sealed: new Uint8Array(10) }] }],
      ["store reply with too many records", { call: 18, records: Array.from({ length: 4097 }, () => ({ keyHash: "0".repeat(64), sealed: new Uint8Array(1) })) }],
      ["catch-up with records pushed into it", { id: 18, op: "catchUp", args: { records: [] } }],
      ["id not an integer", { id: 19.5, op: "openSession", args: {} }],
    ];
    for (const [what, message] of hostile) {
      const id = (message as { id: number }).id;
      const expectId = Number.isInteger(id) ? id : 0;
      assert.deepEqual(await exchange(message, expectId), { id: expectId, ok: false, code: "malformed_request" }, what);
    }
  });

  it("survives 300 seeded random messages, then still opens a session", async () => {
    const random = seededRandom(300);
    for (let i = 0; i < 300; i++) {
      const pick = Math.floor(random() * 4);
      const message =
        pick === 0
          ? seededBytes(random, 40)
          : pick === 1
            ? { id: 1000 + i, op: "sessionRequest", args: { sessionId: seededBytes(random, 16), body: seededBytes(random, 80), now: 1 } }
            : pick === 2
              ? null
              : { call: i + 1, records: "x" };
      const id = pick === 1 ? 1000 + i : 0;
      const reply = await exchange(message, id);
      assert.equal(reply.ok, false, `message ${i}`);
      assert.equal((reply as { code: string }).code, pick === 1 ? "session_unknown" : "malformed_request", `message ${i}`);
    }
    const opened = await exchange({ id: 2000, op: "openSession", args: { nonce: nacl.randomBytes(32), clientPublicKey: nacl.randomBytes(32), light: true, now: Date.now() } }, 2000);
    assert.equal(opened.ok, true);
  });
});
