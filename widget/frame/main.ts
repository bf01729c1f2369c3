// Entry of the iframe app: read configuration, wait for the host's port, expose the API.
import { expose } from "comlink";
import { FRAME_METHODS, installErrorTransfer, type HandshakeReply } from "../protocol";
import { createFrameApi } from "./api";
import { readFrameConfig } from "./config";
import { guardedEndpoint } from "./guarded-endpoint";
import { acceptHostPort } from "./handshake";

installErrorTransfer();

const status = document.getElementById("status")!;
const config = readFrameConfig();

acceptHostPort({ partnerOrigins: config.partnerOrigins }).then(({ port, hostOrigin }) => {
  expose(createFrameApi(hostOrigin), guardedEndpoint(port, FRAME_METHODS));
  const ready: HandshakeReply = { type: "facesign:ready" };
  port.postMessage(ready);
  status.textContent = `Connected to ${new URL(hostOrigin).host}`;
  document.body.dataset.state = "connected";
});
