// Rate limits at their defaults, tried as a flood would: one client address opening
// sessions as fast as it can gets its burst and then rate_limited with Retry-After,
// while another client still completes a real scan; scans per client are limited the
// same way; and all clients together meet the shared limit. (Loopback addresses
// 127.0.0.x are different clients to the server.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import nacl from "tweetnacl";
import { toBase64url } from "../../common/base64url";
import { apiScan, rawSession } from "../support/enclave-box";
import { startTestStack, UNLIMITED, type TestStack } from "../support/stack";
import { videoFrames } from "../support/video-frames";

/** The limits a stack has unless its operator sets others (see config.ts). */
const DEFAULTS = Object.fromEntries(Object.keys(UNLIMITED).map((k) => [k, ""]));

/** Where the widget origin is served (its IPv4 loopback address, so a client's own 127.0.0.x address can reach it). */
const served = (s: TestStack) => `http://${s.config.widgetHost}:${s.config.widgetPort}`;

/** A POST from a given local address; resolves with the status, error code and Retry-After. */
function postFrom(localAddress: string, url: string, body: string | Uint8Array, type: string): Promise<{ status: number; code?: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", localAddress, headers: { "content-type": type } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => {
        const code = res.statusCode! >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
        resolve({ status: res.statusCode!, ...(code ? { code } : {}), ...(res.headers["retry-after"] ? { retryAfter: String(res.headers["retry-after"]) } : {}) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const sessionBody = () => JSON.stringify({ nonce: toBase64url(nacl.randomBytes(32)), clientPublicKey: toBase64url(nacl.box.keyPair().publicKey) });
const tally = (results: { status: number; code?: string; retryAfter?: string }[]) =>
  results.reduce<Record<string, number>>(
    (n, r) => ({ ...n, [`${r.status} ${r.code ?? ""} ${r.retryAfter ?? ""}`.trim()]: (n[`${r.status} ${r.code ?? ""} ${r.retryAfter ?? ""}`.trim()] ?? 0) + 1 }),
    {},
  );

describe("rate limits", () => {
  let stack: TestStack;
  // Stopped during the flood, so no token comes back while it runs; running again for the scans.
  let stopped: number | null = null;
  before(async () => {
    // Empty values fall back to the defaults: 20 sessions and 10 scans a minute per client, 100 sessions and 10 scans a second in all.
    stack = await startTestStack({ ...DEFAULTS, FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" }, { now: () => stopped ?? Date.now() });
  });
  after(() => stack.stop());

  it("a client flooding session opens gets its burst, then rate_limited; another client still completes a scan", async () => {
    const url = `${served(stack)}/v1/sessions`;
    stopped = Date.now();
    const flood = await Promise.all(Array.from({ length: 300 }, () => postFrom("127.0.0.2", url, sessionBody(), "application/json")));
    stopped = null;
    assert.deepEqual(tally(flood), { "201": 20, "429 rate_limited 3": 280 });
    const scan = await apiScan(stack.config.widgetOrigin, videoFrames("cap12_edit", 2, 2));
    assert.equal(scan.status, "new");
  });

  it("limits scan uploads per client, before reading them", async () => {
    const session = await rawSession(stack.config.widgetOrigin);
    const url = `${served(stack)}/v1/sessions/${session.sessionId}/scan`;
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await postFrom("127.0.0.3", url, new Uint8Array(64), "application/octet-stream"));
    assert.deepEqual(tally(results), { "400 box_invalid": 10, "429 rate_limited 6": 1 });
  });
});

describe("rate limits for all clients together", () => {
  let stack: TestStack;
  const stopped = Date.now();
  before(async () => (stack = await startTestStack({ ...DEFAULTS, FACESIGN_ALL_SESSIONS_PER_SECOND: "5" }, { now: () => stopped })));
  after(() => stack.stop());

  it("meets the shared limit across clients", async () => {
    const url = `${served(stack)}/v1/sessions`;
    const results = [];
    for (const client of ["127.0.0.4", "127.0.0.5", "127.0.0.6"]) for (let i = 0; i < 5; i++) results.push(await postFrom(client, url, sessionBody(), "application/json"));
    // Five a second, two seconds' worth at once.
    assert.deepEqual(tally(results), { "201": 10, "429 rate_limited 1": 5 });
  });
});
