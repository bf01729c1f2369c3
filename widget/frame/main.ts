// Entry of the iframe app: read configuration, wait for the host's port, expose the
// API, and run the screens (home → scan → result, or a problem with a retry).
import { expose } from "comlink";
import { SCAN_REJECTIONS } from "../../enclave-service/api-protocol";
import { fromBase64url, toBase64url } from "../../enclave-service/base64url";
import { FaceSignError, FRAME_METHODS, installErrorTransfer, type CloseRequest, type HandshakeReply } from "../protocol";
import { createFrameApi } from "./api";
import { readFrameConfig } from "./config";
import { openEnclaveSession } from "./enclave-client";
import { guardedEndpoint } from "./guarded-endpoint";
import { acceptHostPort } from "./handshake";
import { runScanFlow } from "./scan-flow";
import { screens } from "./screens";
import { ScanView } from "./ui/scan-view";

installErrorTransfer();
customElements.define("facesign-scan", ScanView);

const config = readFrameConfig();
const pins = { pcr0: fromBase64url(config.attestation.pcr0)!, rootCertificate: fromBase64url(config.attestation.rootCertificate)! };

export interface ScanSuccess {
  status: "new" | "known";
  userId: string;
  entropy: Uint8Array;
}

/** One attempt: the enclave session (attested) and the camera start together; frames go to the enclave, boxed. */
async function scanOnce(): Promise<ScanSuccess> {
  const view = screens.scan();
  const session = openEnclaveSession(location.origin, pins);
  session.then(
    () => (document.body.dataset.enclave = "verified"),
    () => (document.body.dataset.enclave = "refused"),
  );
  const captured = await runScanFlow({ view, widgetOrigin: location.origin, steps: session.then((s) => s.challenge.steps), stepTimeoutMs: config.stepTimeoutMs });
  const enclave = await session;
  try {
    view.phase = "uploading";
    view.progress = 0.2;
    const frames = await Promise.all(captured.map(async (f) => ({ t: performance.timeOrigin + f.t, step: f.step, image: toBase64url(new Uint8Array(await f.jpeg.arrayBuffer())) })));
    document.body.dataset.captured = String(frames.length);
    performance.mark("facesign:scan-sent", { detail: { frames: frames.length, imageBytes: captured.reduce((n, f) => n + f.jpeg.size, 0) } });
    const answer = await enclave.request({ type: "scan", frames }, () => {
      view.phase = "analysing";
      view.progress = 0.6;
    });
    if (answer.type !== "scan_result") throw new FaceSignError("service_error");
    view.progress = 1;
    if (answer.status === "rejected") {
      document.body.dataset.rejection = answer.reason;
      const where = answer.step !== undefined ? ` (step ${answer.step + 1})` : "";
      throw new FaceSignError("scan_rejected", `${SCAN_REJECTIONS[answer.reason]}${where}`);
    }
    return { status: answer.status, userId: answer.userId, entropy: fromBase64url(answer.entropy)! };
  } finally {
    enclave.close();
  }
}

async function scanUntilDone(): Promise<ScanSuccess> {
  await screens.askToStart();
  for (;;) {
    try {
      const result = await scanOnce();
      document.body.dataset.userId = result.userId;
      screens.done(result.status);
      return result;
    } catch (error) {
      const e = error instanceof FaceSignError ? error : new FaceSignError("internal_error");
      await screens.problem(e.code, e.message);
    }
  }
}

acceptHostPort({ partnerOrigins: config.partnerOrigins }).then(({ port, hostOrigin }) => {
  expose(createFrameApi(hostOrigin), guardedEndpoint(port, FRAME_METHODS));
  const ready: HandshakeReply = { type: "facesign:ready" };
  port.postMessage(ready);
  // Esc inside the frame never reaches the host's dialog: ask the host to close it.
  const closeRequest: CloseRequest = { type: "facesign:close-request" };
  document.addEventListener("keydown", (e) => e.key === "Escape" && port.postMessage(closeRequest));
  screens.connected(hostOrigin);
  void scanUntilDone();
});
