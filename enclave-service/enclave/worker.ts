// Entry of the enclave core when it runs as a worker thread (locally): one message
// in, one reply out, correlated by id; and the enclave's own template fetches, answered
// by the parent. Every message is parsed by its contract before it is acted on: a
// malformed one is refused with malformed_request. Errors leave as codes only.
import { parentPort } from "node:worker_threads";
import { ApiError } from "../../contracts/frame-service";
import { parseToEnclave, type FromEnclave, type ParentToEnclave, type SealedRecord, type TemplateFetchReply } from "../../contracts/parent-enclave";
import { EnclaveCore } from "./core";
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
    if (core) throw new ApiError("unsupported_request");
    const { signer, settings, models, identity } = msg.args;
    const booted = await EnclaveCore.boot(signer, settings, models, identity, templates);
    core = booted.core;
    return booted.result;
  }
  if (!core) throw new ApiError("enclave_unavailable");
  switch (msg.op) {
    case "openSession":
      return core.openSession(msg.args.nonce, msg.args.clientPublicKey, msg.args.now);
    case "sessionRequest":
      return core.handleRequest(msg.args.sessionId, msg.args.body, msg.args.now);
    case "attestIssuer":
      return core.attestIssuer(msg.args.nonce, msg.args.now);
    case "loadTemplates":
      return core.loadTemplates(msg.args.records);
  }
}

/** The id of a message that failed its schema, when it has a usable one (0 otherwise). */
const idOf = (raw: unknown): number => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : 0;
};

parentPort!.on("message", (raw: unknown) => {
  const msg = parseToEnclave(raw);
  if (!msg) return post({ id: idOf(raw), ok: false, code: "malformed_request" });
  if ("fetch" in msg) return settleFetch(msg);
  handle(msg).then(
    (result) => post({ id: msg.id, ok: true, result }),
    (error: unknown) => post({ id: msg.id, ok: false, code: error instanceof ApiError ? error.code : "internal_error" }),
  );
});
