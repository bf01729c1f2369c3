// Entry of the iframe app: read configuration, wait for the host's port, expose the
// API, and run the screens (home → scan → result, or a problem with a retry).
import { expose } from "comlink";
import { FaceSignError, FRAME_METHODS, installErrorTransfer, type CloseRequest, type HandshakeReply } from "../protocol";
import { createFrameApi } from "./api";
import { readFrameConfig } from "./config";
import { guardedEndpoint } from "./guarded-endpoint";
import { acceptHostPort } from "./handshake";
import { screens } from "./screens";

installErrorTransfer();
const config = readFrameConfig();

/** The scan's code (camera, tracker, attestation, enclave client) loads while the user reads the start screen. */
async function scanUntilDone(): Promise<void> {
  const scanning = import("./scan-session");
  await screens.askToStart();
  const { scanOnce } = await scanning;
  for (;;) {
    try {
      const result = await scanOnce(config);
      document.body.dataset.userId = result.userId;
      screens.done(result.status);
      return;
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
