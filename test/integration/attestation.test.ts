// The enclave's attestation document, verified by the frame's own verifier
// (common/attestation-verifier.ts, WebCrypto) against the trust anchors the build
// compiled into the frame, and each kind of tamper refused with its own reason.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { decode, encode } from "cborg";
import { toBase64url } from "../../common/base64url";
import { devChain } from "../../enclave-service/parent/dev-attestation-chain";
import { enclavePcrs } from "../../enclave-service/parent/measurement";
import { createDevAttestor } from "../../enclave-service/enclave/attestation-document";
import { AttestationError, verifyAttestation, type TrustAnchors } from "../../common/attestation-verifier";
import { rawSession, type RawSession } from "../support/enclave-box";
import { builtAnchors, builtFrameCode, startTestStack, type TestStack } from "../support/stack";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A dev CA of another operator: same software, another root. */
const otherCa = () => join(mkdtempSync(join(tmpdir(), "facesign-other-ca-")), "ca.json");

const reason = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "accepted",
    (e: unknown) => (e instanceof AttestationError ? e.code : `other: ${String(e)}`),
  );

/** Rewrites one field of the signed payload, keeping the original signature. */
function withPayload(document: Uint8Array, change: (payload: Map<string, unknown>) => void): Uint8Array {
  const [prot, unprot, payload, sig] = decode(document, { useMaps: true }) as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
  const p = decode(payload, { useMaps: true }) as Map<string, unknown>;
  change(p);
  return encode([prot, unprot, encode(p), sig]);
}

describe("attestation document", () => {
  let stack: TestStack;
  let pins: TrustAnchors;
  let s: RawSession;
  before(async () => {
    stack = await startTestStack();
    pins = builtAnchors(stack.config.distDir);
    s = await rawSession(stack.config.widgetOrigin);
  });
  after(() => stack.stop());

  it("is a COSE_Sign1 in the Nitro shape, and verifies", async () => {
    const [prot, , payload, sig] = decode(s.attestation, { useMaps: true }) as [Uint8Array, unknown, Uint8Array, Uint8Array];
    assert.deepEqual([...(decode(prot, { useMaps: true }) as Map<number, number>)], [[1, -35]]);
    assert.equal(sig.length, 96);
    const p = decode(payload, { useMaps: true }) as Map<string, unknown>;
    for (const k of ["module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle", "public_key", "user_data", "nonce"]) assert.ok(p.has(k), k);
    assert.equal(p.get("digest"), "SHA384");
    assert.equal((p.get("pcrs") as Map<number, Uint8Array>).get(0)!.length, 48);
    const enclave = await verifyAttestation(s.attestation, pins, { nonce: s.nonce, now: Date.now(), expectedPublicKey: s.enclavePublicKey });
    assert.deepEqual(enclave.publicKey, s.enclavePublicKey);
  });

  it("refuses each tamper with its own reason", async () => {
    const ok = { nonce: s.nonce, now: Date.now(), expectedPublicKey: s.enclavePublicKey };
    const flipped = s.attestation.slice();
    flipped[flipped.length - 5]! ^= 0x01; // a byte of the signature (the last field)
    assert.equal(await reason(verifyAttestation(flipped, pins, ok)), "signature");
    const otherRoot = (await devChain(otherCa())).root;
    assert.equal(await reason(verifyAttestation(s.attestation, { ...pins, roots: [otherRoot] }, ok)), "root");
    assert.equal(await reason(verifyAttestation(s.attestation, { ...pins, pcr0s: [new Uint8Array(48).fill(7)] }, ok)), "pcr0");
    assert.equal(await reason(verifyAttestation(s.attestation, pins, { ...ok, now: Date.now() + 6 * 60_000 })), "stale");
    assert.equal(await reason(verifyAttestation(s.attestation, pins, { ...ok, nonce: new Uint8Array(32) })), "nonce");
    assert.equal(await reason(verifyAttestation(s.attestation, pins, { ...ok, expectedPublicKey: new Uint8Array(32).fill(1) })), "public_key");
    // A payload edited after signing (here: another public key) breaks the signature.
    const swapped = withPayload(s.attestation, (p) => p.set("public_key", new Uint8Array(32).fill(9)));
    assert.equal(await reason(verifyAttestation(swapped, pins, ok)), "signature");
    assert.equal(await reason(verifyAttestation(new Uint8Array([1, 2, 3]), pins, ok)), "format");
  });

  it("refuses a document whose leaf is not signed by the intermediate it carries", async () => {
    // Signed by a genuine leaf of the pinned root, but carrying another CA's intermediate:
    // the signature and the root check pass, the chain does not.
    const chain = await devChain(stack.config.devCaFile);
    const other = await devChain(otherCa());
    const attestor = await createDevAttestor({ leafKey: chain.leafKey, certificate: chain.leaf, cabundle: [chain.root, other.intermediate], pcrs: enclavePcrs(stack.enclave.pcr0), moduleId: "test" });
    const nonce = new Uint8Array(32).fill(3);
    const document = await attestor.attest({ publicKey: new Uint8Array(32), userData: new Uint8Array(0), nonce, now: Date.now() });
    assert.equal(await reason(verifyAttestation(document, pins, { nonce, now: Date.now() })), "chain");
    // The same leaf with its own intermediate is accepted: the refusal is the chain's.
    const own = await (
      await createDevAttestor({ leafKey: chain.leafKey, certificate: chain.leaf, cabundle: [chain.root, chain.intermediate], pcrs: enclavePcrs(stack.enclave.pcr0), moduleId: "test" })
    ).attest({ publicKey: new Uint8Array(32), userData: new Uint8Array(0), nonce, now: Date.now() });
    assert.equal(await reason(verifyAttestation(own, pins, { nonce, now: Date.now() })), "accepted");
  });

  it("refuses a chain that does not lead to the pinned root, even when self-consistent", async () => {
    // A parent with another CA (its operator's choice) signs a perfectly formed document: right shape, wrong root.
    const other = await startTestStack({ FACESIGN_DEV_CA: otherCa() });
    try {
      const foreign = await rawSession(other.config.widgetOrigin);
      const r = await reason(verifyAttestation(foreign.attestation, pins, { nonce: foreign.nonce, now: Date.now() }));
      assert.equal(r, "root");
      // With the right root pinned but a different build measured, PCR0 is what fails.
      const r2 = await reason(verifyAttestation(foreign.attestation, { roots: [other.enclave.rootCertificate], pcr0s: [new Uint8Array(48)] }, { nonce: foreign.nonce, now: Date.now() }));
      assert.equal(r2, "pcr0");
    } finally {
      await other.stop();
    }
  });

  it("the anchors are in the frame's code, never in what the server sends; the build pinned what the parent runs", async () => {
    const pcr0 = Buffer.from(stack.enclave.pcr0).toString("hex");
    const root = toBase64url(stack.enclave.rootCertificate);
    const html = await (await fetch(`${stack.config.widgetOrigin}/frame/`)).text();
    for (const pin of [pcr0, root, toBase64url(stack.enclave.pcr0)]) assert.ok(!html.includes(pin), "the served page carries no pin");
    const frameJs = builtFrameCode(stack.config.distDir);
    assert.ok(frameJs.includes(pcr0) && frameJs.includes(root), "the bundle carries both");
    assert.deepEqual(pins.pcr0s, [stack.enclave.pcr0]);
    assert.deepEqual(pins.roots, [stack.enclave.rootCertificate]);
  });
});
