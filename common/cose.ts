// COSE_Sign1 (RFC 9052) as AWS Nitro attestation documents use it: the ES384
// algorithm id and the Sig_structure that is signed, for the signer and the verifiers.
import { encode } from "cborg";

export const ES384 = -35;

/** The COSE Sig_structure for a COSE_Sign1 with empty external AAD. */
export const sigStructure = (protectedHeader: Uint8Array, payload: Uint8Array): Uint8Array<ArrayBuffer> => encode(["Signature1", protectedHeader, new Uint8Array(0), payload]);
