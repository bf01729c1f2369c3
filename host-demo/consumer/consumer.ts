// A FaceSign consumer (a partner's server): signs in to idOS with its grantee key
// (ed25519, through kwil-js and the Kwil gateway) and reads the credential a user shared
// with it through an idOS access grant, decrypts it with its own x25519 key, checks it is the
// very content the grant names (SHA-256), verifies the credential's JWS against its
// issuer's did:key, and checks that this issuer key is the one the attested enclave
// holds (a Nitro attestation document: pinned root, pinned PCR0, a fresh nonce), that the
// credential is within its validity, and that the holder presented it: a presentation
// signed by the credential's subject for this consumer, its challenge and this grant.
import { base64 } from "@scure/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import nacl from "tweetnacl";
import { ISSUER_USER_DATA, type IssuerResponse } from "../../contracts/frame-service";
import { fromBase64url, toBase64url } from "../../common/base64url";
import { CredentialError, decryptContent, publicKeyOfDid, verifyCredential } from "../../common/credential";
import { PresentationError, verifyPresentation } from "../../common/presentation";
import { connectIdos } from "../../common/idos-kwil";
import { IdosError, type IdosAccessGrant } from "../../contracts/idos";
import { codedErrorClass } from "../../contracts/coded-error";
import { verifyAttestation, type TrustAnchors } from "../../common/attestation-verifier";

const CONSUMER_ERRORS = {
  grant_not_found: { message: "There is no live access grant with this id for this consumer: none was made, or the user revoked it." },
  idos_unavailable: { message: "The idOS node could not be reached or refused the request." },
  decryption_failed: { message: "The shared credential does not open with this consumer's key." },
  content_hash_mismatch: { message: "The shared content is not the content the grant names (content_hash)." },
  credential_invalid: { message: "The shared content is not a valid FaceSign credential." },
  credential_expired: { message: "The shared credential is outside its validity period: the user's next scan renews it." },
  ...PresentationError.catalogue,
  issuer_not_attested: { message: "The credential's issuer is not the key of the attested FaceSign enclave." },
} as const;
export type ConsumerErrorCode = keyof typeof CONSUMER_ERRORS;

export class ConsumerError extends codedErrorClass("ConsumerError", CONSUMER_ERRORS) {}

export interface ConsumerOptions {
  idosUrl: string;
  /** The FaceSign service, asked for its attested issuer key. */
  widgetOrigin: string;
  /** What the enclave's attestation must match (AWS Nitro root and the published PCR0 in production). */
  anchors: TrustAnchors;
  grantId: string;
  /** The consumer's x25519 secret key, the one the grant encrypted to. */
  secretKey: Uint8Array;
  /** The consumer's ed25519 secret key (64 bytes, tweetnacl's form): the grantee account it signs in to idOS as. */
  authSecretKey: Uint8Array;
  /** The holder's presentation (vp+jwt) the frame returned with the grant. */
  presentation: string;
  /** The fresh challenge this consumer issued for it (the caller keeps challenges single-use). */
  challenge: string;
}

export interface VerifiedCredential {
  faceSignUserId: string;
  /** The issuer's did:key, attested. */
  issuer: string;
  /** The holder's did:key (their FaceSign ed25519 wallet). */
  subject: string;
  verified: true;
}

/** The issuer key the enclave attests right now, checked against the pins. */
async function attestedIssuer(widgetOrigin: string, anchors: TrustAnchors): Promise<string> {
  const nonce = nacl.randomBytes(32);
  const res = await fetch(`${widgetOrigin}/v1/issuer`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nonce: toBase64url(nonce) }) }).catch(() => null);
  const body = (await res?.json().catch(() => null)) as IssuerResponse | null;
  const document = typeof body?.attestation === "string" ? fromBase64url(body.attestation) : undefined;
  if (!res?.ok || !body || !document) throw new ConsumerError("issuer_not_attested", "The FaceSign service gave no issuer attestation.");
  let key: Uint8Array;
  try {
    key = publicKeyOfDid(body.issuer);
  } catch {
    throw new ConsumerError("issuer_not_attested", "The FaceSign service named no valid issuer key.");
  }
  try {
    const attested = await verifyAttestation(document, anchors, { nonce, now: Date.now(), expectedPublicKey: key });
    if (new TextDecoder().decode(attested.userData) !== ISSUER_USER_DATA) throw new Error("not an issuer document");
  } catch (error) {
    throw new ConsumerError("issuer_not_attested", `The issuer attestation does not verify (${error instanceof Error ? error.message : "invalid"}).`);
  }
  return body.issuer;
}

async function fromIdos<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof IdosError && (error.code === "not_found" || error.code === "grant_revoked")) throw new ConsumerError("grant_not_found");
    throw new ConsumerError("idos_unavailable", `idOS: ${error instanceof Error ? error.message : "unavailable"}`);
  }
}

/** How the consumer pages through the grants idOS holds for it, newest first. */
const PAGE = 100;
const MAX_PAGES = 20;

export async function readGrantedCredential({ idosUrl, widgetOrigin, anchors, grantId, secretKey, authSecretKey, presentation, challenge }: ConsumerOptions): Promise<VerifiedCredential> {
  const auth = nacl.sign.keyPair.fromSecretKey(authSecretKey);
  const idos = await fromIdos(connectIdos(idosUrl, { publicKey: auth.publicKey, sign: (m) => nacl.sign.detached(m, auth.secretKey) }));
  let grant: IdosAccessGrant | undefined;
  for (let page = 1; !grant && page <= MAX_PAGES; page++) {
    const grants = await fromIdos(idos.view("get_access_grants_granted", { user_id: null, page, size: PAGE }));
    grant = grants.find((g) => g.id === grantId);
    if (grants.length < PAGE) break;
  }
  if (!grant) throw new ConsumerError("grant_not_found");
  const [copy] = await fromIdos(idos.view("get_credential_shared", { id: grant.data_id }));
  if (!copy) throw new ConsumerError("grant_not_found");
  let plaintext: Uint8Array;
  try {
    plaintext = decryptContent(base64.decode(copy.content), base64.decode(copy.encryptor_public_key), secretKey);
  } catch {
    throw new ConsumerError("decryption_failed");
  }
  if (bytesToHex(sha256(plaintext)) !== grant.content_hash) throw new ConsumerError("content_hash_mismatch");
  let credential;
  const now = Date.now();
  try {
    credential = verifyCredential(new TextDecoder().decode(plaintext), now);
  } catch (error) {
    if (error instanceof CredentialError && error.code === "credential_expired") throw new ConsumerError("credential_expired", error.message);
    throw new ConsumerError("credential_invalid", error instanceof CredentialError ? `${CONSUMER_ERRORS.credential_invalid.message} ${error.message}` : undefined);
  }
  try {
    verifyPresentation(presentation, {
      holder: credential.credentialSubject.id,
      consumer: auth.publicKey,
      challenge,
      grant: { id: grant.id, owner: grant.ag_owner_user_id, contentHash: grant.content_hash },
      now,
    });
  } catch (error) {
    throw error instanceof PresentationError ? new ConsumerError(error.code) : error;
  }
  const issuer = await attestedIssuer(widgetOrigin, anchors);
  if (credential.issuer !== issuer) throw new ConsumerError("issuer_not_attested");
  return { faceSignUserId: credential.credentialSubject.faceSignUserId, issuer, subject: credential.credentialSubject.id, verified: true };
}
