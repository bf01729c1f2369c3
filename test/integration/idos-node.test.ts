// The local idOS node over HTTP, on both storage backends: profiles, wallets,
// credentials, shares and grants with idOS's names; authentication of every write and
// owner read; replays, stale and forged signatures, other profiles' data, locked
// revocations and malformed input, each refused with its code.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import pg from "pg";
import { openPostgresIdosDb, openSqliteIdosDb, type IdosDb } from "../../idos-node/idos-db";
import { idosCall } from "../../common/idos-call";
import { IdosError, signingMessage, walletPossessionMessage, type IdosAction, type IdosAuth, type IdosParams } from "../../contracts/idos";
import { createIdosApp } from "../../idos-node/server";
import { listen } from "../../enclave-service/parent/server";
import { startPostgres, type LocalPostgres } from "../../scripts/postgres";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const WIDGET = "http://127.0.0.1:1";

const fromHexString = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
/** ed25519's group order. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The signature R ‖ S rewritten as R ‖ (S + L): the same point equation, a non-canonical S. */
function withSPlusL(signature: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!);
  const out = signature.slice();
  for (let i = 0, t = s + L; i < 32; i++, t >>= 8n) out[32 + i] = Number(t & 255n);
  return out;
}

function signer(key: nacl.SignKeyPair) {
  return <A extends IdosAction>(action: A, params: IdosParams<A>, at = Date.now()): IdosAuth => ({
    public_key: hex(key.publicKey),
    timestamp: at,
    signature: hex(nacl.sign.detached(signingMessage(action, at, params), key.secretKey)),
  });
}
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof IdosError ? e.code : String(e)),
  );

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`idOS node (${backend})`, () => {
    let url: string;
    let db: IdosDb;
    let stop: () => Promise<void>;
    let pgServer: LocalPostgres | undefined;
    const dir = mkdtempSync(join(tmpdir(), "facesign-idos-"));
    before(async () => {
      if (backend === "postgres") {
        const started = await startPostgres();
        pgServer = started;
        const admin = new pg.Client({ connectionString: started.url });
        await admin.connect();
        await admin.query("CREATE DATABASE idos_test");
        await admin.end();
        db = await openPostgresIdosDb(started.url.replace(/\/postgres$/, "/idos_test"));
      } else db = openSqliteIdosDb(join(dir, "idos.sqlite"));
      const { server, port } = await listen(createIdosApp({ db, widgetOrigin: WIDGET }), "127.0.0.1", 0);
      url = `http://127.0.0.1:${port}`;
      stop = async () => {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        await db.close();
      };
    });
    after(async () => {
      await stop?.();
      pgServer?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("profile → wallet → credential → share with a grant → revoke, each refusal typed", async () => {
      const alice = nacl.sign.keyPair();
      const bob = nacl.sign.keyPair();
      const as =
        (key: nacl.SignKeyPair) =>
        <A extends IdosAction>(action: A, params: IdosParams<A>) =>
          idosCall(url, action, params, signer(key)(action, params));
      const [a, b] = [as(alice), as(bob)];
      const [aliceId, bobId] = [crypto.randomUUID(), crypto.randomUUID()];

      assert.equal(await idosCall(url, "has_profile", { address: hex(alice.publicKey) }), false);
      await a("add_user_as_inserter", { id: aliceId, recipient_encryption_public_key: b64(nacl.box.keyPair().publicKey) });
      assert.equal(await codeOf(a("add_user_as_inserter", { id: crypto.randomUUID(), recipient_encryption_public_key: b64(new Uint8Array(32)) })), "conflict");
      const walletOf = (key: nacl.SignKeyPair, profile: string, holder = key) => ({
        id: crypto.randomUUID(),
        address: hex(key.publicKey),
        public_key: hex(key.publicKey),
        wallet_type: "FaceSign" as const,
        possession: hex(nacl.sign.detached(walletPossessionMessage(profile, hex(key.publicKey)), holder.secretKey)),
      });
      await a("add_wallet", walletOf(alice, aliceId));
      assert.equal(await idosCall(url, "has_profile", { address: hex(alice.publicKey) }), true);
      assert.equal((await a("get_user", {})).id, aliceId);
      assert.deepEqual(
        (await a("get_wallets", {})).map((w) => w.wallet_type),
        ["FaceSign"],
      );
      await b("add_user_as_inserter", { id: bobId, recipient_encryption_public_key: b64(nacl.box.keyPair().publicKey) });
      // Wallet squatting: Bob puts a key he does not hold into his profile. Without that key's
      // signature naming Bob's profile it is refused, and Alice's own statement names hers.
      const newcomer = nacl.sign.keyPair();
      assert.equal(await codeOf(b("add_wallet", walletOf(newcomer, bobId, bob))), "possession_invalid");
      assert.equal(await codeOf(b("add_wallet", walletOf(newcomer, crypto.randomUUID()))), "possession_invalid");
      assert.equal(await codeOf(b("add_wallet", walletOf(alice, aliceId))), "possession_invalid");

      const credId = crypto.randomUUID();
      await a("add_credential", {
        id: credId,
        issuer_auth_public_key: "did:key:z6Mk",
        encryptor_public_key: b64(new Uint8Array(32)),
        content: b64(new Uint8Array(80)),
        public_notes: '{"type":"FaceSignCredential"}',
      });
      assert.deepEqual(
        (await a("get_credentials", {})).map((c) => c.id),
        [credId],
      );
      assert.equal((await a("get_credential_owned", { id: credId })).content, b64(new Uint8Array(80)));
      assert.equal(await codeOf(b("get_credential_owned", { id: credId })), "forbidden");

      const share = (grantId: string, lockedUntil: number, original = credId, who = a) =>
        who("share_credential", {
          id: crypto.randomUUID(),
          original_credential_id: original,
          grant_id: grantId,
          public_notes: "{}",
          content: b64(new Uint8Array(90)),
          encryptor_public_key: b64(new Uint8Array(32)),
          issuer_auth_public_key: "did:key:z6Mk",
          grantee_wallet_identifier: "ab".repeat(32),
          locked_until: lockedUntil,
          content_hash: "cd".repeat(32),
        });
      const [open, locked] = [crypto.randomUUID(), crypto.randomUUID()];
      const grant = await share(open, 0);
      await share(locked, Date.now() + 60_000);
      assert.equal(await codeOf(share(crypto.randomUUID(), 0, credId, b)), "forbidden");
      assert.equal(await codeOf(share(open, 0)), "conflict");
      assert.deepEqual(await idosCall(url, "get_access_grant", { id: open }), grant);
      assert.equal((await idosCall(url, "get_credential_shared", { id: grant.data_id })).original_id, credId);
      assert.deepEqual((await a("get_access_grants_owned", {})).map((g) => g.id).sort(), [open, locked].sort());
      assert.deepEqual(await b("get_access_grants_owned", {}), []);

      assert.equal(await codeOf(a("revoke_access_grant", { id: locked })), "locked");
      assert.equal(await codeOf(b("revoke_access_grant", { id: open })), "forbidden");
      assert.deepEqual(await a("revoke_access_grant", { id: open }), { id: open });
      assert.equal(await codeOf(idosCall(url, "get_access_grant", { id: open })), "grant_revoked");
      assert.equal(await codeOf(idosCall(url, "get_credential_shared", { id: grant.data_id })), "grant_revoked");
      assert.equal(await codeOf(a("revoke_access_grant", { id: open })), "grant_revoked");
      assert.equal(await codeOf(idosCall(url, "get_access_grant", { id: crypto.randomUUID() })), "not_found");
    });

    it("refuses unsigned, forged, replayed, stale and unknown-key requests, and malformed ones", async () => {
      const carol = nacl.sign.keyPair();
      const params = { id: crypto.randomUUID(), recipient_encryption_public_key: b64(new Uint8Array(32)) };
      assert.equal(await codeOf(idosCall(url, "add_user_as_inserter", params)), "unauthenticated");
      const auth = signer(carol)("add_user_as_inserter", params);
      assert.equal(await codeOf(idosCall(url, "add_user_as_inserter", { ...params, id: crypto.randomUUID() }, auth)), "signature_invalid");
      assert.equal(await codeOf(idosCall(url, "add_user_as_inserter", params, { ...auth, public_key: hex(nacl.sign.keyPair().publicKey) })), "signature_invalid");
      assert.equal(await codeOf(idosCall(url, "add_user_as_inserter", params, signer(carol)("add_user_as_inserter", params, Date.now() - 10 * 60_000))), "stale_request");
      // The same signature in its second encoding (S + L), which tweetnacl accepts: refused before and after the original.
      const malleable = { ...auth, signature: hex(withSPlusL(fromHexString(auth.signature))) };
      assert.equal(await codeOf(idosCall(url, "add_user_as_inserter", params, malleable)), "signature_invalid");
      await idosCall(url, "add_user_as_inserter", params, auth);
      assert.equal(await codeOf(idosCall(url, "add_user_as_inserter", params, auth)), "replayed");
      assert.equal(await codeOf(idosCall(url, "add_user_as_inserter", params, malleable)), "signature_invalid");
      assert.equal(await codeOf(idosCall(url, "get_user", {}, signer(nacl.sign.keyPair())("get_user", {}))), "not_found");
      assert.equal(await codeOf(idosCall(url, "has_profile", { address: 7 } as never)), "malformed_request");
      assert.equal(await codeOf(idosCall(url, "add_wallet", { id: "x", address: "y", public_key: "z", wallet_type: "EVM" } as never, auth)), "malformed_request");
      assert.equal(await codeOf(idosCall(url, "drop_everything" as IdosAction, {})), "unknown_action");
      for (const body of ["not json", JSON.stringify({ params: {}, extra: 1 }), JSON.stringify({ params: {}, auth: { public_key: "zz" } }), "x".repeat(300_000)]) {
        const res = await fetch(`${url}/v1/actions/get_user`, { method: "POST", headers: { "content-type": "application/json" }, body });
        assert.equal(res.status, 400, body.slice(0, 40));
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, "malformed_request");
      }
      const cors = await fetch(`${url}/v1/actions/has_profile`, { method: "OPTIONS", headers: { origin: WIDGET } });
      assert.equal(cors.headers.get("access-control-allow-origin"), WIDGET);
      const foreign = await fetch(`${url}/v1/actions/has_profile`, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
      assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    });
  });
}
