// Builds boxed requests by hand, as an attacker or a broken client would, to test
// what the enclave refuses. (The real client is widget/frame/enclave-client.ts.)
import nacl from "tweetnacl";
import { openBox, sealBox } from "../../common/box-framing";
import { fromBase64url, toBase64url } from "../../common/base64url";

export interface RawSession {
  sessionId: string;
  enclavePublicKey: Uint8Array;
  keys: nacl.BoxKeyPair;
  attestation: Uint8Array;
  nonce: Uint8Array;
}

export async function rawSession(origin: string): Promise<RawSession> {
  const keys = nacl.box.keyPair();
  const nonce = nacl.randomBytes(32);
  const res = await fetch(`${origin}/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nonce: toBase64url(nonce), clientPublicKey: toBase64url(keys.publicKey) }),
  });
  if (res.status !== 201) throw new Error(`session: HTTP ${res.status}`);
  const body = (await res.json()) as { sessionId: string; enclavePublicKey: string; attestation: string };
  return { sessionId: body.sessionId, enclavePublicKey: fromBase64url(body.enclavePublicKey)!, keys, attestation: fromBase64url(body.attestation)!, nonce };
}

export function seal(session: RawSession, plaintext: unknown, secretKey = session.keys.secretKey): Uint8Array {
  return sealBox(plaintext, nacl.box.before(session.enclavePublicKey, secretKey));
}

export function open(session: RawSession, sealed: Uint8Array): unknown {
  const plain = openBox(sealed, nacl.box.before(session.enclavePublicKey, session.keys.secretKey));
  return plain ? JSON.parse(new TextDecoder().decode(plain)) : null;
}

export async function post(origin: string, sessionId: string, body: Uint8Array | string, type = "application/octet-stream"): Promise<{ status: number; code?: string; bytes?: Uint8Array }> {
  const res = await fetch(`${origin}/v1/sessions/${sessionId}/requests`, { method: "POST", headers: { "content-type": type }, body: body as BodyInit });
  if (res.ok) return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: res.status, code: json.error?.code ?? "" };
}

/** One boxed scan of these JPEG frames through the API (neutral only: for a test challenge without steps). */
export async function apiScan(origin: string, images: Uint8Array[]): Promise<{ status: string; userId?: string; entropy?: string }> {
  const session = await rawSession(origin);
  const now = Date.now();
  const frames = images.map((image, i) => ({ t: now + i, step: null, image: toBase64url(image) }));
  const res = await fetch(`${origin}/v1/sessions/${session.sessionId}/scan`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: seal(session, { type: "scan", counter: 1, frames }) as BodyInit,
  });
  if (res.status !== 200) throw new Error(`scan: HTTP ${res.status}`);
  return open(session, new Uint8Array(await res.arrayBuffer())) as { status: string; userId?: string; entropy?: string };
}
