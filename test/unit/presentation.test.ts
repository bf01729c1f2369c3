// Holder-bound presentations on their own: made by the credential's subject for one
// consumer, challenge and grant, for five minutes; every way to misuse one refused with
// its code (another holder's key, another consumer, another challenge, another grant,
// owner or content, too old or too new, garbage).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { compactVerify, importJWK } from "jose";
import { toBase64url } from "../../common/base64url";
import { didKey } from "../../common/credential";
import { PRESENTATION_TTL_S, PresentationError, presentCredential, verifyPresentation, type PresentedGrant } from "../../common/presentation";
import { thrownCode } from "../support/thrown-code";
import { tamperedJws } from "../support/tampered-jws";

describe("FaceSign presentation", () => {
  const holder = nacl.sign.keyPair();
  const consumer = nacl.sign.keyPair().publicKey;
  const challenge = toBase64url(nacl.randomBytes(32));
  const grant: PresentedGrant = { id: crypto.randomUUID(), owner: crypto.randomUUID(), contentHash: "ab".repeat(32) };
  const now = Date.UTC(2026, 10, 28, 12);
  const vp = presentCredential(holder.secretKey, { consumer, challenge, grant, now });
  const expected = { holder: didKey(holder.publicKey), consumer, challenge, grant, now: now + 1000 };
  const code = (jws: string, change: Partial<typeof expected> = {}) => thrownCode(() => verifyPresentation(jws, { ...expected, ...change }), PresentationError);

  it("is a vp+jwt by the holder's did:key that jose verifies, and passes for its consumer, challenge and grant", async () => {
    assert.equal(code(vp), "accepted");
    const { protectedHeader, payload } = await compactVerify(vp, await importJWK({ kty: "OKP", crv: "Ed25519", x: toBase64url(holder.publicKey) }, "EdDSA"));
    assert.deepEqual([protectedHeader.alg, protectedHeader.typ], ["EdDSA", "vp+jwt"]);
    const claims = JSON.parse(new TextDecoder().decode(payload));
    assert.deepEqual(
      [claims.type, claims.holder, claims.aud, claims.nonce, claims.exp - claims.iat],
      [["VerifiablePresentation"], didKey(holder.publicKey), didKey(consumer), challenge, PRESENTATION_TTL_S],
    );
  });

  it("refuses a copied credential, a replay and every mismatch with its code", () => {
    // Someone else's key presenting this holder's credential (a credential copied into another profile).
    const thief = nacl.sign.keyPair();
    assert.equal(code(presentCredential(thief.secretKey, { consumer, challenge, grant, now })), "holder_mismatch");
    assert.equal(code(vp, { holder: didKey(thief.publicKey) }), "holder_mismatch");
    assert.equal(code(vp, { consumer: nacl.sign.keyPair().publicKey }), "wrong_audience");
    assert.equal(code(vp, { challenge: toBase64url(nacl.randomBytes(32)) }), "presentation_replayed");
    assert.equal(code(vp, { grant: { ...grant, id: crypto.randomUUID() } }), "grant_mismatch");
    assert.equal(code(vp, { grant: { ...grant, owner: crypto.randomUUID() } }), "grant_mismatch");
    assert.equal(code(vp, { grant: { ...grant, contentHash: "cd".repeat(32) } }), "grant_mismatch");
    assert.equal(code(vp, { now: now + PRESENTATION_TTL_S * 1000 }), "presentation_expired");
    assert.equal(code(vp, { now: now - 120_000 }), "presentation_expired");
    const [, p, s] = vp.split(".") as [string, string, string];
    assert.equal(code(tamperedJws(vp, (c) => (c.nonce = expected.challenge.slice(1)))), "holder_mismatch");
    assert.equal(code(tamperedJws(vp, (c) => delete c.grant)), "presentation_malformed");
    assert.equal(code("a.b.c"), "presentation_malformed");
    assert.equal(code(`${Buffer.from('{"alg":"EdDSA","typ":"vc+jwt"}').toString("base64url")}.${p}.${s}`), "presentation_malformed");
  });
});
