// The iframe's channel to the enclave: open a session, verify the enclave's
// attestation against the pinned measurement and root, then talk in boxes
// (nacl.box from a per-session key, a counter inside each one).
import nacl from "tweetnacl";
import * as v from "valibot";
import {
  apiErrorBodySchema,
  challengeUserData,
  type Challenge,
  createSessionResponseSchema,
  type CreateSessionRequest,
  type CreateSessionResponse,
  type EnclaveRequest,
  type EnclaveResponse,
} from "../../contracts/frame-service";
import { fromBase64url, toBase64url } from "../../common/base64url";
import { FaceSignError } from "../../contracts/page-frame";
import { AttestationError, equalBytes, verifyAttestation, type TrustAnchors } from "../../common/attestation-verifier";
import { openBox, sealBox } from "../../common/box-framing";

/** The stream goes to the route with the larger size limit, the scan to the rate-limited one. */
const ROUTES: Partial<Record<EnclaveRequest["type"], string>> = { frames: "stream", scan: "scan" };

/** Distributes Omit over a union, so each request keeps its own fields. */
type WithoutCounter<T> = T extends unknown ? Omit<T, "counter"> : never;

export interface EnclaveSession {
  sessionId: string;
  challenge: Challenge;
  expiresAt: number;
  /** Sends one boxed request, and waits for its answer before the next may go (the counter says so). */
  request(body: WithoutCounter<EnclaveRequest>): Promise<EnclaveResponse>;
  /** Forgets the session key. */
  close(): void;
}

async function serviceError(res: Response): Promise<FaceSignError> {
  const body = v.safeParse(apiErrorBodySchema, await res.json().catch(() => null));
  // The one service refusal a user causes by waiting: it gets its own words.
  if (body.success && body.output.error.code === "enrolment_expired") return new FaceSignError("enrolment_expired");
  return new FaceSignError("service_error", body.success ? `${body.output.error.code}: ${body.output.error.message}` : `HTTP ${res.status}`);
}

/**
 * The attested user_data must name this session, its challenge and its mode, so the
 * parent can swap none of them; a production frame refuses an enclave in test mode
 * (fixed challenges), whatever the parent says. The light challenge runs as the user
 * chose: a parent cannot drop it (a weaker challenge) nor force colours on a user who
 * declined them; only a test-mode enclave may run without it.
 */
export function checkSessionBinding(session: Pick<CreateSessionResponse, "sessionId" | "challenge" | "testMode">, userData: Uint8Array, build: "development" | "production", light: boolean): void {
  if (session.testMode && build === "production") throw new FaceSignError("attestation_invalid", "Attestation rejected: test_mode.");
  const { id, light: running } = session.challenge;
  const expected = challengeUserData(fromBase64url(session.sessionId)!, { id: fromBase64url(id)!, light: running }, session.testMode);
  if (!equalBytes(expected, userData)) throw new FaceSignError("attestation_invalid", "Attestation rejected: user_data.");
  if (running !== light && !(session.testMode && !running)) throw new FaceSignError("attestation_invalid", "Attestation rejected: light.");
}

export async function openEnclaveSession(
  serviceOrigin: string,
  anchors: TrustAnchors & { build: "development" | "production" },
  { light = true, now = Date.now }: { light?: boolean; now?: () => number } = {},
): Promise<EnclaveSession> {
  const keys = nacl.box.keyPair();
  const nonce = nacl.randomBytes(32);
  const request: CreateSessionRequest = { nonce: toBase64url(nonce), clientPublicKey: toBase64url(keys.publicKey), light };
  const res = await fetch(`${serviceOrigin}/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
  if (!res.ok) throw await serviceError(res);
  const parsed = v.safeParse(createSessionResponseSchema, await res.json().catch(() => null));
  if (!parsed.success) throw new FaceSignError("attestation_invalid", "Attestation rejected: format.");
  const session = parsed.output;
  const document = fromBase64url(session.attestation);
  if (!document) throw new FaceSignError("attestation_invalid", "Attestation rejected: format.");
  const enclave = await verifyAttestation(document, anchors, { nonce, now: now(), expectedPublicKey: fromBase64url(session.enclavePublicKey)! }).catch((error: unknown) => {
    throw error instanceof AttestationError ? new FaceSignError("attestation_invalid", `Attestation rejected: ${error.code}.`) : error;
  });
  checkSessionBinding(session, enclave.userData, anchors.build, light);
  const sharedKey = nacl.box.before(enclave.publicKey, keys.secretKey);
  keys.secretKey.fill(0);
  let counter = 0;

  return {
    sessionId: session.sessionId,
    challenge: session.challenge,
    expiresAt: session.expiresAt,
    async request(body) {
      const sent = ++counter;
      const payload = sealBox({ ...body, counter: sent }, sharedKey);
      const route = ROUTES[body.type] ?? "requests";
      const reply = await fetch(`${serviceOrigin}/v1/sessions/${session.sessionId}/${route}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: payload });
      if (!reply.ok) throw await serviceError(reply);
      const sealed = new Uint8Array(await reply.arrayBuffer());
      const opened = openBox(sealed, sharedKey);
      if (!opened) throw new FaceSignError("service_error", "The enclave's answer could not be opened.");
      const response = JSON.parse(new TextDecoder().decode(opened)) as EnclaveResponse;
      if (response.counter !== sent) throw new FaceSignError("service_error", "The enclave's answer does not match the request.");
      return response;
    },
    close() {
      sharedKey.fill(0);
    },
  };
}
