// The FaceSign credential, as issuer (enclave), holder (frame) and consumer all read it:
// a W3C Verifiable Credential (data model v2) secured as a JWS (VC-JOSE: `typ` vc+jwt,
// EdDSA over ed25519), with did:key identifiers and a validity period; and idOS's
// encryption of credential content: nacl.box from a fresh ephemeral key, content =
// nonce(24) ‖ box.
import { base58 } from "@scure/base";
import nacl from "tweetnacl";
import { JwsError, readJws, signJws } from "./jws";
import { codedErrorClass } from "../contracts/coded-error";

const VC_CONTEXT = "https://www.w3.org/ns/credentials/v2";
export const CREDENTIAL_TYPE = "FaceSignCredential";

export interface FaceSignCredential {
  "@context": [typeof VC_CONTEXT];
  type: ["VerifiableCredential", typeof CREDENTIAL_TYPE];
  issuer: string;
  validFrom: string;
  validUntil: string;
  credentialSubject: { id: string; faceSignUserId: string };
}

const CREDENTIAL_ERRORS = {
  jws_malformed: { message: "Not a compact EdDSA vc+jwt JWS." },
  jws_signature_invalid: { message: "The credential's signature does not verify against its issuer." },
  did_invalid: { message: "Not an ed25519 did:key." },
  credential_malformed: { message: "Not a FaceSign credential." },
  credential_expired: { message: "The credential is outside its validity period." },
  decryption_failed: { message: "The credential content does not open with this key." },
} as const;

export class CredentialError extends codedErrorClass("CredentialError", CREDENTIAL_ERRORS) {}

// did:key for ed25519: multibase base58btc of the multicodec 0xed01 followed by the key.
const ED25519_MULTICODEC = Uint8Array.of(0xed, 0x01);

export function didKey(ed25519PublicKey: Uint8Array): string {
  return `did:key:z${base58.encode(new Uint8Array([...ED25519_MULTICODEC, ...ed25519PublicKey]))}`;
}

export function publicKeyOfDid(did: string): Uint8Array {
  const m = /^did:key:z([1-9A-HJ-NP-Za-km-z]+)$/.exec(did);
  let bytes: Uint8Array | undefined;
  try {
    bytes = m ? base58.decode(m[1]!) : undefined;
  } catch {
    bytes = undefined;
  }
  if (!bytes || bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) throw new CredentialError("did_invalid", "Not an ed25519 did:key.");
  return bytes.subarray(2);
}

/** How long a credential is valid; the enclave issues a fresh one on every scan. */
export const CREDENTIAL_VALIDITY_MS = 180 * 24 * 3600_000;

/** The kid of a did:key's only verification method. */
export const didKeyKid = (did: string) => `${did}#${did.slice("did:key:".length)}`;

export function issueCredential(issuerSecretKey: Uint8Array, subjectPublicKey: Uint8Array, faceSignUserId: string, now: number): string {
  const issuer = didKey(issuerSecretKey.subarray(32));
  const credential: FaceSignCredential = {
    "@context": [VC_CONTEXT],
    type: ["VerifiableCredential", CREDENTIAL_TYPE],
    issuer,
    validFrom: new Date(now).toISOString(),
    validUntil: new Date(now + CREDENTIAL_VALIDITY_MS).toISOString(),
    credentialSubject: { id: didKey(subjectPublicKey), faceSignUserId },
  };
  return signJws(issuerSecretKey, "vc+jwt", didKeyKid(issuer), credential, { cty: "vc" });
}

/** Checks the JWS against its issuer's did:key, the credential's shape and that `now` is within its validity; returns the credential. */
export function verifyCredential(jws: string, now: number): FaceSignCredential {
  let read: ReturnType<typeof readJws>;
  try {
    read = readJws(jws, "vc+jwt");
  } catch (error) {
    throw new CredentialError("jws_malformed", error instanceof JwsError ? error.message : undefined);
  }
  const credential = read.payload as FaceSignCredential;
  const s = credential?.credentialSubject;
  if (
    credential?.["@context"]?.[0] !== VC_CONTEXT ||
    credential.type?.[1] !== CREDENTIAL_TYPE ||
    typeof credential.issuer !== "string" ||
    typeof s?.id !== "string" ||
    typeof s.faceSignUserId !== "string"
  )
    throw new CredentialError("credential_malformed", "Not a FaceSign credential.");
  if (!read.verifies(publicKeyOfDid(credential.issuer))) throw new CredentialError("jws_signature_invalid", "The credential's signature does not verify against its issuer.");
  const [from, until] = [Date.parse(credential.validFrom), Date.parse(credential.validUntil)];
  if (!(from <= now && now < until)) throw new CredentialError("credential_expired", `The credential is valid from ${credential.validFrom} until ${credential.validUntil}.`);
  return credential;
}

/** The public notes idOS keeps beside a FaceSign credential (anyone may read them). */
export const faceSignPublicNotes = (issuer: string) => JSON.stringify({ type: CREDENTIAL_TYPE, issuer });

/** idOS's issuer signatures on a credential: over its public notes, and over that signature ‖ the encrypted content. */
export function idosIssuerSignatures(issuerSecretKey: Uint8Array, publicNotes: string, content: Uint8Array): { publicNotesSignature: Uint8Array; broaderSignature: Uint8Array } {
  const publicNotesSignature = nacl.sign.detached(new TextEncoder().encode(publicNotes), issuerSecretKey);
  return { publicNotesSignature, broaderSignature: nacl.sign.detached(new Uint8Array([...publicNotesSignature, ...content]), issuerSecretKey) };
}

/** Whether both idOS issuer signatures are the issuer's (`broader` may be left out: a copy re-encrypted by its holder cannot have one). */
export function verifyIdosIssuerSignatures(
  issuerPublicKey: Uint8Array,
  { publicNotes, publicNotesSignature, content, broaderSignature }: { publicNotes: string; publicNotesSignature: Uint8Array; content: Uint8Array; broaderSignature?: Uint8Array },
): boolean {
  const notes = publicNotesSignature.length === 64 && nacl.sign.detached.verify(new TextEncoder().encode(publicNotes), publicNotesSignature, issuerPublicKey);
  return notes && (!broaderSignature || (broaderSignature.length === 64 && nacl.sign.detached.verify(new Uint8Array([...publicNotesSignature, ...content]), broaderSignature, issuerPublicKey)));
}

/** idOS credential encryption: to the recipient's x25519 key from a fresh ephemeral key. */
export function encryptContent(plaintext: Uint8Array, recipientPublicKey: Uint8Array): { content: Uint8Array; encryptorPublicKey: Uint8Array } {
  const ephemeral = nacl.box.keyPair();
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  const box = nacl.box(plaintext, nonce, recipientPublicKey, ephemeral.secretKey);
  ephemeral.secretKey.fill(0);
  return { content: new Uint8Array([...nonce, ...box]), encryptorPublicKey: ephemeral.publicKey };
}

export function decryptContent(content: Uint8Array, encryptorPublicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const opened =
    content.length > nacl.box.nonceLength && encryptorPublicKey.length === 32
      ? nacl.box.open(content.subarray(nacl.box.nonceLength), content.subarray(0, nacl.box.nonceLength), encryptorPublicKey, secretKey)
      : null;
  if (!opened) throw new CredentialError("decryption_failed", "The credential content does not open with this key.");
  return opened;
}
