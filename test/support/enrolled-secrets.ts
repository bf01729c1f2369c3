// What must never reach the host page: each enrolled user's entropy and the keys
// derived from it, in every encoding a leak could take. Read from the stack's store
// the way only the enclave can (the dev KMS key unwraps the sealing key).
import { deriveKeys, type WalletKeys } from "../../widget/frame/wallet/keys";
import { Sealer, unwrapKey } from "../../enclave-service/enclave/identity/sealing";
import { devKeyEncryptionKey } from "../../enclave-service/parent/dev-kms";
import type { TestStack } from "./stack";

/** Each enrolled user's entropy and wallet keys. */
export async function enrolledKeys(stack: TestStack): Promise<(WalletKeys & { entropy: Uint8Array })[]> {
  const wrapped = await stack.store.getMeta("wrapped_sealing_key");
  const sealer = new Sealer(unwrapKey(wrapped!, devKeyEncryptionKey(stack.config.dataDir)));
  return (await stack.store.all()).map((sealed) => {
    const { entropy } = sealer.unseal(sealed);
    return { ...deriveKeys(entropy), entropy };
  });
}

export async function enrolledSecrets(stack: TestStack): Promise<string[]> {
  const secrets: string[] = [];
  for (const { entropy, ...keys } of await enrolledKeys(stack)) {
    for (const b of [entropy, keys.ed25519.secretKey.subarray(0, 32), keys.secp256k1.privateKey, keys.x25519.secretKey]) {
      const buf = Buffer.from(b);
      secrets.push(buf.toString("hex"), buf.toString("base64"), buf.toString("base64url"));
    }
  }
  return secrets;
}
