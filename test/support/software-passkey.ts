// A passkey in software, as a platform authenticator would answer for the widget origin:
// node:crypto's P-256 (not the enclave's library), the browser's clientDataJSON, the
// authenticator's data. Each part can be overridden to play an attacker.
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { fromBase64url, toBase64url } from "../../common/base64url";
import { passkeyChallenge } from "../../common/passkey-challenge";
import type { RawSession } from "./enclave-box";

const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());

export interface AssertionOptions {
  /** The widget origin, as the browser reports where the frame runs. */
  origin: string;
  /** The partner page on top, bound into the challenge. */
  partner: string;
  /** Replace parts of what the browser would report. */
  clientData?: Record<string, unknown>;
  rpId?: string;
  userHandle?: string;
  /** Sign with another key (a forger's). */
  signer?: SoftwarePasskey;
}

export class SoftwarePasskey {
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  readonly credentialId = toBase64url(randomBytes(16));
  accountHandle = "";

  /** What the frame sends at enrolment: the credential id and its SubjectPublicKeyInfo. */
  register(accountHandle: string): { credentialId: string; publicKey: string } {
    this.accountHandle = accountHandle;
    return { credentialId: this.credentialId, publicKey: toBase64url(new Uint8Array(this.keys.publicKey.export({ type: "spki", format: "der" }))) };
  }

  /** The scan request's passkey fields for this session. */
  signIn(session: RawSession, { origin, partner, clientData = {}, rpId = new URL(origin).hostname, userHandle = this.accountHandle, signer = this }: AssertionOptions) {
    const challenge = passkeyChallenge(fromBase64url(session.sessionId)!, fromBase64url(session.challengeId)!, partner);
    const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: "webauthn.get", challenge: toBase64url(challenge), origin, crossOrigin: true, topOrigin: partner, ...clientData }));
    // rpIdHash ‖ flags (user present, user verified) ‖ signature counter
    const authenticatorData = new Uint8Array([...sha256(new TextEncoder().encode(rpId)), 0x05, 0, 0, 0, 1]);
    const signature = new Uint8Array(sign("sha256", new Uint8Array([...authenticatorData, ...sha256(clientDataJSON)]), signer.keys.privateKey));
    return {
      partner,
      passkey: { credentialId: this.credentialId, userHandle, authenticatorData: toBase64url(authenticatorData), clientDataJSON: toBase64url(clientDataJSON), signature: toBase64url(signature) },
    };
  }
}
