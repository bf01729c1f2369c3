// The API on localhost: the iframe's client end to end, then every kind of bad
// request refused with its own code while the service keeps serving.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import nacl from "tweetnacl";
import { openEnclaveSession } from "../../widget/frame/enclave-client";
import { toBase64url } from "../../common/base64url";
import { open, post, rawSession, seal } from "../support/enclave-box";
import { builtAnchors, startTestStack, type TestStack } from "../support/stack";
import { seededBytes, seededRandom } from "../support/seeded-random";

describe("enclave API", () => {
  let stack: TestStack;
  let origin: string;
  before(async () => {
    stack = await startTestStack();
    origin = stack.config.widgetOrigin;
  });
  after(() => stack.stop());

  const anchors = () => builtAnchors(stack.config.distDir);
  const stillServing = async () => {
    const s = await openEnclaveSession(origin, anchors());
    assert.equal((await s.request({ type: "ping" })).type, "pong");
  };

  it("the iframe's client opens a verified session and talks in boxes", async () => {
    const s = await openEnclaveSession(origin, anchors());
    const first = await s.request({ type: "ping" });
    const second = await s.request({ type: "ping" });
    assert.deepEqual([first.type, first.counter, second.counter], ["pong", 1, 2]);
    assert.ok(s.expiresAt > Date.now());
    const ready = await (await fetch(`${origin}/readyz`)).json();
    assert.equal(ready.ready, true);
  });

  it("refuses a replayed request and a reordered one", async () => {
    const s = await rawSession(origin);
    const one = seal(s, { type: "ping", counter: 1 });
    const ok = await post(origin, s.sessionId, one);
    assert.equal(ok.status, 200);
    assert.deepEqual(open(s, ok.bytes!), { type: "pong", counter: 1, expiresAt: (open(s, ok.bytes!) as { expiresAt: number }).expiresAt });
    assert.deepEqual(await post(origin, s.sessionId, one), { status: 409, code: "replayed_request" });
    assert.deepEqual(await post(origin, s.sessionId, seal(s, { type: "ping", counter: 3 })), { status: 409, code: "counter_out_of_order" });
    assert.equal((await post(origin, s.sessionId, seal(s, { type: "ping", counter: 2 }))).status, 200);
  });

  it("refuses tampered boxes, wrong keys, unknown sessions and malformed requests", async () => {
    const s = await rawSession(origin);
    const box = seal(s, { type: "ping", counter: 1 });
    box[40]! ^= 0xff;
    assert.deepEqual(await post(origin, s.sessionId, box), { status: 400, code: "box_invalid" });
    const stranger = nacl.box.keyPair();
    assert.deepEqual(await post(origin, s.sessionId, seal(s, { type: "ping", counter: 1 }, stranger.secretKey)), { status: 400, code: "box_invalid" });
    assert.deepEqual(await post(origin, toBase64url(nacl.randomBytes(16)), seal(s, { type: "ping", counter: 1 })), { status: 404, code: "session_unknown" });
    assert.deepEqual(await post(origin, "not-an-id!", seal(s, { type: "ping", counter: 1 })), { status: 404, code: "session_unknown" });
    assert.deepEqual(await post(origin, s.sessionId, seal(s, "{not json")), { status: 400, code: "malformed_request" });
    assert.deepEqual(await post(origin, s.sessionId, seal(s, { type: "launch", counter: 1 })), { status: 400, code: "unsupported_request" });
    assert.deepEqual(await post(origin, s.sessionId, new Uint8Array(10)), { status: 400, code: "box_invalid" });
    assert.deepEqual(await post(origin, s.sessionId, "hello", "text/plain"), { status: 415, code: "unsupported_media_type" });
    // The session survived all of that.
    assert.equal((await post(origin, s.sessionId, seal(s, { type: "ping", counter: 1 }))).status, 200);

    const bad = async (body: string, type = "application/json") => {
      const res = await fetch(`${origin}/v1/sessions`, { method: "POST", headers: { "content-type": type }, body });
      return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
    };
    assert.deepEqual(await bad("{"), { status: 400, code: "malformed_request" });
    assert.deepEqual(await bad(JSON.stringify({ nonce: "AAAA", clientPublicKey: "BBBB" })), { status: 400, code: "malformed_request" });
    assert.deepEqual(await bad(JSON.stringify({ nonce: toBase64url(new Uint8Array(32)), clientPublicKey: toBase64url(new Uint8Array(32)), extra: 1 })), { status: 400, code: "malformed_request" });
    assert.deepEqual(await bad("nonce=1", "application/x-www-form-urlencoded"), { status: 415, code: "unsupported_media_type" });
    const unknown = await fetch(`${origin}/v1/nothing`);
    assert.equal(unknown.status, 404);
    await stillServing();
  });

  it("refuses oversized bodies while they stream, before buffering them", async () => {
    const s = await rawSession(origin);
    const big = new Uint8Array(65 * 1024 + 1);
    assert.deepEqual(await post(origin, s.sessionId, big), { status: 413, code: "payload_too_large" });
    // Chunked, with no Content-Length announcing it: cut off as the limit passes.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${origin}/v1/sessions/${s.sessionId}/requests`);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/octet-stream", "transfer-encoding": "chunked" } },
        (res) => resolve(res.statusCode!),
      );
      req.on("error", reject);
      const chunk = Buffer.alloc(16 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    await stillServing();
  });

  it("expires sessions at the parent's clock, not before", async () => {
    let clock = Date.now();
    const short = await startTestStack({ FACESIGN_SESSION_TTL_MS: "300" }, { now: () => clock });
    try {
      const s = await rawSession(short.config.widgetOrigin);
      clock += 299;
      assert.equal((await post(short.config.widgetOrigin, s.sessionId, seal(s, { type: "ping", counter: 1 }))).status, 200);
      clock += 1;
      assert.deepEqual(await post(short.config.widgetOrigin, s.sessionId, seal(s, { type: "ping", counter: 2 })), { status: 410, code: "session_expired" });
    } finally {
      await short.stop();
    }
  });

  it("survives 1,000 random and mutated bodies: no crash, no 5xx, memory flat", async () => {
    const s = await rawSession(origin);
    const valid = seal(s, { type: "ping", counter: 1 });
    const validSession = new TextEncoder().encode(JSON.stringify({ nonce: toBase64url(new Uint8Array(32)), clientPublicKey: toBase64url(new Uint8Array(32)) }));
    const random = seededRandom(1000);
    const mutate = (b: Uint8Array) => {
      const out = b.slice(0, Math.max(1, Math.floor(random() * (b.length + 8))));
      for (let i = 0; i < 1 + Math.floor(random() * 4); i++) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
      return out;
    };
    // A real collection before each reading, so the check sees retained memory, not garbage not yet collected.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const rss = () => {
      gc();
      return process.memoryUsage().rss;
    };
    const statuses = new Map<number, number>();
    let before = 0;
    for (let i = 0; i < 1000; i++) {
      if (i === 200) before = rss();
      const kind = i % 4;
      const body = kind === 0 ? seededBytes(random, Math.floor(random() * 300)) : kind === 1 ? mutate(valid) : mutate(validSession);
      const target = kind === 2 ? `${origin}/v1/sessions` : `${origin}/v1/sessions/${i % 8 === 3 ? "x" : s.sessionId}/requests`;
      const type = kind === 2 ? "application/json" : i % 16 === 5 ? "application/json" : "application/octet-stream";
      const res = await fetch(target, { method: "POST", headers: { "content-type": type }, body: body as BodyInit });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(res.status < 500, `request ${i} got ${res.status}`);
    }
    const grownMB = (rss() - before) / 1e6;
    assert.ok(grownMB < 40, `RSS grew ${grownMB.toFixed(1)} MB over 800 requests`);
    assert.ok(
      [...statuses.keys()].some((st) => st >= 400),
      "the fuzz did reach the refusals",
    );
    await stillServing();
  });
});
