// One face scan attempt, loaded on demand: the enclave session (attested) and the
// camera start together; the camera streams to the enclave, boxed, while it paces the
// challenge; then the enclave decides who this is.
import { SCAN_REJECTIONS, type EnclaveResponse, type IssuedCredential, type ScanOutcome, type UNDECIDED } from "../../contracts/frame-service";
import { fromBase64url } from "../../common/base64url";
import { FaceSignError, type ErrorCode } from "../../contracts/page-frame";
import type { FrameConfig } from "../../contracts/frame-service";
import { compiledTrustAnchors } from "../../common/trust-anchors";
import { openEnclaveSession, type EnclaveSession } from "./enclave-client";
import type { SendFrames } from "./frame-stream";
import type { TrackerHandle } from "./tracker-handle";
import { runScanFlow } from "./scan-flow";
import { makePasskey, passkeysAvailable, signInWithPasskey } from "./passkey";
import { passkeyChallenge } from "../../common/passkey-challenge";
import { screens, type ScanWay } from "./screens";
import { ScanView } from "./ui/scan-view";

customElements.define("facesign-scan", ScanView);

export interface ScanSuccess {
  status: "new" | "known";
  /** A new account's recovery code, to show the user this once. */
  recoveryCode?: string;
  userId: string;
  entropy: Uint8Array;
  /** The credential the enclave issued with this scan, encrypted to the user's x25519 key. */
  credential: IssuedCredential;
}

/** A `forget` scan's success: the user's face data is deleted; their entropy comes back this last time. */
export interface Forgotten {
  status: "forgotten";
  userId: string;
  entropy: Uint8Array;
}

const UNDECIDED_ERRORS = { ambiguous: "identity_ambiguous", account_needed: "account_needed", mismatch: "identity_mismatch" } as const satisfies Record<(typeof UNDECIDED)[number], ErrorCode>;

/** The enclave's answer to a scan or an enrolment: a released wallet, a proposed new account, or the refusal as a FaceSignError. */
function passed(answer: EnclaveResponse): ScanSuccess | Forgotten | Extract<ScanOutcome, { status: "confirm_new" }> {
  if (answer.type !== "scan_result") throw new FaceSignError("service_error");
  document.body.dataset.identity = answer.status;
  // Advice only (the enclave decided without it): for the demo's and the CLI's record.
  if (answer.passiveLiveness !== undefined) document.body.dataset.passiveLiveness = String(answer.passiveLiveness);
  switch (answer.status) {
    case "rejected": {
      document.body.dataset.rejection = answer.reason;
      const where = answer.step !== undefined ? ` (step ${answer.step + 1})` : "";
      throw new FaceSignError("scan_rejected", `${SCAN_REJECTIONS[answer.reason].message}${where}`);
    }
    case "ambiguous":
    case "account_needed":
    case "mismatch":
      throw new FaceSignError(UNDECIDED_ERRORS[answer.status]);
    case "locked":
      throw new FaceSignError("account_locked", `Try again after ${new Date(answer.retryAt).toLocaleTimeString()}.`);
    case "confirm_new":
      return answer;
    case "not_found":
      throw new FaceSignError("nothing_to_delete");
    case "forgotten":
      return { status: "forgotten", userId: answer.userId, entropy: fromBase64url(answer.entropy)! };
    case "new":
    case "known":
      return {
        status: answer.status,
        userId: answer.userId,
        entropy: fromBase64url(answer.entropy)!,
        credential: answer.credential,
        ...(answer.status === "new" ? { recoveryCode: answer.recoveryCode } : {}),
      };
  }
}

/** The session's camera stream: each batch's answer is the enclave's pace, or its refusal, thrown as `passed` throws it. */
const streamTo =
  (enclave: EnclaveSession): SendFrames =>
  async (frames) => {
    const answer = await enclave.request({ type: "frames", frames });
    if (answer.type === "pace") {
      const { type: _, counter: __, ...pace } = answer;
      return pace;
    }
    passed(answer);
    throw new FaceSignError("service_error", "The enclave ended the challenge without a refusal.");
  };

export interface ScanOptions {
  /** The page the user came from ("" on the phone): bound into the passkey's challenge. */
  partner: string;
  /** Name the account with the user's passkey first (a 1:1 check). */
  passkey: boolean;
  /** Or name it with the recovery code the user typed. */
  recovery?: string;
  /** The user allows the light challenge's colours (else the enclave asks for more movements). */
  light: boolean;
  /** The user asked to delete their face data: a scan that is theirs deletes it. */
  forget?: boolean;
}

/** One scan: the user's wallet, or, when they said they already have one, how they will try again. */
export async function scanOnce(config: FrameConfig, tracker: TrackerHandle, { partner, passkey, recovery, light, forget = false }: ScanOptions): Promise<ScanSuccess | Forgotten | { retry: ScanWay }> {
  const session = openEnclaveSession(location.origin, compiledTrustAnchors(), { light });
  session.then(
    () => (document.body.dataset.enclave = "verified"),
    () => (document.body.dataset.enclave = "refused"),
  );
  // The passkey first: it signs this attested session's challenge, then the face is scanned.
  const signIn = passkey
    ? await session.then(async (s) => ({ partner, passkey: await signInWithPasskey(passkeyChallenge(fromBase64url(s.sessionId)!, fromBase64url(s.challenge.id)!, partner)) }))
    : recovery !== undefined
      ? { recovery }
      : {};
  const view = screens.scan();
  try {
    const streamed = await runScanFlow({ view, tracker, send: session.then(streamTo), stepTimeoutMs: config.stepTimeoutMs });
    const enclave = await session;
    // A mark for the benches; it carries no image.
    performance.mark("facesign:challenge-done", { detail: streamed });
    view.phase = "analysing";
    view.progress = 0.5;
    const answer = await enclave.request({ type: "scan", ...signIn, ...(forget ? { forget: true as const } : {}) });
    view.progress = 1;
    const outcome = passed(answer);
    if (outcome.status !== "confirm_new") return outcome;
    // Nothing is stored until the user says they are new: someone who already has a
    // FaceSign scans again instead of getting a second, empty wallet.
    const choice = await screens.newcomer({ passkey: passkeysAvailable() });
    if (choice !== "create") return { retry: choice };
    const newPasskey = await makePasskey(outcome.accountHandle);
    document.body.dataset.passkey = newPasskey ? "created" : "none";
    const enrolled = passed(await enclave.request({ type: "enrol", token: outcome.token, ...(newPasskey ? { passkey: newPasskey } : {}) }));
    if (enrolled.status === "confirm_new" || enrolled.status === "forgotten") throw new FaceSignError("service_error", "The enclave answered an enrolment with something else.");
    return enrolled;
  } finally {
    void session.then(
      (s) => s.close(),
      () => undefined,
    );
  }
}
