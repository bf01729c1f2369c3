// Entry of the enclave core when it runs as a worker thread (locally): one message
// in, one reply out, correlated by id. Errors leave as codes only.
import { parentPort } from "node:worker_threads";
import { ApiError } from "../api-protocol";
import type { EnclaveReply, ParentToEnclave } from "../enclave-protocol";
import { EnclaveCore } from "./core";

let core: EnclaveCore | undefined;

async function handle(msg: ParentToEnclave): Promise<unknown> {
  if (msg.op === "boot") {
    const booted = await EnclaveCore.boot(msg.signer, msg.settings, msg.models, msg.identity);
    core = booted.core;
    return booted.result;
  }
  if (!core) throw new ApiError("enclave_unavailable");
  switch (msg.op) {
    case "openSession":
      return core.openSession(msg.nonce, msg.clientPublicKey, msg.now);
    case "sessionRequest":
      return core.handleRequest(msg.sessionId, msg.body, msg.now);
    case "attestIssuer":
      return core.attestIssuer(msg.nonce, msg.now);
  }
}

parentPort!.on("message", (msg: ParentToEnclave) => {
  handle(msg).then(
    (result) => parentPort!.postMessage({ id: msg.id, ok: true, result } satisfies EnclaveReply),
    (error: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, code: error instanceof ApiError ? error.code : "internal_error" } satisfies EnclaveReply),
  );
});
