// `npm run consumer -- --grant ID --secret-key X25519_SECRET_KEY [--pcr0 B64URL --root B64URL]`:
// a FaceSign consumer reads the credential shared with it by an idOS access grant,
// decrypts it, verifies it and its issuer's attestation, and prints the unique person
// id. Last line: one JSON object. Without --pcr0/--root it pins what this checkout
// builds (the bundle's measurement) and the local dev root, as a local operator would.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fromBase64url } from "../common/base64url";
import { readStackConfig } from "../enclave-service/parent/config";
import { readFaceModels } from "../enclave-service/parent/model-files";
import { measureEnclave } from "../enclave-service/parent/measurement";
import { ConsumerError, readGrantedCredential } from "../host-demo/consumer/consumer";
import { arg } from "./roc";

process.chdir(resolve(import.meta.dirname, ".."));
const grantId = arg("--grant", "");
const secretKey = fromBase64url(arg("--secret-key", ""));
if (!grantId || !secretKey || secretKey.length !== 32) {
  console.error("usage: npm run consumer -- --grant ID --secret-key X25519_SECRET_KEY (base64url) [--pcr0 B64URL --root B64URL]");
  process.exit(2);
}
const config = readStackConfig();

function localPins() {
  const ca = join(config.dataDir, "dev-attestation", "ca.json");
  if (!existsSync(ca)) throw new Error(`no local dev root at ${ca}: start the stack (npm start) or pass --root`);
  return {
    pcr0: measureEnclave(config.enclaveBundle, readFaceModels(config.modelsDir)),
    rootCertificate: new Uint8Array(Buffer.from((JSON.parse(readFileSync(ca, "utf8")) as { root: string }).root, "base64")),
  };
}
const pins = process.argv.includes("--pcr0") ? { pcr0: fromBase64url(arg("--pcr0", ""))!, rootCertificate: fromBase64url(arg("--root", ""))! } : localPins();

try {
  const credential = await readGrantedCredential({ idosUrl: config.idosOrigin, widgetOrigin: config.widgetOrigin, pins, grantId, secretKey });
  console.log(`grant ${grantId}: FaceSign user ${credential.faceSignUserId}, holder ${credential.subject}, issued by the attested enclave ${credential.issuer}`);
  console.log(JSON.stringify({ faceSignUserId: credential.faceSignUserId, issuer: credential.issuer, verified: true }));
} catch (error) {
  const e = error instanceof ConsumerError ? error : new ConsumerError("idos_unavailable", error instanceof Error ? error.message : String(error));
  console.error(e.message);
  console.log(JSON.stringify({ error: e.code, message: e.message, verified: false }));
  process.exit(1);
}
