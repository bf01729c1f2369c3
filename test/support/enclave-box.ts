// Builds boxed requests by hand, as an attacker or a broken client would, to test
// what the enclave refuses. (The real client is widget/frame/enclave-client.ts.)
import nacl from "tweetnacl";
import { openBox, sealBox } from "../../common/box-framing";
import { fromBase64url, toBase64url } from "../../common/base64url";
import { STREAM } from "../../enclave-service/enclave/liveness";

export interface RawSession {
  sessionId: string;
  challengeId: string;
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
  const body = (await res.json()) as { sessionId: string; enclavePublicKey: string; attestation: string; challenge: { id: string } };
  return { sessionId: body.sessionId, challengeId: body.challenge.id, enclavePublicKey: fromBase64url(body.enclavePublicKey)!, keys, attestation: fromBase64url(body.attestation)!, nonce };
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

/** A scan_result's fields, or a pace's. */
export interface ApiScanAnswer {
  type?: string;
  stage?: string;
  step?: string | number;
  status: string;
  reason?: string;
  userId?: string;
  entropy?: string;
  token?: string;
  accountHandle?: string;
  retryAt?: number;
}

/** Posts one boxed request to a session's stream or scan route and opens the answer. */
export async function boxedRoute(origin: string, session: RawSession, route: "stream" | "scan", request: unknown): Promise<ApiScanAnswer> {
  const res = await fetch(`${origin}/v1/sessions/${session.sessionId}/${route}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: seal(session, request) as BodyInit });
  if (res.status !== 200) throw new Error(`${route}: HTTP ${res.status}`);
  return open(session, new Uint8Array(await res.arrayBuffer())) as ApiScanAnswer;
}

/** The session's first request: these images streamed as the resting face (cycled to STREAM.baselineFrames, 1/6 s apart by the device's clock, in one batch). */
export function streamRest(origin: string, session: RawSession, images: Uint8Array[], now = Date.now()): Promise<ApiScanAnswer> {
  const count = Math.max(images.length, STREAM.baselineFrames);
  const frames = Array.from({ length: count }, (_, i) => ({ t: now - (count - i) * 167, image: toBase64url(images[i % images.length]!) }));
  return boxedRoute(origin, session, "stream", { type: "frames", counter: 1, frames });
}

/**
 * One boxed scan of these JPEG frames through the API, for a test challenge without
 * steps: the frames stream as the resting face (streamRest), then the scan. A proposed new account is
 * confirmed, as a user who says "I'm new" does, unless `confirm` is false: then the
 * session stays open for `enrol`. The frames' times come from `clock` (the parent's,
 * when a test moves it: the enclave only compares them with each other and its own clock).
 */
export async function apiScan(
  origin: string,
  images: Uint8Array[],
  {
    confirm = true,
    clock = Date.now,
    signIn,
    newPasskey,
  }: {
    confirm?: boolean;
    clock?: () => number;
    /** Fields the scan request adds for this session (a passkey assertion and its partner). */
    signIn?: (session: RawSession) => Record<string, unknown>;
    /** The passkey made for a new account, given the account handle the enclave drew. */
    newPasskey?: (accountHandle: string) => Record<string, unknown>;
  } = {},
): Promise<ApiScanAnswer & { session: RawSession }> {
  const session = await rawSession(origin);
  const paced = await streamRest(origin, session, images, clock());
  if (paced.status === "rejected") return { ...paced, session };
  // Done or not: a scan before the challenge is done gets the enclave's own refusal.
  const answer = await boxedRoute(origin, session, "scan", { type: "scan", counter: 2, ...signIn?.(session) });
  if (answer.status !== "confirm_new" || !confirm) return { ...answer, session };
  const enrolled = await enrol(origin, session, answer.token!, 3, newPasskey?.(answer.accountHandle!));
  if (!enrolled.bytes) throw new Error(`enrol: HTTP ${enrolled.status} ${enrolled.code}`);
  return { ...(open(session, enrolled.bytes) as ApiScanAnswer), session };
}

/** Confirms the new account a scan proposed (the session's third request, after the stream and the scan, as the frame sends it). */
export const enrol = (origin: string, session: RawSession, token: string, counter = 3, passkey?: Record<string, unknown>) =>
  post(origin, session.sessionId, seal(session, { type: "enrol", counter, token, ...(passkey ? { passkey } : {}) }));
