// Entry of the iframe app: read configuration, wait for the host's port, expose the
// API, and run the screens (home → scan → result, or a problem with a retry).
import { expose } from "comlink";
import { fromBase64url } from "../../enclave-service/base64url";
import { FaceSignError, FRAME_METHODS, installErrorTransfer, type HandshakeReply } from "../protocol";
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

/** One attempt: the enclave session (attested) and the camera start together. */
async function scanOnce(): Promise<void> {
  const view = screens.scan();
  const session = openEnclaveSession(location.origin, pins);
  session.then(
    () => (document.body.dataset.enclave = "verified"),
    () => (document.body.dataset.enclave = "refused"),
  );
  const steps = session.then((s) => s.challenge.steps);
  const frames = await runScanFlow({ view, widgetOrigin: location.origin, steps });
  view.phase = "uploading";
  document.body.dataset.captured = String(frames.length);
  (await session).close();
}

async function scanUntilDone(): Promise<void> {
  await screens.askToStart();
  for (;;) {
    try {
      return await scanOnce();
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
  screens.connected(hostOrigin);
  void scanUntilDone();
});
