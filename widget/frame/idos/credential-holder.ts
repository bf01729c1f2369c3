// The user's side of the FaceSign credential: their idOS profile (made on first use,
// with the FaceSign wallet) holds the credential the enclave issued; access grants
// share a copy re-encrypted to a consumer. A held credential that has expired, or
// will within RENEW_BEFORE_MS, gives way to the one this scan issued.
import { base64 } from "@scure/base";
import type { IssuedCredential } from "../../../contracts/frame-service";
import { fromBase64url } from "../../../common/base64url";
import { CREDENTIAL_TYPE, CredentialError, publicKeyOfDid, verifyCredential } from "../../../common/credential";
import { hex } from "../wallet/encoding";
import type { WalletKeys } from "../wallet/keys";
import { walletIdos, type IdosUserClient } from "./idos-client";

export interface HeldCredential {
  idos: IdosUserClient;
  credentialId: string;
}

export const isFaceSign = (publicNotes: string) => {
  try {
    return (JSON.parse(publicNotes) as { type?: unknown }).type === CREDENTIAL_TYPE;
  } catch {
    return false;
  }
};

async function holdCredential(nodeUrl: string, keys: WalletKeys, issued: IssuedCredential): Promise<HeldCredential> {
  const idos = await walletIdos(nodeUrl, keys);
  if (!(await idos.logIn())) await idos.createProfile(crypto.randomUUID());
  for (const held of (await idos.getAllCredentials()).filter((c) => isFaceSign(c.public_notes))) {
    if (await stillGood(idos, held.id)) return { idos, credentialId: held.id };
  }
  const credentialId = crypto.randomUUID();
  await idos.addCredential({
    id: credentialId,
    content: base64.encode(fromBase64url(issued.content)!),
    encryptor_public_key: base64.encode(fromBase64url(issued.encryptorPublicKey)!),
    issuer_auth_public_key: hex(publicKeyOfDid(issued.issuer)),
    public_notes: issued.publicNotes,
    public_notes_signature: base64.encode(fromBase64url(issued.publicNotesSignature)!),
    broader_signature: base64.encode(fromBase64url(issued.broaderSignature)!),
  });
  return { idos, credentialId };
}

const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

/** Whether a held credential is valid now and for RENEW_BEFORE_MS more (an older one without an expiry is not). */
async function stillGood(idos: IdosUserClient, credentialId: string): Promise<boolean> {
  const jws = new TextDecoder().decode(await idos.getCredentialContent(credentialId));
  try {
    verifyCredential(jws, Date.now() + RENEW_BEFORE_MS);
    return true;
  } catch (error) {
    if (error instanceof CredentialError) return false;
    throw error;
  }
}

/** One idOS hold per unlock, made when the user first approves sharing their credential: nothing reaches idOS before. */
export class CredentialKeeper {
  private readonly held = new WeakMap<object, Promise<HeldCredential>>();

  constructor(private readonly nodeUrl: string) {}

  for(unlocked: { keys: WalletKeys; credential: IssuedCredential }): Promise<HeldCredential> {
    let h = this.held.get(unlocked);
    if (!h) {
      h = holdCredential(this.nodeUrl, unlocked.keys, unlocked.credential);
      // A failure is reported to whoever needs the credential; the next call retries.
      h.catch(() => this.held.delete(unlocked));
      this.held.set(unlocked, h);
    }
    return h;
  }
}
