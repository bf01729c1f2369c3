// What the "Your data" screen shows: what idOS holds for this wallet (its profile, the
// FaceSign credential and its validity, the access grants: who, since when, locked
// until when), read with the wallet's key. Looking writes nothing: a wallet without an
// idOS profile is told so, and none is made.
import type { FaceSignCredential } from "../../common/credential";
import { readJws } from "../../common/jws";
import type { IdosUserClient } from "./idos/idos-client";
import { IdosError } from "../../contracts/idos";
import { isFaceSign } from "./idos/credential-holder";

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

/** What is left in idOS after the user deleted their face data. */
export type ForgetReport =
  | {
      /** The idOS profile, which idOS keeps (with the FaceSign wallet entry and credential). */
      profile?: string;
      revoked: number;
      /** Grants idOS keeps until their lock ends: the end of each. */
      locked: number[];
      /** FaceSign credentials removed from the profile, and kept (a locked grant shares them). */
      removed: number;
      kept: number;
    }
  | { error: string };

/**
 * Revokes every grant of the user's that is not locked, then removes their FaceSign
 * credentials that no locked grant still shares; the rest, and the profile, remain in idOS.
 */
export async function withdrawFromIdos(idos: IdosUserClient): Promise<ForgetReport> {
  const user = await idos.logIn();
  if (!user) return { revoked: 0, locked: [], removed: 0, kept: 0 };
  const grants = await idos.getAccessGrantsOwned();
  const now = Date.now();
  const locked = grants.filter((g) => g.locked_until > now).map((g) => g.locked_until);
  for (const g of grants) if (g.locked_until <= now) await idos.revokeAccessGrant(g.id);
  let removed = 0;
  let kept = 0;
  for (const c of (await idos.getAllCredentials()).filter((c) => isFaceSign(c.public_notes))) {
    try {
      await idos.removeCredential(c.id);
      removed++;
    } catch (error) {
      if (!(error instanceof IdosError && error.code === "locked")) throw error;
      kept++;
    }
  }
  return { profile: user.id, revoked: grants.length - locked.length, locked, removed, kept };
}
