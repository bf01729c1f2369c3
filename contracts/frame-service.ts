// The iframe ↔ service boundary: every HTTP request and response of FaceSign's API,
// the boxed messages that travel inside them to and from the enclave, and the one
// catalogue of error codes. Used by the iframe's client and by the parent server.
import * as v from "valibot";
import { fromBase64url } from "../common/base64url";
import { codedErrorClass } from "./coded-error";

export const API_ERRORS = {
  malformed_request: { status: 400, message: "The request is malformed." },
  payload_too_large: { status: 413, message: "The request is too large." },
  unsupported_media_type: { status: 415, message: "The request has the wrong content type." },
  not_found: { status: 404, message: "No such endpoint." },
  session_unknown: { status: 404, message: "This session does not exist." },
  session_expired: { status: 410, message: "This session has expired. Start again." },
  box_invalid: { status: 400, message: "The encrypted request could not be opened." },
  replayed_request: { status: 409, message: "This request was already received." },
  counter_out_of_order: { status: 409, message: "This request arrived out of order." },
  unsupported_request: { status: 400, message: "The enclave does not know this request." },
  enclave_busy: { status: 503, message: "The service is busy. Try again shortly." },
  enclave_unavailable: { status: 503, message: "The service is starting. Try again shortly." },
  test_mode_refused: { status: 500, message: "This is a production build: test mode is refused." },
  template_invalid: { status: 500, message: "A stored face template failed its integrity check." },
  template_store_unavailable: { status: 503, message: "Stored face templates could not be read. Try again shortly." },
  challenge_spent: { status: 409, message: "This session's challenge was already used. Start a new scan." },
  enrolment_invalid: { status: 403, message: "This confirmation does not belong to this scan." },
  enrolment_expired: { status: 410, message: "This confirmation has expired. Scan again." },
  passkey_unsupported: { status: 400, message: "The new passkey is not a P-256 (ES256) key." },
  handoff_unknown: { status: 404, message: "This hand-off does not exist." },
  handoff_expired: { status: 410, message: "This hand-off has expired. Start again on your computer." },
  handoff_cancelled: { status: 410, message: "This hand-off was cancelled on the computer." },
  handoff_claimed: { status: 409, message: "This hand-off is already open on another phone." },
  handoff_answered: { status: 409, message: "This hand-off already has its answer." },
  handoff_token_invalid: { status: 403, message: "This hand-off belongs to another device." },
  rate_limited: { status: 429, message: "Too many requests. Try again shortly." },
  internal_error: { status: 500, message: "The service hit an internal error." },
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends codedErrorClass("ApiError", API_ERRORS) {
  toBody(): ApiErrorBody {
    return { error: this.toJSON() };
  }
}
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}
export const apiErrorBodySchema = v.object({ error: v.object({ code: v.picklist(Object.keys(API_ERRORS) as ApiErrorCode[]), message: v.string() }) });

/** A base64url field that must decode to exactly `length` bytes. */
const bytes = (length: number) =>
  v.pipe(
    v.string(),
    v.check((s) => fromBase64url(s)?.length === length, `must be ${length} bytes, base64url without padding`),
  );

/** What a liveness challenge can ask for; the enclave draws MIN_CHALLENGE_STEPS to 4 of them per session and reveals each only when it begins. */
export const CHALLENGE_STEPS = ["turn_left", "turn_right", "look_up", "look_down", "blink", "move_closer"] as const;
/** Fewer steps than this is no challenge: the enclave never draws fewer outside test mode. */
export const MIN_CHALLENGE_STEPS = 2;
export type ChallengeStep = (typeof CHALLENGE_STEPS)[number];
/**
 * The colours the light challenge fills the frame's window with: moderate hues of
 * similar brightness (relative luminance 0.22 to 0.45, no saturated red), so the
 * sequence changes colour, not brightness, and is no flash for photosensitive people.
 */
export const LIGHT_COLOURS = {
  red: [220, 100, 100],
  green: [76, 184, 76],
  blue: [90, 120, 240],
  yellow: [200, 180, 60],
  magenta: [210, 90, 210],
  cyan: [60, 180, 200],
} as const satisfies Record<string, readonly [number, number, number]>;
export type LightColour = keyof typeof LIGHT_COLOURS;
/** One colour of the light challenge and how long it stays, ms. */
export interface LightSpan {
  colour: LightColour;
  ms: number;
}

/**
 * A session's challenge as it opens: its id, and whether it runs the light challenge (the
 * user may decline the colours: a longer movement challenge replaces it). Its steps and
 * colours stay in the enclave until each begins (`pace`).
 */
const challengeSchema = v.object({ id: bytes(16), light: v.boolean() });
export type Challenge = v.InferOutput<typeof challengeSchema>;

/**
 * The session attestation's user_data: mode (bit 0: test mode, a fixed challenge; bit 1:
 * no light challenge, the user declined it) ‖ session id (16) ‖ challenge id (16). The
 * enclave attests it; the frame compares it, so the parent can swap neither the session
 * nor its challenge, drop the light challenge the user did not decline, nor hide that the
 * enclave runs in test mode.
 */
export const challengeUserData = (sessionId: Uint8Array, challenge: { id: Uint8Array; light: boolean }, testMode: boolean): Uint8Array =>
  new Uint8Array([(testMode ? 1 : 0) | (challenge.light ? 0 : 2), ...sessionId, ...challenge.id]);

// --- GET /frame/: the frame's configuration, in a <meta name="facesign-config"> tag ---------

export const frameConfigSchema = v.object({
  /** Origins allowed to embed the frame and talk to it. */
  partnerOrigins: v.array(v.string()),
  /** How long the user has for each challenge step (and to place the face) before the scan stops. */
  stepTimeoutMs: v.pipe(v.number(), v.minValue(1000)),
  /** How long after a face scan signatures need only the user's approval; then the wallet locks. */
  signWindowMs: v.pipe(v.number(), v.minValue(1000)),
  /** The user's idOS node, where their encrypted credential and access grants live. */
  idosUrl: v.pipe(v.string(), v.url()),
});
export type FrameConfig = v.InferOutput<typeof frameConfigSchema>;

// --- GET /v1/embed-check: before the frame, the loader asks whether this page is a partner ---
// (answered by the Origin header the browser sends)

export interface EmbedCheckResponse {
  allowed: boolean;
}

// --- GET /readyz ---------------------------------------------------------------------------

/** Ready once the enclave has booted; test mode is announced so tools can tell a test stack from a real one. */
export interface ReadyResponse {
  ready: true;
  pcr0: string;
  testChallenge: ChallengeStep[] | null;
}

// --- POST /v1/issuer: the issuer's key, attested -----------------------------------------
// The attestation document's public_key is the enclave's ed25519 issuer key and its
// user_data is ISSUER_USER_DATA, so a consumer that verifies the document (pinned root,
// pinned PCR0, its own nonce) knows which key signs FaceSign credentials.

export const ISSUER_USER_DATA = "facesign/v1/issuer";
export const issuerRequestSchema = v.strictObject({ nonce: bytes(32) });
export interface IssuerResponse {
  issuer: string;
  /** COSE_Sign1 attestation document, base64url. */
  attestation: string;
}

// --- POST /v1/sessions -------------------------------------------------------------------

export const createSessionRequestSchema = v.strictObject({
  nonce: bytes(32),
  clientPublicKey: bytes(32),
  /** false: the user declined the light challenge's colours (the frame's notice): a longer movement challenge instead. */
  light: v.optional(v.boolean(), true),
});
export type CreateSessionRequest = v.InferInput<typeof createSessionRequestSchema>;

export const createSessionResponseSchema = v.object({
  sessionId: bytes(16),
  /** COSE_Sign1 attestation document, AWS Nitro format. */
  attestation: v.pipe(v.string(), v.maxLength(64 * 1024)),
  /** The enclave's x25519 key for this boot; must equal the attested public_key. */
  enclavePublicKey: bytes(32),
  challenge: challengeSchema,
  /** The enclave runs in test mode (fixed challenges): a production frame refuses it. Attested in user_data. */
  testMode: v.boolean(),
  expiresAt: v.number(),
});
export type CreateSessionResponse = v.InferOutput<typeof createSessionResponseSchema>;

// --- POST /v1/sessions/:id/{requests,stream,scan}: body and response are nonce(24) ‖ nacl.box (common/box-framing.ts)
// `frames` go to /stream (the larger size limit), `scan` to /scan (rate-limited), the rest to /requests.
/** streamBatch: camera frames per `frames` request at most; streamBody: its size limit (8 frames of 256 KiB as base64url, and the box). */
export const LIMITS = { smallBody: 64 * 1024, streamBody: 3 * 1024 * 1024, streamBatch: 8, frameImage: 350_000 } as const;

const counter = v.pipe(v.number(), v.integer(), v.minValue(1));

/** One camera frame of the stream: the device's capture time (epoch ms: a hint the enclave checks against its own clock) and JPEG/WebP bytes, base64url. */
const streamFrameSchema = v.strictObject({
  t: v.pipe(v.number(), v.finite()),
  image: v.pipe(v.string(), v.maxLength(LIMITS.frameImage)),
});

const b64url = (max: number) => v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9_-]*$/, "must be base64url without padding"));

/**
 * A WebAuthn assertion by the account's passkey (navigator.credentials.get), over
 * passkeyChallenge(session, partner): it names the account for a 1:1 check. Fields
 * base64url, as the authenticator returned them.
 */
const passkeyAssertionSchema = v.strictObject({
  credentialId: b64url(1400),
  userHandle: bytes(16),
  authenticatorData: b64url(1400),
  clientDataJSON: b64url(4096),
  signature: b64url(200),
});
export type PasskeyAssertion = v.InferOutput<typeof passkeyAssertionSchema>;

/** A new passkey for the account being enrolled (navigator.credentials.create, ES256): its id and SubjectPublicKeyInfo, base64url. */
const newPasskeySchema = v.strictObject({ credentialId: b64url(1400), publicKey: b64url(200) });
export type NewPasskey = v.InferOutput<typeof newPasskeySchema>;

/** What the iframe sends inside a box. `counter` starts at 1 and goes up by one per request, so requests go one at a time. */
export const enclaveRequestSchema = v.variant("type", [
  v.strictObject({ type: v.literal("ping"), counter }),
  /** The next frames of the camera stream, from the face's placement until the challenge is done: the enclave answers with `pace`. */
  v.strictObject({ type: v.literal("frames"), counter, frames: v.pipe(v.array(streamFrameSchema), v.minLength(1), v.maxLength(LIMITS.streamBatch)) }),
  /** The challenge is done: decide who this is, with the account a passkey or a recovery code names, if any. */
  v.strictObject({
    type: v.literal("scan"),
    counter,
    /** The page the user came from (the frame's pinned partner origin), bound into the passkey challenge. */
    partner: v.optional(v.pipe(v.string(), v.maxLength(512))),
    passkey: v.optional(passkeyAssertionSchema),
    /** The account's recovery code as the user typed it: it names the account, as a passkey does. */
    recovery: v.optional(v.pipe(v.string(), v.maxLength(64))),
    /** The user asked to delete their face data: if this scan is theirs, the enclave deletes their template and index row. */
    forget: v.optional(v.literal(true)),
  }),
  /** The user confirmed the new account the scan proposed (`confirm_new`'s token), with the passkey they made for it, if any. */
  v.strictObject({ type: v.literal("enrol"), counter, token: bytes(16), passkey: v.optional(newPasskeySchema) }),
]);
export type EnclaveRequest = v.InferOutput<typeof enclaveRequestSchema>;

/** Why a scan was rejected: stable codes, never a score or a threshold. */
export const SCAN_REJECTIONS = {
  image_invalid: { message: "A frame could not be read." },
  image_too_large: { message: "A frame is too large." },
  no_face: { message: "A frame shows no face." },
  multiple_faces: { message: "A frame shows more than one face." },
  too_few_frames: { message: "The challenge was not completed." },
  different_person: { message: "The frames do not all show the same person." },
  step_not_performed: { message: "A challenge step was not performed in time." },
  unexpected_movement: { message: "The face made another movement than the one asked." },
  no_steady_face: { message: "The face was not held still in front of the camera." },
  frozen_stream: { message: "The camera sent the same picture twice: a still image, not a live face." },
  implausible_motion: { message: "The face jumped between frames, as no live face moves." },
  stream_gap: { message: "The camera stream stopped for too long." },
  stream_clock: { message: "The frames' times do not follow the real time they arrived in." },
  light_not_reflected: { message: "The screen's colours were not seen on your face. Turn your screen's brightness up, keep out of bright light, and hold still." },
  passkey_invalid: { message: "The passkey's answer could not be verified." },
  passkey_unknown: { message: "This passkey belongs to no FaceSign account here." },
  recovery_unknown: { message: "This recovery code belongs to no FaceSign account here." },
} as const;
export type ScanRejection = keyof typeof SCAN_REJECTIONS;

/**
 * The user's FaceSign credential, issued by the enclave with every passed scan (the frame
 * stores it in idOS when the profile lacks one): the VC's JWS, encrypted to the user's
 * x25519 key as idOS encrypts credentials (see credential.ts), with idOS's issuer
 * signatures; bytes base64url.
 */
const issuedCredentialSchema = v.strictObject({
  content: v.pipe(v.string(), v.maxLength(64 * 1024)),
  encryptorPublicKey: v.pipe(v.string(), v.maxLength(64)),
  /** The issuer's did:key: the enclave's ed25519 key, attested at POST /v1/issuer. */
  issuer: v.pipe(v.string(), v.maxLength(256)),
  /** idOS's public notes for it, and the issuer's signatures: over the notes, and over that signature ‖ the content. */
  publicNotes: v.pipe(v.string(), v.maxLength(4096)),
  publicNotesSignature: v.pipe(v.string(), v.maxLength(128)),
  broaderSignature: v.pipe(v.string(), v.maxLength(128)),
});
export type IssuedCredential = v.InferOutput<typeof issuedCredentialSchema>;

/**
 * A live scan's identity outcomes that release nothing (enclave-service/enclave/identity/decision-policy.ts):
 * close to someone but not surely them; close to someone in a gallery too large for a
 * face alone to say who; or not the account a passkey named.
 */
export const UNDECIDED = ["ambiguous", "account_needed", "mismatch"] as const;

export type ScanOutcome =
  | { status: "rejected"; reason: ScanRejection; step?: number }
  | { status: (typeof UNDECIDED)[number] }
  /**
   * Nobody enrolled is near: the user may create an account, with this single-use token,
   * until expiresAt; nothing is stored before. A passkey made for it carries accountHandle
   * as its user handle (random: neither the user id nor anything of the face).
   */
  | { status: "confirm_new"; token: string; expiresAt: number; accountHandle: string }
  /** Too many failed 1:1 attempts on the account the passkey names: no face is compared before retryAt. */
  | { status: "locked"; retryAt: number }
  | { status: "known"; userId: string; entropy: string; credential: IssuedCredential }
  /** A new account; its recovery code is shown to the user once, here, and never again. */
  | { status: "new"; userId: string; entropy: string; credential: IssuedCredential; recoveryCode: string }
  /**
   * A `forget` scan of an enrolled user: their sealed template is deleted from the store
   * and their row from the index. The entropy comes back this last time, so the frame can
   * revoke what the wallet's keys granted elsewhere.
   */
  | { status: "forgotten"; userId: string; entropy: string }
  /** A `forget` scan that matched nobody enrolled: nothing was deleted. */
  | { status: "not_found" };

/**
 * What comes back inside a box: the same counter, and the answer. A scan's answer carries
 * the passive anti-spoof model's mean score over the resting face's frames: advice for
 * the user's own frame (the demo shows it), never a reason for the outcome.
 */
export type EnclaveResponse =
  { type: "pong"; counter: number; expiresAt: number } | ({ type: "pace"; counter: number } & Pace) | ({ type: "scan_result"; counter: number; passiveLiveness?: number } & ScanOutcome);

/**
 * The challenge's state after a batch of frames, as the enclave paces it: hold the face
 * still, facing the camera (before the first step and between steps); show `colours`, in
 * turn, from now, the face still (the light challenge, before the steps); perform `step`,
 * which begins now; or done (send `scan`). `done` steps of `of` are performed.
 */
export type Pace =
  { stage: "hold" | "done"; done: number; of: number } | { stage: "light"; done: number; of: number; colours: LightSpan[] } | { stage: "step"; done: number; of: number; step: ChallengeStep };

// --- Phone hand-off: /v1/handoffs -----------------------------------------------------------
// A frame without a usable camera opens a hand-off and shows a QR code for
// /frame/?handoff#<id>.<its x25519 public key>; the fragment never reaches a server. The
// phone claims the hand-off once, runs the whole scan with the enclave, and posts the
// enclave's answer boxed to that key; the waiting frame collects it once and the parent
// deletes it. The parent relays ciphertext only, for HANDOFF_TTL_MS at most.
//   POST   /v1/handoffs                          → 201 HandoffCreated
//   GET    /v1/handoffs/:id?after=STATE   (wait) → 200 HandoffStatus, when the state is not STATE (or after a while)
//   DELETE /v1/handoffs/:id               (wait) → 204
//   POST   /v1/handoffs/:id/claim                → 200 HandoffClaimed
//   POST   /v1/handoffs/:id/answer   HandoffAnswer → 204
// (wait): Authorization: Bearer <waitToken>, which only the frame that opened it holds.

export const HANDOFF_QUERY = "handoff";
export interface HandoffCreated {
  id: string;
  waitToken: string;
  expiresAt: number;
}
export const HANDOFF_STATES = ["waiting", "claimed"] as const;
export type HandoffStatus = { state: (typeof HANDOFF_STATES)[number]; expiresAt: number } | { state: "answered"; answer: string };
export interface HandoffClaimed {
  claimToken: string;
}
export const handoffIdSchema = bytes(16);
export const handoffAnswerSchema = v.strictObject({
  claimToken: bytes(32),
  /** ephemeral x25519 public key (32) ‖ nonce (24) ‖ nacl.box of HandoffResult's JSON, base64url. */
  answer: v.pipe(v.string(), v.maxLength(64 * 1024)),
});
export type HandoffAnswer = v.InferOutput<typeof handoffAnswerSchema>;

/** Inside the answer's box: the hand-off it answers (so an answer cannot be moved to another) and the scan's outcome. */
export const handoffResultSchema = v.strictObject({
  handoffId: handoffIdSchema,
  status: v.picklist(["new", "known"]),
  userId: v.string(),
  entropy: bytes(32),
  credential: issuedCredentialSchema,
  /** A new account's recovery code: the computer shows it. */
  recoveryCode: v.optional(v.pipe(v.string(), v.maxLength(64))),
});
export type HandoffResult = v.InferOutput<typeof handoffResultSchema>;
