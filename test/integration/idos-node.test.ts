// The local idOS node through the real @idos-network/kwil-js, on both storage backends:
// profiles, wallets, credentials, shares and grants with idOS's action names; every
// transaction signed, every view of a user's data behind the Kwil gateway's sign-in.
// Then the wire, as an attacker holds it: replayed, malleated, tampered, re-chained and
// nonce-skipping transactions, forged or replayed sign-ins, views for another account,
// wallet squatting, other profiles' data and malformed input, each refused with its code.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import pg from "pg";
import { base64 } from "@scure/base";
import { openPostgresIdosDb, openSqliteIdosDb, type IdosDb } from "../../idos-node/idos-db";
import { signInMessage, txSigningMessage } from "../../idos-node/kwil-codec";
import { connectIdos, type IdosKwilClient } from "../../common/idos-kwil";
import { idosIssuerSignatures } from "../../common/credential";
import { IdosError, idosErrorFrom, walletPossessionMessage, type AuthParam, type KwilTx } from "../../contracts/idos";
import { startPostgres, type LocalPostgres } from "../../scripts/postgres";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startTestIdosNode, type TestIdosNode } from "../support/idos-node-server";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const WIDGET = "http://127.0.0.1:1";

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

const signerOf = (key: nacl.SignKeyPair) => ({ publicKey: key.publicKey, sign: (m: Uint8Array) => nacl.sign.detached(m, key.secretKey) });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof IdosError ? e.code : String(e)),
  );
/** The refusal code in a raw JSON-RPC answer: its error, or its transaction's failed result. */
const rpcCode = ({ body }: { body: { result?: unknown; error?: { message: string } } }) =>
  body.error
    ? (idosErrorFrom(body.error.message)?.code ?? `rpc ${body.error.message}`)
    : (body.result as { result?: { code: number; log: string } }).result?.code
      ? idosErrorFrom((body.result as { result: { log: string } }).result.log)?.code
      : "ok";

/** A Kwil action-call payload made by hand: version 0, namespace, action, arguments. */
function callPayload(namespace: string, action: string, extra = new Uint8Array()): string {
  const text = (s: string) => {
    const b = new TextEncoder().encode(s);
    const out = new Uint8Array(4 + b.length);
    new DataView(out.buffer).setUint32(0, b.length, true);
    out.set(b, 4);
    return out;
  };
  return b64(new Uint8Array([0, 0, ...text(namespace), ...text(action), 0, 0, ...extra]));
}

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`idOS node over kwil-js (${backend})`, () => {
    let idos: TestIdosNode;
    let db: IdosDb;
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
      idos = await startTestIdosNode(db, WIDGET);
    });
    after(async () => {
      await idos?.stop();
      await db?.close();
      pgServer?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const profile = async (client: IdosKwilClient) => {
      const id = crypto.randomUUID();
      await client.execute("add_user_as_inserter", { id, recipient_encryption_public_key: b64(nacl.box.keyPair().publicKey), encryption_password_store: "user" });
      return id;
    };
    const walletOf = (key: nacl.SignKeyPair, profileId: string, holder = key) => {
      const message = walletPossessionMessage(profileId, hex(key.publicKey));
      return {
        id: crypto.randomUUID(),
        address: hex(key.publicKey),
        public_key: hex(key.publicKey),
        wallet_type: "FaceSign" as const,
        message,
        signature: hex(nacl.sign.detached(new TextEncoder().encode(message), holder.secretKey)),
      };
    };

    it("profile → wallet → credential → share → the grantee reads → revoke, each refusal typed", async () => {
      const [alice, bob, grantee, stranger] = [nacl.sign.keyPair(), nacl.sign.keyPair(), nacl.sign.keyPair(), nacl.sign.keyPair()];
      const [a, b, g, s] = await Promise.all(
        [alice, bob, grantee, stranger].map((k) => connectIdos(idos.url, signerOf(k))) as [Promise<IdosKwilClient>, Promise<IdosKwilClient>, Promise<IdosKwilClient>, Promise<IdosKwilClient>],
      );
      const anyone = await connectIdos(idos.url);

      assert.deepEqual(await anyone.view("has_profile", { address: hex(alice.publicKey) }), [{ has_profile: false }]);
      const aliceId = await profile(a);
      assert.equal(await codeOf(profile(a)), "conflict");
      await a.execute("add_wallet", walletOf(alice, aliceId));
      assert.deepEqual(await anyone.view("has_profile", { address: hex(alice.publicKey) }), [{ has_profile: true }]);
      assert.equal((await a.view("get_user", {}))[0]!.id, aliceId);
      assert.deepEqual(
        (await a.view("get_wallets", {})).map((w) => [w.wallet_type, w.public_key]),
        [["FaceSign", hex(alice.publicKey)]],
      );
      const bobId = await profile(b);
      // Wallet squatting: Bob puts a key he does not hold into his profile. Without that key's
      // signature over a statement naming Bob's profile it is refused; Alice's statement names hers.
      const newcomer = nacl.sign.keyPair();
      assert.equal(await codeOf(b.execute("add_wallet", walletOf(newcomer, bobId, bob))), "possession_invalid");
      assert.equal(await codeOf(b.execute("add_wallet", walletOf(newcomer, crypto.randomUUID()))), "possession_invalid");
      assert.equal(await codeOf(b.execute("add_wallet", walletOf(alice, aliceId))), "possession_invalid");

      // The issuer (the enclave, for FaceSign's credential) signs the notes, then that signature ‖ the content.
      const issuer = nacl.sign.keyPair();
      const notes = '{"type":"FaceSignCredential"}';
      const signatures = idosIssuerSignatures(issuer.secretKey, notes, new Uint8Array(80));
      const credId = crypto.randomUUID();
      const credential = {
        id: credId,
        issuer_auth_public_key: hex(issuer.publicKey),
        encryptor_public_key: b64(new Uint8Array(32)),
        content: b64(new Uint8Array(80)),
        public_notes: notes,
        public_notes_signature: b64(signatures.publicNotesSignature),
        broader_signature: b64(signatures.broaderSignature),
      };
      // A credential that claims the issuer without its signatures, or with its signatures over other content.
      const forged = { ...credential, id: crypto.randomUUID() };
      assert.equal(await codeOf(a.execute("add_credential", { ...forged, public_notes_signature: "", broader_signature: "" })), "issuer_signature_invalid");
      assert.equal(await codeOf(a.execute("add_credential", { ...forged, content: b64(new Uint8Array(81)) })), "issuer_signature_invalid");
      assert.equal(await codeOf(a.execute("add_credential", { ...forged, issuer_auth_public_key: hex(nacl.sign.keyPair().publicKey) })), "issuer_signature_invalid");
      await a.execute("add_credential", credential);
      assert.equal(await codeOf(a.execute("add_credential", credential)), "conflict");
      assert.deepEqual(
        (await a.view("get_credentials", {})).map((c) => [c.id, c.original_id]),
        [[credId, null]],
      );
      assert.equal((await a.view("get_credential_owned", { id: credId }))[0]!.content, b64(new Uint8Array(80)));
      assert.equal(await codeOf(b.view("get_credential_owned", { id: credId })), "forbidden");

      const share = (copyId: string, lockedUntil: number, who = a, original = credId, change: { public_notes?: string; issuer_auth_public_key?: string } = {}) =>
        who.execute("share_credential", {
          id: copyId,
          original_credential_id: original,
          public_notes: notes,
          public_notes_signature: b64(signatures.publicNotesSignature),
          broader_signature: "",
          content: b64(new Uint8Array(90)),
          content_hash: "cd".repeat(32),
          encryptor_public_key: b64(new Uint8Array(32)),
          issuer_auth_public_key: hex(issuer.publicKey),
          grantee_wallet_identifier: hex(grantee.publicKey),
          locked_until: lockedUntil,
          ...change,
        });
      // A copy relabelled with other notes or another issuer.
      assert.equal(await codeOf(share(crypto.randomUUID(), 0, a, credId, { public_notes: "{}" })), "issuer_signature_invalid");
      assert.equal(await codeOf(share(crypto.randomUUID(), 0, a, credId, { issuer_auth_public_key: hex(nacl.sign.keyPair().publicKey) })), "issuer_signature_invalid");
      const [openCopy, lockedCopy] = [crypto.randomUUID(), crypto.randomUUID()];
      await share(openCopy, 0);
      await share(lockedCopy, Date.now() + 60_000);
      assert.equal(await codeOf(share(crypto.randomUUID(), 0, b)), "forbidden");
      assert.equal(await codeOf(share(openCopy, 0)), "conflict");
      assert.equal(await codeOf(share(crypto.randomUUID(), 0, a, openCopy)), "not_found");
      const owned = await a.view("get_access_grants_owned", {});
      assert.deepEqual(owned.map((x) => x.data_id).sort(), [openCopy, lockedCopy].sort());
      const open = owned.find((x) => x.data_id === openCopy)!;
      const locked = owned.find((x) => x.data_id === lockedCopy)!;
      assert.deepEqual(await b.view("get_access_grants_owned", {}), []);

      // Only the grantee, signed in as itself, sees the grants and reads the copies.
      assert.deepEqual((await g.view("get_access_grants_granted", { user_id: null, page: 1, size: 10 })).map((x) => x.id).sort(), [open.id, locked.id].sort());
      assert.deepEqual(await g.view("get_access_grants_granted", { user_id: bobId, page: 1, size: 10 }), []);
      assert.equal((await g.view("get_credential_shared", { id: openCopy }))[0]!.content, b64(new Uint8Array(90)));
      assert.deepEqual(await s.view("get_access_grants_granted", { user_id: null, page: 1, size: 10 }), []);
      assert.equal(await codeOf(s.view("get_credential_shared", { id: openCopy })), "forbidden");
      assert.equal(await codeOf(a.view("get_credential_shared", { id: openCopy })), "forbidden");
      assert.equal(await codeOf(anyone.view("get_credential_shared", { id: openCopy })), "unauthenticated");
      assert.equal(await codeOf(g.view("get_credential_shared", { id: credId })), "not_found");

      assert.equal(await codeOf(a.execute("revoke_access_grant", { id: locked.id })), "locked");
      assert.equal(await codeOf(b.execute("revoke_access_grant", { id: open.id })), "forbidden");
      await a.execute("revoke_access_grant", { id: open.id });
      assert.equal(await codeOf(g.view("get_credential_shared", { id: openCopy })), "grant_revoked");
      assert.equal(await codeOf(a.execute("revoke_access_grant", { id: open.id })), "grant_revoked");
      assert.equal(await codeOf(a.execute("revoke_access_grant", { id: crypto.randomUUID() })), "not_found");
      assert.deepEqual(
        (await g.view("get_access_grants_granted", { user_id: aliceId, page: 1, size: 10 })).map((x) => x.id),
        [locked.id],
      );

      // Removing a credential: not while a copy is shared under a locked grant, not another's, not a copy.
      assert.equal(await codeOf(a.execute("remove_credential", { id: credId })), "locked");
      assert.equal(await codeOf(b.execute("remove_credential", { id: credId })), "forbidden");
      assert.equal(await codeOf(a.execute("remove_credential", { id: openCopy })), "not_found");
      const spare = { ...credential, id: crypto.randomUUID() };
      await a.execute("add_credential", spare);
      await a.execute("remove_credential", { id: spare.id });
      assert.deepEqual(
        (await a.view("get_credentials", {})).map((c) => c.id),
        [credId],
      );
    });

    it("refuses replayed, malleated, tampered, re-chained and nonce-skipping transactions", async () => {
      const carol = nacl.sign.keyPair();
      const c = await connectIdos(idos.url, signerOf(carol));
      idos.holdNext();
      await assert.rejects(profile(c));
      const tx = idos.broadcasts.at(-1)!;
      const send = (t: KwilTx) => idos.rpc("user.broadcast", { tx: t, sync: 1 });
      const resign = (t: KwilTx): KwilTx => ({
        ...t,
        signature: { ...t.signature, sig: b64(nacl.sign.detached(txSigningMessage(t.body, base64.decode(t.body.payload)), carol.secretKey)) },
      });
      // The same signature in its second encoding (S + L), which tweetnacl accepts: refused before and after the original.
      const malleated = { ...tx, signature: { ...tx.signature, sig: b64(withSPlusL(base64.decode(tx.signature.sig))) } };
      assert.equal(rpcCode(await send(malleated)), "signature_invalid");
      assert.equal(rpcCode(await send(resign({ ...tx, body: { ...tx.body, nonce: tx.body.nonce + 5 } }))), "bad_nonce");
      assert.equal(rpcCode(await send(tx)), "ok");
      assert.equal(rpcCode(await send(tx)), "replayed");
      assert.equal(rpcCode(await send(malleated)), "signature_invalid");
      const payload = base64.decode(tx.body.payload);
      payload[payload.length - 3]! ^= 1;
      assert.equal(rpcCode(await send({ ...tx, body: { ...tx.body, payload: b64(payload), nonce: tx.body.nonce + 1 } })), "signature_invalid");
      assert.equal(rpcCode(await send(resign({ ...tx, body: { ...tx.body, chain_id: "another-chain", nonce: tx.body.nonce + 1 } }))), "wrong_chain");
      assert.equal(rpcCode(await send({ ...tx, sender: hex(nacl.sign.keyPair().publicKey) })), "signature_invalid");
      assert.equal(rpcCode(await send(resign({ ...tx, body: { ...tx.body, fee: "1", nonce: tx.body.nonce + 1 } }))), "unsupported");
      assert.equal(rpcCode(await send({ ...tx, signature: { ...tx.signature, type: "secp256k1_ep" } })), "signature_invalid");
      assert.equal(rpcCode(await send({ ...tx, signature: { ...tx.signature, type: "bls12_381" } })), "unsupported");
      // A well-signed transaction whose action refuses still spends its nonce, as on a chain.
      const again = resign({ ...tx, body: { ...tx.body, nonce: tx.body.nonce + 1 } });
      assert.equal(rpcCode(await send(again)), "conflict");
      assert.equal(rpcCode(await send(again)), "replayed");
    });

    it("a profile an EVM wallet made takes the user's FaceSign wallet with that wallet's signature and the FaceSign key's own; EVM signatures are strict too", async () => {
      const evm = privateKeyToAccount(generatePrivateKey());
      const e = await connectIdos(idos.url, { address: evm.address, signMessage: (m) => evm.signMessage({ message: { raw: m } }) });
      const profileId = await profile(e);
      const faceSign = nacl.sign.keyPair();
      idos.holdNext();
      await assert.rejects(e.execute("add_wallet", walletOf(faceSign, profileId)));
      const tx = idos.broadcasts.at(-1)!;
      assert.deepEqual([tx.signature.type, tx.sender], ["secp256k1_ep", evm.address.slice(2).toLowerCase()]);
      // The same signature's twin (r, n − s, the other recovery bit) recovers the same address: refused, before and after.
      const sig = base64.decode(tx.signature.sig);
      let s = 0n;
      for (const b of sig.subarray(32, 64)) s = (s << 8n) | BigInt(b);
      const twin = sig.slice();
      for (let i = 63, t = secp256k1.Point.CURVE().n - s; i >= 32; i--, t >>= 8n) twin[i] = Number(t & 255n);
      twin[64] = sig[64]! === 27 ? 28 : 27;
      const twinTx = { ...tx, signature: { ...tx.signature, sig: b64(twin) } };
      const send = (t: KwilTx) => idos.rpc("user.broadcast", { tx: t, sync: 1 });
      assert.equal(rpcCode(await send(twinTx)), "signature_invalid");
      assert.equal(rpcCode(await send(tx)), "ok");
      assert.equal(rpcCode(await send(twinTx)), "signature_invalid");
      // The FaceSign wallet now speaks for the EVM wallet's profile: its credential goes there.
      const f = await connectIdos(idos.url, signerOf(faceSign));
      assert.equal((await f.view("get_user", {}))[0]!.id, profileId);
      assert.deepEqual(
        (await e.view("get_wallets", {})).map((w) => w.public_key),
        [hex(faceSign.publicKey)],
      );
    });

    it("signs in once per nonce, for this node's domain only; a session reads only for its own account", async () => {
      const dave = nacl.sign.keyPair();
      const d = await connectIdos(idos.url, signerOf(dave));
      await profile(d);
      const signIn = async (param: AuthParam, key = dave) =>
        idos.rpc("kgw.authn", { nonce: param.nonce, sender: hex(dave.publicKey), signature: { sig: b64(nacl.sign.detached(signInMessage(param), key.secretKey)), type: "ed25519" } });
      const param = (await idos.rpc("kgw.authn_param", {})).body.result as AuthParam;
      assert.equal(param.domain, idos.url);
      // A sign-in made for another node's domain does not verify here, and its nonce is spent.
      assert.equal(rpcCode(await signIn({ ...param, domain: "https://evil.example" })), "signature_invalid");
      assert.equal(rpcCode(await signIn(param)), "unauthenticated");
      const good = (await idos.rpc("kgw.authn_param", {})).body.result as AuthParam;
      assert.equal(rpcCode(await signIn(good, nacl.sign.keyPair())), "signature_invalid");
      const last = (await idos.rpc("kgw.authn_param", {})).body.result as AuthParam;
      const signedIn = await signIn(last);
      assert.equal(rpcCode(signedIn), "ok");
      assert.match(signedIn.setCookie!, /kgw_session=[A-Za-z0-9_-]+; .*HttpOnly; SameSite=None; Secure; Partitioned/);
      assert.equal(rpcCode(await signIn(last)), "unauthenticated");
      const cookie = signedIn.setCookie!.split(";")[0]!;
      const getUser = { body: { payload: callPayload("main", "get_user") }, auth_type: "ed25519" };
      assert.equal(rpcCode(await idos.rpc("user.call", { ...getUser, sender: hex(dave.publicKey) }, cookie)), "ok");
      // A session names one account: a call for another sender, or no session at all, is sent to sign in.
      for (const [sender, withCookie] of [
        [hex(nacl.sign.keyPair().publicKey), cookie],
        [hex(dave.publicKey), undefined],
      ] as const) {
        const refused = await idos.rpc("user.call", { ...getUser, sender }, withCookie);
        assert.deepEqual([refused.status, refused.body.error?.code], [401, -901]);
      }
    });

    it("answers malformed requests, unknown actions and methods with their codes; CORS admits the widget origin only", async () => {
      const call = (payload: string) => idos.rpc("user.call", { body: { payload }, auth_type: "ed25519", sender: "" });
      assert.equal(rpcCode(await call(callPayload("main", "drop_everything"))), "unknown_action");
      assert.equal(rpcCode(await call(callPayload("main", "add_wallet"))), "unknown_action");
      assert.equal(rpcCode(await call(callPayload("other", "has_profile"))), "unknown_action");
      assert.equal(rpcCode(await call(callPayload("main", "has_profile"))), "malformed_request");
      assert.equal(rpcCode(await call(callPayload("main", "has_profile", new Uint8Array([9])))), "malformed_request");
      assert.equal(rpcCode(await call("AAA=")), "malformed_request");
      assert.equal(rpcCode(await idos.rpc("user.broadcast", { tx: { nonsense: true } })), "malformed_request");
      assert.equal((await idos.rpc("user.drop_everything", {})).body.error?.code, -32601);
      for (const body of ["not json", "x".repeat(300_000)]) {
        const res = await fetch(`${idos.direct}/rpc/v1`, { method: "POST", headers: { "content-type": "application/json" }, body });
        assert.equal(res.status, 400, body.slice(0, 40));
        assert.equal(idosErrorFrom(((await res.json()) as { error: { message: string } }).error.message)?.code, "malformed_request");
      }
      const cors = await fetch(`${idos.direct}/rpc/v1`, { method: "OPTIONS", headers: { origin: WIDGET } });
      assert.deepEqual([cors.headers.get("access-control-allow-origin"), cors.headers.get("access-control-allow-credentials")], [WIDGET, "true"]);
      const foreign = await fetch(`${idos.direct}/rpc/v1`, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
      assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    });
  });
}
