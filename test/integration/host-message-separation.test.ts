// A hostile page asks the wallet to sign the text of an idOS request (adding the page's
// own wallet to this user's profile). The signature it gets is over FaceSign's
// signed-message prefix, so the idOS stand-in refuses it, while the same request signed
// as the frame's idOS adapter signs passes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { signingMessage } from "../../contracts/idos";
import { openSqliteIdosDb } from "../../idos-node/idos-db";
import { IdosNode } from "../../idos-node/idos-node";
import { deriveKeys } from "../../widget/frame/wallet/keys";
import { signHostMessage } from "../../widget/frame/wallet/signers";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("page messages and idOS requests", () => {
  it("a page's signMessage never authenticates an idOS request", async () => {
    const keys = deriveKeys(Uint8Array.from({ length: 32 }, (_, i) => i));
    const db = openSqliteIdosDb(":memory:");
    const node = new IdosNode(db);
    const timestamp = Date.now();
    const auth = (signature: string) => ({ public_key: hex(keys.ed25519.publicKey), timestamp, signature });
    const asFrame = (action: Parameters<typeof signingMessage>[0], params: unknown) => auth(hex(nacl.sign.detached(signingMessage(action, timestamp, params), keys.ed25519.secretKey)));
    try {
      const profile = { id: crypto.randomUUID(), recipient_encryption_public_key: Buffer.from(keys.x25519.publicKey).toString("base64") };
      await node.call("add_user_as_inserter", profile, asFrame("add_user_as_inserter", profile));
      const attacker = { id: crypto.randomUUID(), address: "ab".repeat(32), public_key: "ab".repeat(32), wallet_type: "FaceSign" as const, possession: "00".repeat(64) };
      const fromPage = signHostMessage(keys, signingMessage("add_wallet", timestamp, attacker));
      await assert.rejects(node.call("add_wallet", attacker, auth(fromPage)), { name: "IdosError", code: "signature_invalid" });
      assert.deepEqual(await node.call("get_wallets", {}, asFrame("get_wallets", {})), []);
    } finally {
      await db.close();
    }
  });
});
