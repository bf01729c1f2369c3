// The phone's side of the hand-off: it opened the link from the computer's QR code.
// It claims the hand-off (once: a second phone is refused), runs the whole scan with
// the enclave here, boxes the enclave's answer to the computer's key from the link's
// fragment, hands it to the service, and keeps nothing. It never learns which site
// asked on the computer.
import { HANDOFF_QUERY, handoffIdSchema } from "../../../contracts/frame-service";
import { FaceSignError } from "../../../contracts/page-frame";
import * as v from "valibot";
import { fromBase64url, toBase64url } from "../../../common/base64url";
import type { ScanSuccess } from "../scan-session";
import { sealAnswer } from "./answer-box";
import { handoffApi } from "./handoff-api";

/** This document is the phone's end of a hand-off (a top-level page with ?handoff). */
export const isHandoffPhone = (): boolean => window.parent === window && new URLSearchParams(location.search).has(HANDOFF_QUERY);

/** The hand-off id and the computer's public key from the fragment, which then leaves the address bar. */
function readLink(): { id: string; waitingKey: Uint8Array } {
  const [id = "", key = ""] = location.hash.slice(1).split(".");
  history.replaceState(null, "", `${location.pathname}${location.search}`);
  const waitingKey = fromBase64url(key);
  if (!v.is(handoffIdSchema, id) || waitingKey?.length !== 32) throw new FaceSignError("handoff_tampered", "This link is not a FaceSign hand-off link.");
  return { id, waitingKey };
}

/** Claims, scans with `scan`, answers; resolves once the computer can collect the answer. */
export async function answerFromPhone(scan: () => Promise<ScanSuccess>): Promise<void> {
  const { id, waitingKey } = readLink();
  const { claimToken } = await handoffApi.claim(id);
  const result = await scan();
  try {
    const answer = sealAnswer(
      {
        handoffId: id,
        status: result.status,
        userId: result.userId,
        entropy: toBase64url(result.entropy),
        credential: result.credential,
        ...(result.recoveryCode ? { recoveryCode: result.recoveryCode } : {}),
      },
      waitingKey,
    );
    await handoffApi.answer(id, { claimToken, answer });
  } finally {
    result.entropy.fill(0);
  }
}
