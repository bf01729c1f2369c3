// The credential format on its own: JWS checked by jose as well as by our verifier,
// did:key round trips, every tamper refused with its code, idOS encryption.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { compactVerify, importJWK } from "jose";
import { toBase64url } from "../../common/base64url";
import { thrownCode } from "../support/thrown-code";
import { tamperedJws } from "../support/tampered-jws";
import { CREDENTIAL_VALIDITY_MS, CredentialError, decryptContent, didKey, encryptContent, issueCredential, publicKeyOfDid, verifyCredential } from "../../common/credential";

const code = (f: () => unknown) => thrownCode(f, CredentialError);

describe("FaceSign credential", () => {
  const issuer = nacl.sign.keyPair();
  const subject = nacl.sign.keyPair();
  const issuedAt = Date.UTC(2026, 10, 25);
  const jws = issueCredential(issuer.secretKey, subject.publicKey, "AAAAAAAAAAAAAAAAAAAAAA", issuedAt);
  const verify = (j: string, now = issuedAt + 1000) => verifyCredential(j, now);

  it("is a vc+jwt that jose verifies with the issuer's did:key", async () => {
    const vc = verify(jws);
    assert.equal(vc.issuer, didKey(issuer.publicKey));
    assert.match(vc.issuer, /^did:key:z6Mk/);
    assert.deepEqual(publicKeyOfDid(vc.credentialSubject.id), subject.publicKey);
    assert.equal(vc.validFrom, "2026-11-25T00:00:00.000Z");
    assert.equal(vc.validUntil, new Date(issuedAt + CREDENTIAL_VALIDITY_MS).toISOString());
    const { protectedHeader, payload } = await compactVerify(jws, await importJWK({ kty: "OKP", crv: "Ed25519", x: toBase64url(issuer.publicKey) }, "EdDSA"));
    assert.deepEqual([protectedHeader.alg, protectedHeader.typ, protectedHeader.cty], ["EdDSA", "vc+jwt", "vc"]);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), vc);
  });

  it("refuses tampering, another issuer, and garbage, each with its code", () => {
    const [h, p] = jws.split(".") as [string, string];
    const forge = (change: Parameters<typeof tamperedJws>[1]) => tamperedJws(jws, change);
    assert.equal(
      code(() => verify(forge((x) => (x.credentialSubject.faceSignUserId = "BBBBBBBBBBBBBBBBBBBBBB")))),
      "jws_signature_invalid",
    );
    assert.equal(
      code(() => verify(forge((x) => (x.issuer = didKey(nacl.sign.keyPair().publicKey))))),
      "jws_signature_invalid",
    );
    assert.equal(
      code(() => verify(forge((x) => (x.issuer = "did:web:example.org")))),
      "did_invalid",
    );
    assert.equal(
      code(() => verify(forge((x) => (x.type = ["VerifiableCredential"])))),
      "credential_malformed",
    );
    assert.equal(
      code(() => verify(`${h}.${p}`)),
      "jws_malformed",
    );
    assert.equal(
      code(() => verify("a.b.c")),
      "jws_malformed",
    );
    assert.equal(
      code(() => verify(`${Buffer.from('{"alg":"none","typ":"vc+jwt"}').toString("base64url")}.${p}.`)),
      "jws_malformed",
    );
    assert.equal(
      code(() => publicKeyOfDid("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK0")),
      "did_invalid",
    );
  });

  it("is valid from its issue for CREDENTIAL_VALIDITY_MS, and expired outside", () => {
    assert.equal(verify(jws, issuedAt).validFrom, "2026-11-25T00:00:00.000Z");
    assert.equal(verify(jws, issuedAt + CREDENTIAL_VALIDITY_MS - 1).validFrom, "2026-11-25T00:00:00.000Z");
    assert.equal(
      code(() => verify(jws, issuedAt - 1)),
      "credential_expired",
    );
    assert.equal(
      code(() => verify(jws, issuedAt + CREDENTIAL_VALIDITY_MS)),
      "credential_expired",
    );
  });

  it("encrypts as idOS does: nonce ‖ box from a fresh ephemeral key; only the recipient opens it", () => {
    const recipient = nacl.box.keyPair();
    const a = encryptContent(new TextEncoder().encode(jws), recipient.publicKey);
    const b = encryptContent(new TextEncoder().encode(jws), recipient.publicKey);
    assert.notDeepEqual(a.encryptorPublicKey, b.encryptorPublicKey);
    assert.equal(new TextDecoder().decode(decryptContent(a.content, a.encryptorPublicKey, recipient.secretKey)), jws);
    assert.equal(
      code(() => decryptContent(a.content, a.encryptorPublicKey, nacl.box.keyPair().secretKey)),
      "decryption_failed",
    );
    assert.equal(
      code(() => decryptContent(a.content.subarray(0, 20), a.encryptorPublicKey, recipient.secretKey)),
      "decryption_failed",
    );
  });
});
