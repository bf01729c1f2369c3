// The frame's way to idOS: the user's side of idOS's actions (profile, FaceSign wallet,
// credential, access grants) over kwil-js, signed with the FaceSign wallet's ed25519 key.
// Pointed at a real idOS node, the same calls go to idOS.
import { base64 } from "@scure/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { decryptContent, encryptContent } from "../../../common/credential";
import { connectIdos, type Ed25519Signer } from "../../../common/idos-kwil";
import { IdosError, walletPossessionMessage, type IdosAccessGrant, type IdosCredentialListItem, type IdosParams, type IdosUser } from "../../../contracts/idos";
import { hex } from "../wallet/encoding";
import type { WalletKeys } from "../wallet/keys";
import nacl from "tweetnacl";

/** Opens credential content encrypted to the user (their x25519 key stays with the caller). */
export interface UserDecrypter {
  publicKey: Uint8Array;
  decrypt(content: Uint8Array, encryptorPublicKey: Uint8Array): Uint8Array;
}

export interface AccessGrantRequest {
  consumerEncryptionPublicKey: Uint8Array;
  /** The consumer's ed25519 key: the grantee account that alone can read the copy. */
  consumerAuthPublicKey: Uint8Array;
  /** Epoch ms until which the user cannot revoke the grant. */
  lockedUntil: number;
  /** The issuer's signature over the credential's public notes (base64), which the copy keeps. */
  publicNotesSignature: string;
}

/** add_wallet's arguments for the FaceSign wallet joining `profileId` (address = public key = ed25519 hex), with its own signature over the statement: proof that its holder wants it there. */
export function faceSignWallet(signer: Ed25519Signer, profileId: string): IdosParams<"add_wallet"> {
  const publicKey = hex(signer.publicKey);
  const message = walletPossessionMessage(profileId, publicKey);
  return { id: crypto.randomUUID(), address: publicKey, public_key: publicKey, wallet_type: "FaceSign", message, signature: hex(signer.sign(new TextEncoder().encode(message))) };
}

export async function idosUserClient(nodeUrl: string, signer: Ed25519Signer, decrypter: UserDecrypter) {
  const idos = await connectIdos(nodeUrl, signer);
  const walletAddress = hex(signer.publicKey);
  const owned = async (id: string) => {
    const [c] = await idos.view("get_credential_owned", { id });
    if (!c) throw new IdosError("not_found", "No such credential.");
    return c;
  };
  return {
    /** The user's profile, or undefined when this wallet has none yet. */
    async logIn(): Promise<IdosUser | undefined> {
      const [profile] = await idos.view("has_profile", { address: walletAddress });
      return profile?.has_profile ? (await idos.view("get_user", {}))[0] : undefined;
    },
    /** A new profile for this wallet (the FaceSign wallet type: address = public key = ed25519 hex), the wallet proving it joins. */
    async createProfile(userId: string): Promise<void> {
      await idos.execute("add_user_as_inserter", { id: userId, recipient_encryption_public_key: base64.encode(decrypter.publicKey), encryption_password_store: "user" });
      await idos.execute("add_wallet", faceSignWallet(signer, userId));
    },
    addCredential: (credential: IdosParams<"add_credential">) => idos.execute("add_credential", credential),
    getAllCredentials: (): Promise<IdosCredentialListItem[]> => idos.view("get_credentials", {}),
    async getCredentialContent(id: string): Promise<Uint8Array> {
      const c = await owned(id);
      return decrypter.decrypt(base64.decode(c.content), base64.decode(c.encryptor_public_key));
    },
    /** Re-encrypts the credential to the consumer, stores the copy and its grant (content_hash = SHA-256 of the plaintext). */
    async requestAccessGrant(credentialId: string, { consumerEncryptionPublicKey, consumerAuthPublicKey, lockedUntil, publicNotesSignature }: AccessGrantRequest): Promise<IdosAccessGrant> {
      const original = await owned(credentialId);
      const plaintext = decrypter.decrypt(base64.decode(original.content), base64.decode(original.encryptor_public_key));
      const copy = encryptContent(plaintext, consumerEncryptionPublicKey);
      const copyId = crypto.randomUUID();
      await idos.execute("share_credential", {
        id: copyId,
        original_credential_id: credentialId,
        public_notes: original.public_notes,
        public_notes_signature: publicNotesSignature,
        broader_signature: "",
        content: base64.encode(copy.content),
        content_hash: hex(sha256(plaintext)),
        encryptor_public_key: base64.encode(copy.encryptorPublicKey),
        issuer_auth_public_key: original.issuer_auth_public_key,
        grantee_wallet_identifier: hex(consumerAuthPublicKey),
        locked_until: lockedUntil,
      });
      plaintext.fill(0);
      // idOS names the grant itself: it is the one over the new copy.
      const grant = (await idos.view("get_access_grants_owned", {})).find((g) => g.data_id === copyId);
      if (!grant) throw new IdosError("not_found", "The access grant was not made.");
      return grant;
    },
    getAccessGrantsOwned: () => idos.view("get_access_grants_owned", {}),
    revokeAccessGrant: (id: string) => idos.execute("revoke_access_grant", { id }),
    removeCredential: (id: string) => idos.execute("remove_credential", { id }),
  };
}
export type IdosUserClient = Awaited<ReturnType<typeof idosUserClient>>;

/** The x25519 side of the wallet as the adapter needs it. */
export const boxDecrypter = (keys: { publicKey: Uint8Array; secretKey: Uint8Array }): UserDecrypter => ({
  publicKey: keys.publicKey,
  decrypt: (content, encryptorPublicKey) => decryptContent(content, encryptorPublicKey, keys.secretKey),
});

/** The FaceSign wallet's ed25519 key as idOS's signer. */
export const walletSigner = (keys: WalletKeys): Ed25519Signer => ({ publicKey: keys.ed25519.publicKey, sign: (m) => nacl.sign.detached(m, keys.ed25519.secretKey) });

/** idOS for the wallet: signed with its ed25519 key, credentials opened with its x25519 key. */
export const walletIdos = (nodeUrl: string, keys: WalletKeys) => idosUserClient(nodeUrl, walletSigner(keys), boxDecrypter(keys.x25519));
