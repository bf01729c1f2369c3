// The iframe's side of FrameApi. Every method validates its arguments first; every
// signature is shown to the user, decoded, and made only after they approve it. One
// request is on screen at a time. Sharing the credential is asked for the same way.
import { FaceSignError, parseArgs, WIDGET_VERSION, type FrameApi } from "../../contracts/page-frame";
import type { ConsentRequest } from "./consent-request";
import { screens } from "./screens";
import { fromHex, hex } from "./wallet/encoding";
import type { WalletKeys } from "./wallet/keys";
import { readableMessage, readableTypedData } from "./wallet/readable";
import { personalDigest, signDigest, signHostMessage, typedDataDigest } from "./wallet/signers";
import { publicIdentity, type Unlocked, type WalletSession } from "./wallet/session";
import type { CredentialKeeper } from "./idos/credential-holder";
import { fromBase64url } from "../../common/base64url";
import { presentCredential } from "../../common/presentation";
import { base64 } from "@scure/base";
import { faceSignWallet, walletSigner } from "./idos/idos-client";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A message as the consent screen shows it: text, or hex with its length. */
function messagePart(bytes: Uint8Array): ConsentRequest["parts"][number] {
  const shown = readableMessage(bytes);
  return { heading: shown.isHex ? `Data (hex, ${bytes.length} bytes)` : "Message", text: shown.text };
}

export function createFrameApi(hostOrigin: string, wallet: WalletSession, credentials: CredentialKeeper): FrameApi {
  let queue: Promise<unknown> = Promise.resolve();
  /** Whether the user let this window's site see their account (asked once per window). */
  let connected = false;

  /** One request at a time, in arrival order. */
  function serial<T>(run: () => Promise<T>): Promise<T> {
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
  }

  /** Shows the request; returns only if the user approved it on a screen that was fully visible. */
  async function ask(prompt: Omit<ConsentRequest, "hostOrigin">): Promise<void> {
    const answer = await screens.consent({ ...prompt, hostOrigin });
    if (answer === "obscured") {
      screens.rejected(hostOrigin, "FaceSign's window was hidden or covered when you pressed the button, so it did not count. ");
      throw new FaceSignError("consent_obscured");
    }
    if (answer === "rejected") {
      screens.rejected(hostOrigin);
      throw new FaceSignError("user_rejected");
    }
  }

  /** Unlock (a fresh scan if needed), ask, then act: in that order, one request at a time. */
  function withConsent<T>(
    prompt: Omit<ConsentRequest, "hostOrigin" | "signer">,
    signer: (keys: WalletKeys) => string,
    act: (unlocked: Unlocked) => T | Promise<T>,
    done?: [string, string],
  ): Promise<T> {
    return serial(async () => {
      const unlocked = await wallet.forSigning();
      await ask({ ...prompt, signer: signer(unlocked.keys) });
      const result = await act(unlocked);
      screens.signed(hostOrigin, ...(done ?? []));
      return result;
    });
  }

  const evmSigner = (keys: WalletKeys) => `Signed by your FaceSign account ${keys.secp256k1.address}`;

  return {
    async hello(...args: unknown[]) {
      parseArgs("hello", args);
      return { version: WIDGET_VERSION, hostOrigin };
    },

    async connect(...args: unknown[]) {
      parseArgs("connect", args);
      return serial(async () => {
        const unlocked = await wallet.unlock();
        const identity = publicIdentity(unlocked);
        if (!connected) {
          const site = new URL(hostOrigin).host;
          await ask({
            kind: "connect",
            title: `Connect to ${site}?`,
            approveLabel: "Connect",
            signer: "Your face, the keys and whether you are new stay in this window.",
            parts: [
              { text: `${site} will see your FaceSign account, the same one every site you connect to sees. It can then ask you to sign; each signature needs your approval here.` },
              {
                heading: "It will see",
                fields: [
                  ["Address", identity.address],
                  ["FaceSign wallet key", identity.ed25519PublicKey],
                ],
              },
            ],
          });
          connected = true;
          screens.signed(hostOrigin, "Connected", "Your FaceSign account was shared");
        }
        return identity;
      });
    },

    async accounts(...args: unknown[]) {
      parseArgs("accounts", args);
      const unlocked = wallet.current;
      return connected && unlocked ? [unlocked.keys.secp256k1.address] : [];
    },

    async signMessage(...args: unknown[]) {
      const [message] = parseArgs("signMessage", args);
      const bytes = typeof message === "string" ? utf8(message) : message;
      return withConsent(
        { kind: "signMessage", title: "Sign this message?", parts: [messagePart(bytes)] },
        (keys) => `Signed by your FaceSign wallet ${hex(keys.ed25519.publicKey).slice(0, 16)}…`,
        ({ keys }) => ({ signature: signHostMessage(keys, bytes), ed25519PublicKey: hex(keys.ed25519.publicKey) }),
      );
    },

    async personalSign(...args: unknown[]) {
      const [message] = parseArgs("personalSign", args);
      const bytes = message.startsWith("0x") ? fromHex(message) : utf8(message);
      if (!bytes) throw new FaceSignError("invalid_request", "personalSign: the 0x message is not valid hex");
      const digest = personalDigest(bytes);
      return withConsent({ kind: "personalSign", title: "Sign this message?", parts: [messagePart(bytes)] }, evmSigner, ({ keys }) => signDigest(keys, digest));
    },

    async signTypedData(...args: unknown[]) {
      const [typedData] = parseArgs("signTypedData", args);
      // The domain is checked first: what the screen shows must be what the signature covers.
      const { domain, chainWarning, fields } = readableTypedData(typedData);
      let digest: `0x${string}`;
      try {
        digest = typedDataDigest(typedData);
      } catch (error) {
        throw new FaceSignError("invalid_request", `signTypedData: ${error instanceof Error ? error.message.split("\n")[0] : "invalid typed data"}`);
      }
      return withConsent(
        {
          kind: "signTypedData",
          title: `Sign ${typedData.primaryType}?`,
          parts: [
            ...(chainWarning ? [{ heading: "Warning", text: chainWarning }] : []),
            ...(domain.length ? [{ heading: "For", fields: domain }] : []),
            { heading: `${typedData.primaryType} (${fields.length} ${fields.length === 1 ? "field" : "fields"})`, fields },
          ],
        },
        evmSigner,
        ({ keys }) => signDigest(keys, digest),
      );
    },

    async joinIdosProfile(...args: unknown[]) {
      const [{ profileId }] = parseArgs("joinIdosProfile", args);
      return withConsent(
        {
          kind: "joinProfile",
          title: "Add your FaceSign wallet to an idOS profile?",
          approveLabel: "Add",
          parts: [
            { text: `${new URL(hostOrigin).host} asks to add your FaceSign wallet to the idOS profile below, which one of your other wallets holds.` },
            {
              text: "Whoever holds that profile's wallets can then share what it holds, including your FaceSign credential once it is kept there. Approve only if the profile is yours.",
            },
            { heading: "Profile", fields: [["idOS profile", profileId]] },
          ],
        },
        (keys) => `Signed by your FaceSign wallet ${hex(keys.ed25519.publicKey).slice(0, 16)}…`,
        ({ keys }) => faceSignWallet(walletSigner(keys), profileId),
        ["Signed", "Your FaceSign wallet's proof was sent"],
      );
    },

    async requestAccessGrant(...args: unknown[]) {
      const [request] = parseArgs("requestAccessGrant", args);
      const consumerEncryptionPublicKey = fromBase64url(request.consumerEncryptionPublicKey)!;
      const consumerAuthPublicKey = fromBase64url(request.consumerAuthPublicKey)!;
      const locked = request.lockedUntil > Date.now() ? new Date(request.lockedUntil).toUTCString() : "not locked: you can revoke it at any time";
      return withConsent(
        {
          kind: "accessGrant",
          title: "Share your FaceSign credential?",
          approveLabel: "Share",
          parts: [
            { text: `${new URL(hostOrigin).host} asks to read your FaceSign credential: a unique person ID, nothing else.` },
            {
              text: "Sharing keeps your credential in your idOS profile (made for you if you have none), encrypted so that only you can read it, and gives this site a copy only it can read. Nothing goes to idOS unless you share.",
            },
            { text: "Your wallet also signs, for this site and this request only, that the credential is yours." },
            {
              heading: "Grant",
              fields: [
                ["Locked until", locked],
                ["Consumer key", `${request.consumerEncryptionPublicKey.slice(0, 16)}…`],
              ],
            },
          ],
        },
        (keys) => `From your FaceSign wallet ${hex(keys.ed25519.publicKey).slice(0, 16)}…`,
        async (unlocked) => {
          try {
            const { idos, credentialId } = await credentials.for(unlocked);
            // ed25519 is deterministic: this scan's issuer signature over the (same) notes is the held credential's.
            const publicNotesSignature = base64.encode(fromBase64url(unlocked.credential.publicNotesSignature)!);
            const grant = await idos.requestAccessGrant(credentialId, { consumerEncryptionPublicKey, consumerAuthPublicKey, lockedUntil: request.lockedUntil, publicNotesSignature });
            const presentation = presentCredential(unlocked.keys.ed25519.secretKey, {
              consumer: consumerAuthPublicKey,
              challenge: request.challenge,
              grant: { id: grant.id, owner: grant.ag_owner_user_id, contentHash: grant.content_hash },
              now: Date.now(),
            });
            return { grantId: grant.id, presentation };
          } catch (error) {
            throw new FaceSignError("service_error", `idOS: ${error instanceof Error ? error.message : "unavailable"}`);
          }
        },
        ["Shared", "Your credential was shared"],
      );
    },
  };
}
