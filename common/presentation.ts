// Holder-bound presentations of the FaceSign credential: a W3C Verifiable Presentation
// (data model v2) secured as a vp+jwt, signed by the holder's FaceSign ed25519 key, for
// one consumer (`aud`), one fresh consumer challenge (`nonce`), one idOS access grant
// (its id, its owner's profile, the shared content's hash), for a few minutes. The frame
// makes it when the user approves sharing; the consumer checks it against the grant it
// read and the credential inside: a credential copied into another profile, or a
// presentation replayed to another consumer, grant or challenge, fails with its code.
import { publicKeyOfDid, didKey, didKeyKid } from "./credential";
import { readJws, signJws } from "./jws";
import { codedErrorClass } from "../contracts/coded-error";

const PRESENTATION_ERRORS = {
  presentation_malformed: { message: "Not a FaceSign presentation (an EdDSA vp+jwt)." },
  holder_mismatch: { message: "The presentation is not signed by the credential's holder: the credential was copied, or presented by someone else." },
  presentation_replayed: { message: "The presentation answers another challenge than the one this consumer issued." },
  wrong_audience: { message: "The presentation was made for another consumer." },
  grant_mismatch: { message: "The presentation names another access grant, owner or content than the one read." },
  presentation_expired: { message: "The presentation is outside its validity window." },
} as const;

export class PresentationError extends codedErrorClass("PresentationError", PRESENTATION_ERRORS) {}

/** How long a presentation may be used after it is made, and how far ahead a clock may be. */
export const PRESENTATION_TTL_S = 300;
const CLOCK_SKEW_S = 60;

/** What a presentation is about: the idOS grant that carries the credential to this consumer. */
export interface PresentedGrant {
  /** The access grant's id. */
  id: string;
  /** The grant owner's idOS profile. */
  owner: string;
  /** SHA-256 (hex) of the shared credential: the grant's content_hash. */
  contentHash: string;
}

interface Presentation {
  "@context": ["https://www.w3.org/ns/credentials/v2"];
  type: ["VerifiablePresentation"];
  holder: string;
  aud: string;
  nonce: string;
  iat: number;
  exp: number;
  grant: PresentedGrant;
}

/** The holder's presentation (their FaceSign ed25519 secret key, tweetnacl's 64 bytes) for a consumer's challenge. */
export function presentCredential(holderSecretKey: Uint8Array, { consumer, challenge, grant, now }: { consumer: Uint8Array; challenge: string; grant: PresentedGrant; now: number }): string {
  const holder = didKey(holderSecretKey.subarray(32));
  const iat = Math.floor(now / 1000);
  const presentation: Presentation = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    type: ["VerifiablePresentation"],
    holder,
    aud: didKey(consumer),
    nonce: challenge,
    iat,
    exp: iat + PRESENTATION_TTL_S,
    grant,
  };
  return signJws(holderSecretKey, "vp+jwt", didKeyKid(holder), presentation);
}

/** Checks a presentation against what the consumer knows: the credential's subject (did:key), its own key, its challenge, the grant it read. */
export function verifyPresentation(jws: string, expected: { holder: string; consumer: Uint8Array; challenge: string; grant: PresentedGrant; now: number }): void {
  let read: ReturnType<typeof readJws>;
  try {
    read = readJws(jws, "vp+jwt");
  } catch {
    throw new PresentationError("presentation_malformed");
  }
  const p = read.payload as Partial<Presentation> | null;
  if (
    p?.type?.[0] !== "VerifiablePresentation" ||
    typeof p.holder !== "string" ||
    typeof p.aud !== "string" ||
    typeof p.nonce !== "string" ||
    typeof p.iat !== "number" ||
    typeof p.exp !== "number" ||
    typeof p.grant !== "object" ||
    p.grant === null
  )
    throw new PresentationError("presentation_malformed");
  // Signed by the credential's subject, and claiming to be: nobody else can present it.
  if (p.holder !== expected.holder || !read.verifies(publicKeyOfDid(expected.holder))) throw new PresentationError("holder_mismatch");
  if (p.aud !== didKey(expected.consumer)) throw new PresentationError("wrong_audience");
  if (p.nonce !== expected.challenge) throw new PresentationError("presentation_replayed");
  const g = p.grant;
  if (g.id !== expected.grant.id || g.owner !== expected.grant.owner || g.contentHash !== expected.grant.contentHash) throw new PresentationError("grant_mismatch");
  const now = expected.now / 1000;
  if (p.iat > now + CLOCK_SKEW_S || p.exp <= now || p.exp - p.iat > PRESENTATION_TTL_S) throw new PresentationError("presentation_expired");
}
