// The frame's only way to idOS: an adapter whose names mirror @idos-network/client
// (createIDOSClient, withUserSigner, logIn, getAllCredentials, getCredentialContent,
// requestAccessGrant, getAccessGrantsOwned, revokeAccessGrant), so the real client can
// take its place. Locally it speaks to the idOS-compatible node in enclave-service/idos-node.
import { base64 } from "@scure/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { decryptContent, encryptContent } from "../../../common/credential";
import { idosCall } from "../../../common/idos-call";
import {
  signingMessage,
  walletPossessionMessage,
  IDOS_ACTIONS,
  type IdosAccessGrant,
  type IdosAction,
  type IdosCredential,
  type IdosCredentialListItem,
  type IdosParams,
  type IdosResults,
  type IdosUser,
} from "../../../contracts/idos";
import { hex } from "../wallet/encoding";

export interface UserSigner {
  /** ed25519 public key: the FaceSign wallet. */
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Opens credential content encrypted to the user (their x25519 key stays with the caller). */
export interface UserDecrypter {
  publicKey: Uint8Array;
  decrypt(content: Uint8Array, encryptorPublicKey: Uint8Array): Uint8Array;
}

export interface AccessGrantRequest {
  consumerEncryptionPublicKey: Uint8Array;
  consumerAuthPublicKey: Uint8Array;
  /** Epoch ms until which the user cannot revoke the grant. */
  lockedUntil: number;
}

export function createIDOSClient({ nodeUrl }: { nodeUrl: string }) {
  function call<A extends IdosAction>(action: A, params: IdosParams<A>, signer?: UserSigner): Promise<IdosResults[A]> {
    const timestamp = Date.now();
    const auth = IDOS_ACTIONS[action].signed && signer ? { public_key: hex(signer.publicKey), timestamp, signature: hex(signer.sign(signingMessage(action, timestamp, params))) } : undefined;
    return idosCall(nodeUrl, action, params, auth);
  }

  return {
    hasProfile: (address: string) => call("has_profile", { address }),

    withUserSigner(signer: UserSigner, decrypter: UserDecrypter) {
      const signed = <A extends IdosAction>(action: A, params: IdosParams<A>) => call(action, params, signer);
      const walletAddress = hex(signer.publicKey);
      return {
        /** The user's profile, or undefined when this wallet has none yet. */
        async logIn(): Promise<IdosUser | undefined> {
          return (await call("has_profile", { address: walletAddress })) ? signed("get_user", {}) : undefined;
        },
        /** A new profile for this wallet (the FaceSign wallet type: address = public key = ed25519 hex). */
        async createProfile(userId: string): Promise<IdosUser> {
          const user = await signed("add_user_as_inserter", { id: userId, recipient_encryption_public_key: base64.encode(decrypter.publicKey) });
          const possession = hex(signer.sign(walletPossessionMessage(user.id, walletAddress)));
          await signed("add_wallet", { id: crypto.randomUUID(), address: walletAddress, public_key: walletAddress, wallet_type: "FaceSign", possession });
          return user;
        },
        addCredential: (credential: IdosParams<"add_credential">) => signed("add_credential", credential),
        getAllCredentials: (): Promise<IdosCredentialListItem[]> => signed("get_credentials", {}),
        async getCredentialContent(id: string): Promise<Uint8Array> {
          const c: IdosCredential = await signed("get_credential_owned", { id });
          return decrypter.decrypt(base64.decode(c.content), base64.decode(c.encryptor_public_key));
        },
        /** Re-encrypts the credential to the consumer, stores the copy and the grant (content_hash = SHA-256 of the plaintext). */
        async requestAccessGrant(credentialId: string, { consumerEncryptionPublicKey, consumerAuthPublicKey, lockedUntil }: AccessGrantRequest): Promise<IdosAccessGrant> {
          const original = await signed("get_credential_owned", { id: credentialId });
          const plaintext = decrypter.decrypt(base64.decode(original.content), base64.decode(original.encryptor_public_key));
          const copy = encryptContent(plaintext, consumerEncryptionPublicKey);
          const grant = await signed("share_credential", {
            id: crypto.randomUUID(),
            original_credential_id: credentialId,
            grant_id: crypto.randomUUID(),
            public_notes: original.public_notes,
            content: base64.encode(copy.content),
            encryptor_public_key: base64.encode(copy.encryptorPublicKey),
            issuer_auth_public_key: original.issuer_auth_public_key,
            grantee_wallet_identifier: hex(consumerAuthPublicKey),
            locked_until: lockedUntil,
            content_hash: hex(sha256(plaintext)),
          });
          plaintext.fill(0);
          return grant;
        },
        getAccessGrantsOwned: () => signed("get_access_grants_owned", {}),
        revokeAccessGrant: (id: string) => signed("revoke_access_grant", { id }),
      };
    },
  };
}
export type IdosUserClient = ReturnType<ReturnType<typeof createIDOSClient>["withUserSigner"]>;

/** The x25519 side of the wallet as the adapter needs it. */
export const boxDecrypter = (keys: { publicKey: Uint8Array; secretKey: Uint8Array }): UserDecrypter => ({
  publicKey: keys.publicKey,
  decrypt: (content, encryptorPublicKey) => decryptContent(content, encryptorPublicKey, keys.secretKey),
});
