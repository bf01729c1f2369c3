// A hostile page asks the wallet to sign the text of an idOS transaction (adding the
// page's own wallet to this user's profile). The signature it gets is over FaceSign's
// signed-message prefix, so the idOS node refuses that transaction, while the same
// transaction signed as the frame's idOS adapter signs it passes. Both go through the
// real kwil-js.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { connectIdos } from "../../common/idos-kwil";
import { walletPossessionMessage } from "../../contracts/idos";
import { openSqliteIdosDb } from "../../idos-node/idos-db";
import { deriveKeys } from "../../widget/frame/wallet/keys";
import { signHostMessage } from "../../widget/frame/wallet/signers";
import { startTestIdosNode } from "../support/idos-node-server";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("page messages and idOS transactions", () => {
  it("a page's signMessage never authenticates an idOS transaction", async () => {
    const keys = deriveKeys(Uint8Array.from({ length: 32 }, (_, i) => i));
    const db = openSqliteIdosDb(":memory:");
    const idos = await startTestIdosNode(db, "http://127.0.0.1:1");
    try {
      const asFrame = await connectIdos(idos.url, { publicKey: keys.ed25519.publicKey, sign: (m) => nacl.sign.detached(m, keys.ed25519.secretKey) });
      const asPage = await connectIdos(idos.url, { publicKey: keys.ed25519.publicKey, sign: (m) => Buffer.from(signHostMessage(keys, m), "hex") });
      const userId = crypto.randomUUID();
      await asFrame.execute("add_user_as_inserter", { id: userId, recipient_encryption_public_key: Buffer.from(keys.x25519.publicKey).toString("base64"), encryption_password_store: "user" });
      const attacker = nacl.sign.keyPair();
      const message = walletPossessionMessage(userId, hex(attacker.publicKey));
      const wallet = {
        id: crypto.randomUUID(),
        address: hex(attacker.publicKey),
        public_key: hex(attacker.publicKey),
        wallet_type: "FaceSign" as const,
        message,
        signature: hex(nacl.sign.detached(new TextEncoder().encode(message), attacker.secretKey)),
      };
      await assert.rejects(asPage.execute("add_wallet", wallet), { name: "IdosError", code: "signature_invalid" });
      assert.deepEqual(await asFrame.view("get_wallets", {}), []);
      await asFrame.execute("add_wallet", wallet);
      assert.deepEqual(
        (await asFrame.view("get_wallets", {})).map((w) => w.public_key),
        [hex(attacker.publicKey)],
      );
    } finally {
      await idos.stop();
      await db.close();
    }
  });
});
