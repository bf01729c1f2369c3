// idOS benchmarks: the local node (SQLite, or DATABASE_URL's PostgreSQL) through the real
// kwil-js, as the frame and consumers use it. Medians of --runs (default 30): a cold
// client's first signed-in view (chain info, the gateway's sign-in, the view), a warm
// view, a transaction broadcast and awaited (share_credential), and a consumer's whole
// read of a grant (sign in, find the grant, read the copy). Last line: JSON.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { idosIssuerSignatures } from "../common/credential";
import { connectIdos } from "../common/idos-kwil";
import { listen } from "../enclave-service/parent/server";
import { openIdosDb } from "../idos-node/idos-db";
import { createIdosApp } from "../idos-node/server";
import { freePort } from "../test/support/ports";
import { faceSignWallet } from "../widget/frame/idos/idos-client";
import { median } from "./stats";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 30;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const signerOf = (key: nacl.SignKeyPair) => ({ publicKey: key.publicKey, sign: (m: Uint8Array) => nacl.sign.detached(m, key.secretKey) });
const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const dataDir = mkdtempSync(join(tmpdir(), "facesign-bench-idos-"));
const db = await openIdosDb({ dataDir, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
const port = await freePort("127.0.0.1");
const url = `http://127.0.0.1:${port}`;
const { server } = await listen(createIdosApp({ db, widgetOrigin: "http://127.0.0.1:1", publicOrigin: url }), "127.0.0.1", port);

const times = { coldView: [] as number[], warmView: [] as number[], broadcast: [] as number[], consumerRead: [] as number[] };
try {
  const user = nacl.sign.keyPair();
  const issuer = nacl.sign.keyPair();
  const grantee = nacl.sign.keyPair();
  const idos = await connectIdos(url, signerOf(user));
  const profileId = crypto.randomUUID();
  await idos.execute("add_user_as_inserter", { id: profileId, recipient_encryption_public_key: b64(nacl.box.keyPair().publicKey), encryption_password_store: "user" });
  await idos.execute("add_wallet", faceSignWallet(signerOf(user), profileId));
  const notes = '{"type":"FaceSignCredential"}';
  const content = nacl.randomBytes(1200);
  const signed = idosIssuerSignatures(issuer.secretKey, notes, content);
  const credentialId = crypto.randomUUID();
  const issuerFields = { public_notes: notes, public_notes_signature: b64(signed.publicNotesSignature), issuer_auth_public_key: hex(issuer.publicKey) };
  await idos.execute("add_credential", { id: credentialId, encryptor_public_key: b64(nacl.randomBytes(32)), content: b64(content), broader_signature: b64(signed.broaderSignature), ...issuerFields });
  for (let i = 0; i < runs; i++) {
    times.coldView.push(await timed(async () => (await connectIdos(url, signerOf(user))).view("get_credentials", {})));
    times.warmView.push(await timed(() => idos.view("get_access_grants_owned", {})));
    const copyId = crypto.randomUUID();
    times.broadcast.push(
      await timed(() =>
        idos.execute("share_credential", {
          id: copyId,
          original_credential_id: credentialId,
          broader_signature: "",
          content: b64(nacl.randomBytes(1200)),
          content_hash: hex(nacl.randomBytes(32)),
          encryptor_public_key: b64(nacl.randomBytes(32)),
          grantee_wallet_identifier: hex(grantee.publicKey),
          locked_until: 0,
          ...issuerFields,
        }),
      ),
    );
    times.consumerRead.push(
      await timed(async () => {
        const consumer = await connectIdos(url, signerOf(grantee));
        const grants = await consumer.view("get_access_grants_granted", { user_id: profileId, page: 1, size: 100 });
        await consumer.view("get_credential_shared", { id: grants.find((g) => g.data_id === copyId)!.data_id });
      }),
    );
  }
} finally {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
}
const result = Object.fromEntries(Object.entries(times).map(([k, v]) => [`${k}MedianMs`, +median(v).toFixed(1)]));
console.log(`idOS node (${process.env.DATABASE_URL ? "PostgreSQL" : "SQLite"}) through kwil-js, medians of ${runs}:`);
console.log(`  cold client, first signed-in view: ${result.coldViewMedianMs} ms; warm view: ${result.warmViewMedianMs} ms`);
console.log(`  transaction broadcast and awaited (share_credential): ${result.broadcastMedianMs} ms`);
console.log(`  consumer read (sign in, find the grant, read the copy): ${result.consumerReadMedianMs} ms`);
console.log(JSON.stringify({ ...result, runs }));
