// The local stand-in for AWS KMS: a key-encryption key in the data directory that
// wraps the enclave's sealing key. In production the enclave calls KMS Decrypt with
// its attestation document, under a key policy conditioned on the attested PCR0, and
// the parent never holds a key that opens the templates. Here it does: that is what
// "dev" means, and why production must not use this file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

export function devKeyEncryptionKey(dataDir: string): Uint8Array {
  const file = join(dataDir, "dev-kms", "kek.bin");
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, "dev-kms"), { recursive: true });
    writeFileSync(file, randomBytes(32), { mode: 0o600 });
  }
  return new Uint8Array(readFileSync(file));
}
