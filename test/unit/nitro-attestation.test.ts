// The attestation verifier that the frame and consumers run, against what AWS really
// emits: a genuine Nitro Enclave attestation document (NSM, 2024-09-17) and the AWS
// Nitro Enclaves root G1, from ../shared/data/nitro (a missing fixture fails this test).
// Every mutation is refused with its own reason. The certificates sit inside the
// signed payload, so any change to one breaks the document's signature first.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { decode, encode } from "cborg";
import { readAwsNitroRoot } from "../../scripts/release";
import { AttestationError, verifyAttestation, type TrustAnchors, type VerifyOptions } from "../../common/attestation-verifier";

const NITRO = new URL("../../../shared/data/nitro/", import.meta.url);
const root = readAwsNitroRoot(fileURLToPath(new URL("aws-nitro-root-g1.pem", NITRO)));
const document = new Uint8Array(Buffer.from(readFileSync(new URL("real-attestation-2024-09-17.b64", NITRO), "utf8").trim(), "base64"));
const TIME = Date.parse("2024-09-17T00:47:59.695Z");
const NONCE = Uint8Array.from({ length: 20 }, (_, i) => (i === 19 ? 1 : 0));
const pins: TrustAnchors = { roots: [root], pcr0s: [new Uint8Array(48)] };
const ok: VerifyOptions = { nonce: NONCE, now: TIME, expectedPublicKey: new TextEncoder().encode("dummy") };

const reason = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "accepted",
    (e: unknown) => (e instanceof AttestationError ? e.code : `other: ${String(e)}`),
  );

type Cose = [Uint8Array, unknown, Uint8Array, Uint8Array];
const parts = () => decode(document, { useMaps: true, tags: Object.assign([], { 18: (x: unknown) => x }) }) as Cose;
const payloadOf = () => decode(parts()[2], { useMaps: true }) as Map<string, unknown>;
/** The document with its payload re-encoded after `change` (the signature kept as it was). */
const withPayload = (change: (payload: Map<string, unknown>) => void) => {
  const [protectedHeader, unprotected, , signature] = parts();
  const payload = payloadOf();
  change(payload);
  return encode([protectedHeader, unprotected, encode(payload), signature]);
};
const flipped = (bytes: Uint8Array, at: number) => {
  const copy = bytes.slice();
  copy[at]! ^= 0x01;
  return copy;
};

describe("attestation verifier against a genuine AWS Nitro document", () => {
  it("pins the root AWS publishes, and the build refuses any other", () => {
    assert.equal(createHash("sha256").update(root).digest("hex").toUpperCase(), "641A0321A3E244EFE456463195D606317ED7CDCC3C1756E09893F3C68F79BB5B");
    const other = join(mkdtempSync(join(tmpdir(), "facesign-root-")), "root.pem");
    writeFileSync(other, `-----BEGIN CERTIFICATE-----\n${Buffer.from(root.slice(0, -1)).toString("base64")}\n-----END CERTIFICATE-----\n`);
    assert.throws(() => readAwsNitroRoot(other), /is not AWS's Nitro root G1/);
  });

  it("accepts the document: AWS root pinned, clock at its time, PCR0 as it carries (all zero: debug mode)", async () => {
    const attested = await verifyAttestation(document, pins, ok);
    assert.equal(attested.moduleId, "i-0bbf1bfe232b8c2ce-enc0191fc27458c1d41");
    assert.equal(attested.timestamp, TIME);
    assert.equal(attested.userData.length, 68);
  });

  it("refuses a flipped bit in the signature", async () => {
    const [protectedHeader, unprotected, payload, signature] = parts();
    assert.equal(await reason(verifyAttestation(encode([protectedHeader, unprotected, payload, flipped(signature, 10)]), pins, ok)), "signature");
  });

  it("refuses a changed payload field", async () => {
    assert.equal(
      await reason(
        verifyAttestation(
          withPayload((p) => p.set("module_id", "i-0000000000000000-enc0000000000000000")),
          pins,
          ok,
        ),
      ),
      "signature",
    );
    assert.equal(
      await reason(
        verifyAttestation(
          withPayload((p) => p.set("user_data", new Uint8Array(68))),
          pins,
          ok,
        ),
      ),
      "signature",
    );
  });

  it("refuses a flipped bit in each certificate (they are signed payload)", async () => {
    const certificate = payloadOf().get("certificate") as Uint8Array;
    const bundle = payloadOf().get("cabundle") as Uint8Array[];
    assert.equal(bundle.length, 4);
    // A bit of each certificate's signature value (its last bytes): still parseable DER.
    assert.equal(
      await reason(
        verifyAttestation(
          withPayload((p) => p.set("certificate", flipped(certificate, certificate.length - 3))),
          pins,
          ok,
        ),
      ),
      "signature",
    );
    for (let i = 0; i < bundle.length; i++) {
      const changed = bundle.map((der, j) => (j === i ? flipped(der, der.length - 3) : der));
      assert.equal(
        await reason(
          verifyAttestation(
            withPayload((p) => p.set("cabundle", changed)),
            pins,
            ok,
          ),
        ),
        "signature",
        `cabundle[${i}]`,
      );
    }
  });

  it("refuses another root", async () => {
    const intermediate = (payloadOf().get("cabundle") as Uint8Array[])[1]!;
    assert.equal(await reason(verifyAttestation(document, { ...pins, roots: [intermediate] }, ok)), "root");
  });

  it("refuses a clock outside the leaf's validity, either side", async () => {
    assert.equal(await reason(verifyAttestation(document, pins, { ...ok, now: TIME + 24 * 3_600_000 })), "expired_certificate");
    assert.equal(await reason(verifyAttestation(document, pins, { ...ok, now: TIME - 24 * 3_600_000 })), "expired_certificate");
  });

  it("refuses another PCR0, another nonce, a stale document and another public key", async () => {
    assert.equal(await reason(verifyAttestation(document, { ...pins, pcr0s: [new Uint8Array(48).fill(1)] }, ok)), "pcr0");
    assert.equal(await reason(verifyAttestation(document, pins, { ...ok, nonce: new Uint8Array(20) })), "nonce");
    assert.equal(await reason(verifyAttestation(document, pins, { ...ok, now: TIME + 6 * 60_000 })), "stale");
    assert.equal(await reason(verifyAttestation(document, pins, { ...ok, expectedPublicKey: new Uint8Array(32) })), "public_key");
  });

  it("refuses a document missing any required field", async () => {
    for (const field of ["module_id", "timestamp", "pcrs", "certificate", "cabundle", "public_key", "user_data", "nonce"]) {
      assert.equal(
        await reason(
          verifyAttestation(
            withPayload((p) => p.delete(field)),
            pins,
            ok,
          ),
        ),
        "format",
        field,
      );
    }
    assert.equal(await reason(verifyAttestation(document.subarray(0, 100), pins, ok)), "format");
  });
});
