// The wallet's keys and signatures, checked against independent implementations:
// node:crypto's HKDF, viem's address derivation and signature verification, tweetnacl.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hkdfSync } from "node:crypto";
import nacl from "tweetnacl";
import { privateKeyToAddress } from "viem/accounts";
import { verifyMessage, verifyTypedData } from "viem";
import { deriveKeys } from "../../widget/frame/wallet/keys";
import { personalDigest, signDigest, signHostMessage, typedDataDigest } from "../../widget/frame/wallet/signers";
import { readableMessage, readableTypedData } from "../../widget/frame/wallet/readable";
import { parseArgs, signedMessageBytes } from "../../contracts/page-frame";
import { MAIL } from "../support/typed-data";
import type { TypedData } from "../../contracts/page-frame";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ENTROPY = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Documented in the README: entropy 00 01 … 1f. */
const VECTORS = {
  ed25519PublicKey: "3f6af805ba55627770fc7602cc98d2c50a90172aaa00950501bd23149400c8f5",
  secp256k1PrivateKey: "210f96c05359fae1ac54da85b79ee085cb2733940340f636bee7876a1d8585f9",
  address: "0xB759ae9754A2773b70a61551Bcc5E19E4652EA82",
  x25519PublicKey: "2fb32448468bda0feb030814256a6c3da2137e0a8fbb68b81dca1efd6b2e4c56",
};

describe("wallet keys", () => {
  it("derives the documented vectors, and each key equals an independent HKDF-SHA256", () => {
    const keys = deriveKeys(ENTROPY);
    assert.deepEqual(
      { ed25519PublicKey: hex(keys.ed25519.publicKey), secp256k1PrivateKey: hex(keys.secp256k1.privateKey), address: keys.secp256k1.address, x25519PublicKey: hex(keys.x25519.publicKey) },
      VECTORS,
    );
    const okm = (name: string, n: number) => new Uint8Array(hkdfSync("sha256", ENTROPY, "facesign/v1/keys", `facesign/v1/${name}`, n));
    assert.equal(hex(nacl.sign.keyPair.fromSeed(okm("ed25519", 32)).publicKey), VECTORS.ed25519PublicKey);
    assert.equal(hex(nacl.box.keyPair.fromSecretKey(okm("x25519", 32)).publicKey), VECTORS.x25519PublicKey);
    const wide = BigInt(`0x${hex(okm("secp256k1", 48))}`);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    assert.equal((wide % (n - 1n)) + 1n, BigInt(`0x${VECTORS.secp256k1PrivateKey}`));
    assert.equal(privateKeyToAddress(`0x${VECTORS.secp256k1PrivateKey}`), VECTORS.address);
  });

  it("different entropy gives unrelated keys; a wrong-length entropy is refused", () => {
    const a = deriveKeys(ENTROPY);
    const b = deriveKeys(ENTROPY.map((x, i) => (i === 31 ? x ^ 1 : x)));
    assert.notEqual(a.secp256k1.address, b.secp256k1.address);
    assert.notEqual(hex(a.ed25519.publicKey), hex(b.ed25519.publicKey));
    assert.throws(() => deriveKeys(new Uint8Array(31)), RangeError);
  });

  it("signatures verify with viem and tweetnacl, and not for another message", async () => {
    const keys = deriveKeys(ENTROPY);
    const text = "Sign in to example.org\nNonce: 42";
    const personal = signDigest(keys, personalDigest(new TextEncoder().encode(text)));
    assert.ok(await verifyMessage({ address: VECTORS.address as `0x${string}`, message: text, signature: personal }));
    assert.equal(await verifyMessage({ address: VECTORS.address as `0x${string}`, message: `${text}!`, signature: personal }), false);
    const typed = signDigest(keys, typedDataDigest(MAIL));
    assert.ok(await verifyTypedData({ ...(MAIL as Parameters<typeof verifyTypedData>[0]), address: VECTORS.address as `0x${string}`, signature: typed }));
    const bytes = new TextEncoder().encode("idOS login");
    const ed = signHostMessage(keys, bytes);
    assert.ok(nacl.sign.detached.verify(signedMessageBytes(bytes), Buffer.from(ed, "hex"), keys.ed25519.publicKey));
    assert.deepEqual(signedMessageBytes(bytes), new TextEncoder().encode("\x19FaceSign Signed Message:\n10\nidOS login"));
  });

  it("typed data that breaks its own types is refused before any prompt", () => {
    assert.throws(() => typedDataDigest({ ...MAIL, message: { ...MAIL.message, amount: "lots" } }));
    assert.throws(() => typedDataDigest({ ...MAIL, primaryType: "Nothing" }));
    assert.throws(() => parseArgs("signTypedData", [{ ...MAIL, extra: 1 }]), { name: "FaceSignError", code: "invalid_request" });
    assert.throws(() => parseArgs("signTypedData", [{ ...MAIL, message: { big: "x".repeat(70_000) } }]), /too large/);
    assert.throws(() => parseArgs("personalSign", [42]), { name: "FaceSignError", code: "invalid_request" });
    assert.throws(() => parseArgs("signMessage", [new Uint8Array(70_000)]), /too large/);
  });

  it("shows text as text, hidden controls and binary as hex, and typed data as named fields", () => {
    assert.deepEqual(readableMessage(new TextEncoder().encode("hello\nworld")), { text: "hello\nworld", isHex: false });
    assert.deepEqual(readableMessage(new TextEncoder().encode("pay \u202eevil")).isHex, true);
    assert.deepEqual(readableMessage(Uint8Array.of(0xff, 0x00)), { text: "0xff00", isHex: true });
    const { domain, fields, chainWarning } = readableTypedData(MAIL);
    // Chain and contract first, and no warning for the provider's own chain.
    assert.deepEqual(domain.slice(0, 3), [
      ["chainId", "1"],
      ["verifyingContract", "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"],
      ["name", "FaceSign demo"],
    ]);
    assert.equal(chainWarning, undefined);
    assert.deepEqual(fields, [
      ["from.name", "Alice"],
      ["from.wallet", "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"],
      ["to.name", "Bob"],
      ["to.wallet", "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"],
      ["contents", "Hello, Bob!"],
      ["amount", "1000"],
    ]);
  });

  it("shows every row of a large batch, arrays with their count: a Permit2 batch's spender is on screen", () => {
    const details = Array.from({ length: 120 }, (_, i) => ({ token: `0x${(i + 1).toString(16).padStart(40, "0")}`, amount: "1", expiration: "0", nonce: String(i) }));
    const permit: TypedData = {
      domain: { name: "Permit2", chainId: 1, verifyingContract: "0x000000000022D473030F116dDEE9F6B43aC78BA3" },
      types: {
        PermitDetails: [
          { name: "token", type: "address" },
          { name: "amount", type: "uint160" },
          { name: "expiration", type: "uint48" },
          { name: "nonce", type: "uint48" },
        ],
        PermitBatch: [
          { name: "details", type: "PermitDetails[]" },
          { name: "spender", type: "address" },
          { name: "sigDeadline", type: "uint256" },
        ],
      },
      primaryType: "PermitBatch",
      message: { details, spender: "0x1111111111111111111111111111111111111111", sigDeadline: "9" },
    };
    const { fields } = readableTypedData(permit);
    assert.equal(fields.length, 1 + 120 * 4 + 2);
    assert.deepEqual(fields[0], ["details", "120 items (PermitDetails[])"]);
    assert.deepEqual(fields.at(-2), ["spender", "0x1111111111111111111111111111111111111111"]);
  });

  it("refuses a domain its EIP712Domain type does not cover as shown, or with fields EIP-712 does not define", () => {
    // The screen would show chain 1 and contract 0x11…; the custom type hashes only the name.
    const narrowed: TypedData = { ...MAIL, types: { ...MAIL.types, EIP712Domain: [{ name: "name", type: "string" }] } };
    assert.throws(() => readableTypedData(narrowed), { name: "FaceSignError", code: "invalid_request", message: /EIP712Domain type and the domain's values disagree/ });
    const withDomainType = (chainIdType: string): TypedData => ({
      ...MAIL,
      types: {
        ...MAIL.types,
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: chainIdType },
          { name: "verifyingContract", type: "address" },
        ],
      },
    });
    assert.throws(() => readableTypedData(withDomainType("uint8")), { name: "FaceSignError", code: "invalid_request" });
    assert.throws(() => readableTypedData({ ...MAIL, domain: { ...MAIL.domain, chain: 137 } }), { name: "FaceSignError", code: "invalid_request", message: /do(es)? not define \(chain\)/ });
    // The standard type, spelled out, is accepted.
    const spelled = withDomainType("uint256");
    assert.equal(readableTypedData(spelled).fields.length, 6);
  });

  it("warns when typed data is for another chain than the provider's", () => {
    assert.match(readableTypedData({ ...MAIL, domain: { ...MAIL.domain, chainId: 137 } }).chainWarning!, /chain 137, not Ethereum mainnet \(chain 1\)/);
  });
});
