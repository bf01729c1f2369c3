// Entry of the enclave core when it runs as a worker thread (locally): one message
// in, one reply out, correlated by id; and the enclave's own template fetches, answered
// by the parent. Errors leave as codes only.
import { parentPort } from "node:worker_threads";
import { ApiError } from "../../contracts/frame-service";
import type { EnclaveReply, FromEnclave, ParentToEnclave, TemplateFetchReply, ToEnclave } from "../../contracts/parent-enclave";
import { EnclaveCore } from "./core";
import type { SealedRecord } from "./identity/sealing";
import type { TemplateSource } from "./identity/registry";

let core: EnclaveCore | undefined;
const post = (msg: FromEnclave) => parentPort!.postMessage(msg);

const fetches = new Map<number, { resolve: (records: SealedRecord[]) => void; reject: (error: Error) => void }>();
let nextFetch = 1;
const templates: TemplateSource = {
  fetch: (keyHashes) =>
    new Promise((resolve, reject) => {
      const fetch = nextFetch++;
      fetches.set(fetch, { resolve, reject });
      post({ fetch, keyHashes });
    }),
};

function settleFetch(reply: TemplateFetchReply): void {
  const waiting = fetches.get(reply.fetch);
  fetches.delete(reply.fetch);
  if ("records" in reply) waiting?.resolve(reply.records);
  else waiting?.reject(new ApiError("template_store_unavailable"));
}

async function handle(msg: ParentToEnclave): Promise<unknown> {
  if (msg.op === "boot") {
    const booted = await EnclaveCore.boot(msg.signer, msg.settings, msg.models, msg.identity, templates);
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
    case "loadTemplates":
      return core.loadTemplates(msg.records);
  }
}

parentPort!.on("message", (msg: ToEnclave) => {
  if ("fetch" in msg) return settleFetch(msg);
  handle(msg).then(
    (result) => post({ id: msg.id, ok: true, result } satisfies EnclaveReply),
    (error: unknown) => post({ id: msg.id, ok: false, code: error instanceof ApiError ? error.code : "internal_error" } satisfies EnclaveReply),
  );
});
