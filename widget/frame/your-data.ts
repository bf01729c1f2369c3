// What the "Your data" screen shows: what idOS holds for this wallet (its profile, the
// FaceSign credential and its validity, the access grants: who, since when, locked
// until when), read with the wallet's key. Looking writes nothing: a wallet without an
// idOS profile is told so, and none is made.
import nacl from "tweetnacl";
import type { FaceSignCredential } from "../../common/credential";
import { readJws } from "../../common/jws";
import { boxDecrypter, idosUserClient, type IdosUserClient } from "./idos/idos-client";
import { isFaceSign } from "./idos/credential-holder";
import type { WalletKeys } from "./wallet/keys";

export interface HeldGrant {
  id: string;
  /** The consumer's key (hex): who can read the copy. */
  grantee: string;
  /** Epoch ms, where the idOS node tells it. */
  since?: number;
  lockedUntil: number;
}

export interface YourData {
  /** The idOS profile, or undefined when this wallet has none. */
  profile?: string;
  credential?: { validFrom: string; validUntil: string };
  grants: HeldGrant[];
}

export function connectYourIdos(idosUrl: string, keys: WalletKeys): Promise<IdosUserClient> {
  return idosUserClient(idosUrl, { publicKey: keys.ed25519.publicKey, sign: (m) => nacl.sign.detached(m, keys.ed25519.secretKey) }, boxDecrypter(keys.x25519));
}

export async function readYourData(idos: IdosUserClient): Promise<YourData> {
  const user = await idos.logIn();
  if (!user) return { grants: [] };
  const held = (await idos.getAllCredentials()).filter((c) => isFaceSign(c.public_notes));
  let credential: YourData["credential"];
  for (const c of held) {
    // For display: the credential's own dates (the consumer verifies it; this only reads it).
    const vc = readJws(new TextDecoder().decode(await idos.getCredentialContent(c.id)), "vc+jwt").payload as Partial<FaceSignCredential>;
    if (vc.validFrom && vc.validUntil && (!credential || vc.validUntil > credential.validUntil)) credential = { validFrom: vc.validFrom, validUntil: vc.validUntil };
  }
  const grants = (await idos.getAccessGrantsOwned()).map((g) => ({
    id: g.id,
    grantee: g.ag_grantee_wallet_identifier,
    ...(g.created_at ? { since: g.created_at } : {}),
    lockedUntil: g.locked_until,
  }));
  return { profile: user.id, ...(credential ? { credential } : {}), grants };
}
