// `npm run consumer -- --grant ID --secret-key X25519_SECRET_KEY --auth-key ED25519_SEED
// --challenge CHALLENGE --presentation VP_JWT`: a FaceSign consumer signs in to idOS as
// the grantee (its ed25519 key), reads the credential shared with it by an idOS access
// grant, decrypts it, verifies it, its issuer's attestation and the holder's presentation
// for the challenge it issued (kept single-use by the caller), and prints the unique person id. Last line: one JSON
// object. It accepts only the attestation roots and enclave measurements compiled into
// it by the build (dist/tools/consumer.js, like the frame): what the service says about
// itself is never trusted.
import nacl from "tweetnacl";
import { fromBase64url } from "../common/base64url";
import { compiledTrustAnchors } from "../common/trust-anchors";
import { readStackConfig } from "../enclave-service/parent/config";
import { ConsumerError, readGrantedCredential } from "../host-demo/consumer/consumer";
import { arg } from "./roc";

const grantId = arg("--grant", "");
const secretKey = fromBase64url(arg("--secret-key", ""));
const authSeed = fromBase64url(arg("--auth-key", ""));
const challenge = arg("--challenge", "");
const presentation = arg("--presentation", "");
if (!grantId || secretKey?.length !== 32 || authSeed?.length !== 32 || !challenge || !presentation) {
  console.error("usage: npm run consumer -- --grant ID --secret-key X25519_SECRET_KEY --auth-key ED25519_SEED (both base64url, 32 bytes) --challenge CHALLENGE --presentation VP_JWT");
  process.exit(2);
}
const config = readStackConfig();
const anchors = compiledTrustAnchors();

try {
  const credential = await readGrantedCredential({
    idosUrl: config.idosOrigin,
    widgetOrigin: config.widgetOrigin,
    anchors,
    grantId,
    secretKey,
    authSecretKey: nacl.sign.keyPair.fromSeed(authSeed).secretKey,
    challenge,
    presentation,
  });
  console.log(`grant ${grantId}: FaceSign user ${credential.faceSignUserId}, holder ${credential.subject}, issued by the attested enclave ${credential.issuer}`);
  console.log(JSON.stringify({ faceSignUserId: credential.faceSignUserId, issuer: credential.issuer, verified: true }));
} catch (error) {
  const e = error instanceof ConsumerError ? error : new ConsumerError("idos_unavailable", error instanceof Error ? error.message : String(error));
  console.error(e.message);
  console.log(JSON.stringify({ error: e.code, message: e.message, verified: false }));
  process.exit(1);
}
