// Entry of the iframe app: read configuration, wait for the host's port, expose the
// API, and run the screens (home → scan → result, or a problem with a retry).
import { expose } from "comlink";
import { FRAME_METHODS, installErrorTransfer, type HandshakeReply } from "../protocol";
import { createFrameApi } from "./api";
import { readFrameConfig } from "./config";
import { guardedEndpoint } from "./guarded-endpoint";
import { acceptHostPort } from "./handshake";
import { screens } from "./screens";
import { ScanView } from "./ui/scan-view";

installErrorTransfer();
customElements.define("facesign-scan", ScanView);

const config = readFrameConfig();

acceptHostPort({ partnerOrigins: config.partnerOrigins }).then(({ port, hostOrigin }) => {
  expose(createFrameApi(hostOrigin), guardedEndpoint(port, FRAME_METHODS));
  const ready: HandshakeReply = { type: "facesign:ready" };
  port.postMessage(ready);
  screens.connected(hostOrigin);
});

