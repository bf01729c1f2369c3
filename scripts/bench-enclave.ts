// Enclave service throughput on this machine: attested sessions opened per second
// over HTTP on localhost (each one signs a Nitro-format document with ES384), and
// nacl.box seal/open throughput for a 1 MB scan payload. Last line: one JSON object.
import nacl from "tweetnacl";
import { openEnclaveSession } from "../widget/frame/enclave-client";
import { builtAnchors, startTestStack } from "../test/support/stack";
import { median } from "./stats";

const stack = await startTestStack();
const anchors = builtAnchors(stack.config.distDir);
let sessionsPerSecond: number;
let verifiedPerSecond: number;
try {
  const rate = async (open: () => Promise<unknown>, seconds = 3, concurrency = 4) => {
    const until = performance.now() + seconds * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          await open();
          n++;
        }
      }),
    );
    return n / seconds;
  };
  const body = () => JSON.stringify({ nonce: Buffer.from(nacl.randomBytes(32)).toString("base64url"), clientPublicKey: Buffer.from(nacl.box.keyPair().publicKey).toString("base64url") });
  sessionsPerSecond = await rate(async () => (await fetch(`${stack.config.widgetOrigin}/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: body() })).json());
  // As the iframe does it: open, and verify the attestation (COSE signature, chain, PCR0, nonce).
  verifiedPerSecond = await rate(() => openEnclaveSession(stack.config.widgetOrigin, anchors));
} finally {
  await stack.stop();
}

const a = nacl.box.keyPair();
const b = nacl.box.keyPair();
const shared = nacl.box.before(b.publicKey, a.secretKey);
const payload = nacl.randomBytes(1024 * 1024);
const seal: number[] = [];
const open: number[] = [];
for (let i = 0; i < 20; i++) {
  const nonce = nacl.randomBytes(24);
  let t = performance.now();
  const box = nacl.box.after(payload, nonce, shared);
  seal.push(performance.now() - t);
  t = performance.now();
  nacl.box.open.after(box, nonce, shared);
  open.push(performance.now() - t);
}
const mbps = (ms: number) => +(1000 / ms).toFixed(1);
console.log(`sessions opened: ${sessionsPerSecond.toFixed(0)}/s (4 concurrent clients); opened and verified as the iframe does: ${verifiedPerSecond.toFixed(0)}/s`);
console.log(`1 MB scan payload: seal ${median(seal).toFixed(1)} ms (${mbps(median(seal))} MB/s), open ${median(open).toFixed(1)} ms (${mbps(median(open))} MB/s), medians of 20`);
console.log(
  JSON.stringify({
    sessionsPerSecond: Math.round(sessionsPerSecond),
    verifiedSessionsPerSecond: Math.round(verifiedPerSecond),
    seal1MBms: +median(seal).toFixed(2),
    open1MBms: +median(open).toFixed(2),
  }),
);
