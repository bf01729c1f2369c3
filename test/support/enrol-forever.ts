// A child process for the crash test: enrols sealed records into a store (a SQLite
// path or a postgres:// URL) as fast as it can, reporting each committed count on
// stdout, until it is killed.
import nacl from "tweetnacl";
import { freshAccount } from "./registry-drivers";
import { Sealer } from "../../enclave-service/enclave/identity/sealing";
import { openPostgresStore, openSqliteStore } from "../../enclave-service/parent/store/template-store";
import { seededRandom } from "./seeded-random";

const [target, keyHex] = process.argv.slice(2);
const store = target!.startsWith("postgres://") ? await openPostgresStore(target!) : openSqliteStore(target!);
const sealer = new Sealer(Uint8Array.from(Buffer.from(keyHex!, "hex")));
const random = seededRandom(Number.parseInt(keyHex!.slice(0, 8), 16));
for (let n = 1; ; n++) {
  const vector = Float32Array.from({ length: 512 }, () => random() - 0.5);
  await (await store.lockEnrolment()).commit(sealer.seal({ userId: nacl.randomBytes(16), entropy: nacl.randomBytes(32), vector, created: Date.now(), ...freshAccount() }));
  process.stdout.write(`${n}\n`);
}
