// The account's passkey, in the frame. Made at enrolment, with the account handle the
// enclave drew as its user handle; used on return to name the account, so the enclave
// compares the face with that account alone (1:1). The browser's own passkey dialog is
// the user's consent; the enclave checks every byte the browser and authenticator return.
import { fromBase64url, toBase64url } from "../../common/base64url";
import { FaceSignError } from "../../contracts/page-frame";
import type { NewPasskey, PasskeyAssertion } from "../../contracts/frame-service";
import { askInWindow } from "./helper-window";

const ES256 = -7;
const TIMEOUT_MS = 120_000;

export const passkeysAvailable = (): boolean => typeof PublicKeyCredential !== "undefined" && "credentials" in navigator;

const b64 = (buffer: ArrayBuffer) => toBase64url(new Uint8Array(buffer));

/**
 * Whether this document may create a passkey. Top level, always; embedded, only where the
 * page delegates publickey-credentials-create and the browser says so (Chromium's
 * featurePolicy). Safari never lets a cross-origin frame create one, and Firefox does not
 * say: there the frame creates it in a window of its own.
 */
function canCreateHere(): boolean {
  if (window.top === window) return true;
  const policy = (document as Document & { featurePolicy?: { allowsFeature(feature: string): boolean } }).featurePolicy;
  return policy?.allowsFeature("publickey-credentials-create") ?? false;
}

/** A new passkey for this account, made here or (from the user's click) in a window of FaceSign's own; undefined when the user declines it or no browser window can make one. */
export async function makePasskey(accountHandle: string): Promise<NewPasskey | undefined> {
  if (!passkeysAvailable()) return undefined;
  if (canCreateHere()) return createPasskey(accountHandle);
  return (await askInWindow("passkey", { accountHandle }, null)) ?? undefined;
}

/** Creates the passkey in this document; undefined when the user declines it or the browser refuses. */
export async function createPasskey(accountHandle: string): Promise<NewPasskey | undefined> {
  try {
    const credential = (await navigator.credentials.create({
      publicKey: {
        rp: { id: location.hostname, name: "FaceSign" },
        user: { id: Uint8Array.from(fromBase64url(accountHandle)!), name: "FaceSign", displayName: "FaceSign" },
        // The enclave keeps the public key, not this registration: there is nothing here to replay.
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        pubKeyCredParams: [{ type: "public-key", alg: ES256 }],
        authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
        attestation: "none",
        timeout: TIMEOUT_MS,
      },
    })) as PublicKeyCredential | null;
    const response = credential?.response as AuthenticatorAttestationResponse | undefined;
    const spki = response?.getPublicKey();
    if (!credential || !spki || response!.getPublicKeyAlgorithm() !== ES256) return undefined;
    return { credentialId: b64(credential.rawId), publicKey: b64(spki) };
  } catch {
    return undefined;
  }
}

/** The account's passkey signs this session's challenge (common/passkey-challenge.ts). */
export async function signInWithPasskey(challenge: Uint8Array): Promise<PasskeyAssertion> {
  let credential: PublicKeyCredential | null;
  try {
    credential = (await navigator.credentials.get({
      publicKey: { challenge: Uint8Array.from(challenge), rpId: location.hostname, userVerification: "preferred", timeout: TIMEOUT_MS },
    })) as PublicKeyCredential | null;
  } catch {
    throw new FaceSignError("passkey_failed");
  }
  const response = credential?.response as AuthenticatorAssertionResponse | undefined;
  if (!credential || !response?.userHandle) throw new FaceSignError("passkey_failed");
  return {
    credentialId: b64(credential.rawId),
    userHandle: b64(response.userHandle),
    authenticatorData: b64(response.authenticatorData),
    clientDataJSON: b64(response.clientDataJSON),
    signature: b64(response.signature),
  };
}
