// The computer's side of the phone hand-off: a key pair made here, a hand-off opened
// at the service, and a QR code (with the same link in text) for
// /frame/?handoff#<id>.<public key>; the fragment never reaches a server. The screen
// follows the phone (waiting, scanning) until its answer arrives, boxed to this key,
// or the user cancels, or the hand-off expires. Loaded only when the user asks for it.
import nacl from "tweetnacl";
import encodeQR from "qr";
import { HANDOFF_QUERY } from "../../../contracts/frame-service";
import { fromBase64url, toBase64url } from "../../../common/base64url";
import type { ScanSuccess } from "../scan-session";
import { screens } from "../screens";
import { openAnswer } from "./answer-box";
import { handoffApi } from "./handoff-api";

const qrImage = (text: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(encodeQR(text, "svg", { ecc: "medium", border: 2 }))}`;

export async function scanOnPhone(): Promise<ScanSuccess> {
  const keys = nacl.box.keyPair();
  try {
    const { id, waitToken } = await handoffApi.open();
    const url = `${location.origin}${location.pathname}?${HANDOFF_QUERY}#${id}.${toBase64url(keys.publicKey)}`;
    const view = screens.handoff(url, qrImage(url));
    // Cancelling ends the wait below with handoff_cancelled.
    void view.cancelled.then(() => handoffApi.cancel(id, waitToken)).catch(() => undefined);
    for (let after = "waiting"; ;) {
      const status = await handoffApi.status(id, waitToken, after);
      if (status.state === "answered") {
        const result = openAnswer(status.answer, keys.secretKey, id);
        return {
          status: result.status,
          userId: result.userId,
          entropy: fromBase64url(result.entropy)!,
          credential: result.credential,
          ...(result.recoveryCode ? { recoveryCode: result.recoveryCode } : {}),
        };
      }
      if (status.state === "claimed") view.status("Scan in progress on your phone…");
      after = status.state;
    }
  } finally {
    keys.secretKey.fill(0);
  }
}
