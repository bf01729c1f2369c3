// Compact JWS with EdDSA (ed25519), as FaceSign's credential (vc+jwt) and presentations
// (vp+jwt) are secured: one signer and one reader, so both parse and check alike.
import nacl from "tweetnacl";
import { fromBase64url, toBase64url } from "./base64url";
import { codedErrorClass } from "../contracts/coded-error";

const JWS_ERRORS = {
  jws_malformed: { message: "Not a compact EdDSA JWS of the expected type." },
  jws_signature_invalid: { message: "The JWS's signature does not verify against its signer's key." },
} as const;

export class JwsError extends codedErrorClass("JwsError", JWS_ERRORS) {}

const utf8 = (s: string) => new TextEncoder().encode(s);
const json64 = (value: unknown) => toBase64url(utf8(JSON.stringify(value)));

/** Signs `payload` with an ed25519 secret key (tweetnacl's 64 bytes); `kid` names the signer's did:key. */
export function signJws(secretKey: Uint8Array, typ: string, kid: string, payload: unknown, extraHeader: Record<string, string> = {}): string {
  const signingInput = `${json64({ alg: "EdDSA", typ, ...extraHeader, kid })}.${json64(payload)}`;
  return `${signingInput}.${toBase64url(nacl.sign.detached(utf8(signingInput), secretKey))}`;
}

/** The payload of a compact EdDSA JWS of type `typ` (JSON), unverified, and a check of its signature against a key. */
export function readJws(jws: string, typ: string): { payload: unknown; verifies(publicKey: Uint8Array): boolean } {
  const parts = jws.split(".");
  const [header, payload, signature] = parts.map((p) => fromBase64url(p));
  if (parts.length !== 3 || !header || !payload || !signature) throw new JwsError("jws_malformed", "Not a compact JWS.");
  let head: { alg?: unknown; typ?: unknown };
  let body: unknown;
  try {
    head = JSON.parse(new TextDecoder().decode(header)) as typeof head;
    body = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new JwsError("jws_malformed", "The JWS header or payload is not JSON.");
  }
  if (head?.alg !== "EdDSA" || head.typ !== typ) throw new JwsError("jws_malformed", `Expected an EdDSA ${typ}.`);
  const signingInput = utf8(parts.slice(0, 2).join("."));
  return { payload: body, verifies: (publicKey) => signature.length === 64 && nacl.sign.detached.verify(signingInput, signature, publicKey) };
}
