// Builds an attestation document in the AWS Nitro format: a COSE_Sign1 (RFC 9052)
// signed with ES384, whose CBOR payload carries the module id, PCRs, the signing
// certificate and its bundle, the enclave's public key, user data and the nonce.
import { encode } from "cborg";
import { ES384, sigStructure } from "../../common/cose";
import type { DevSigner } from "../../contracts/parent-enclave";

export interface Attestor {
  /** Returns COSE_Sign1 bytes binding these values to the enclave's measurements. */
  attest(input: { publicKey: Uint8Array; userData: Uint8Array; nonce: Uint8Array; now: number }): Promise<Uint8Array>;
}

const SIGN_ALG = { name: "ECDSA", hash: "SHA-384" } as const;

/**
 * The local stand-in for the Nitro Secure Module: signs with the leaf key of the
 * parent's dev chain. In production the NSM device signs (ioctl on /dev/nsm, request
 * Attestation{user_data, nonce, public_key}) and its documents chain to the AWS Nitro
 * root G1; that attestor is a drop-in for this interface and cannot run here.
 */
export async function createDevAttestor(signer: DevSigner): Promise<Attestor> {
  const key = await crypto.subtle.importKey("pkcs8", signer.leafKey as Uint8Array<ArrayBuffer>, { name: "ECDSA", namedCurve: "P-384" }, false, ["sign"]);
  const protectedHeader = encode(new Map([[1, ES384]]));
  return {
    async attest({ publicKey, userData, nonce, now }) {
      const payload = encode({
        module_id: signer.moduleId,
        digest: "SHA384",
        timestamp: now,
        pcrs: new Map(Object.entries(signer.pcrs).map(([i, value]) => [Number(i), value])),
        certificate: signer.certificate,
        cabundle: signer.cabundle,
        public_key: publicKey,
        user_data: userData,
        nonce,
      });
      const signature = new Uint8Array(await crypto.subtle.sign(SIGN_ALG, key, sigStructure(protectedHeader, payload)));
      return encode([protectedHeader, new Map(), payload, signature]);
    },
  };
}
