// Entry of the enclave core when it runs as a worker thread (locally): one message
// in, one reply out, correlated by id; and the enclave's own calls on the template
// store, answered by the parent. Every message is parsed by its contract before it is acted on: a
// malformed one is refused with malformed_request. Errors leave as codes only.
import { parentPort } from "node:worker_threads";
import { ApiError } from "../../contracts/frame-service";
import { parseToEnclave, type FromEnclave, type ParentToEnclave, type SealedRecord, type StoreCall, type StoreReply } from "../../contracts/parent-enclave";
import { EnclaveCore } from "./core";
import type { TemplateSource } from "./identity/registry";

let core: EnclaveCore | undefined;
const post = (msg: FromEnclave) => parentPort!.postMessage(msg);

const calls = new Map<number, { resolve: (records: SealedRecord[]) => void; reject: (error: Error) => void }>();
let nextCall = 1;
/** One store call; its answer's records (empty for all but fetch and next). */
const storeCall = (call: DistributiveOmit<StoreCall, "call">): Promise<SealedRecord[]> =>
  new Promise((resolve, reject) => {
    const id = nextCall++;
    calls.set(id, { resolve, reject });
    post({ call: id, ...call });
  });
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const templates: TemplateSource = {
  fetch: (keyHashes) => storeCall({ op: "fetch", keyHashes }),
  next: () => storeCall({ op: "next" }),
  lock: async () => void (await storeCall({ op: "lock" })),
  commit: async (record) => void (await storeCall({ op: "commit", record })),
  release: async () => void (await storeCall({ op: "release" })),
  remove: async (keyHash) => void (await storeCall({ op: "remove", keyHash })),
};

function settleCall(reply: StoreReply): void {
  const waiting = calls.get(reply.call);
  calls.delete(reply.call);
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
      return core.openSession(msg.args.nonce, msg.args.clientPublicKey, msg.args.light, msg.args.now);
    case "sessionRequest":
      return core.handleRequest(msg.args.sessionId, msg.args.body, msg.args.now);
    case "attestIssuer":
      return core.attestIssuer(msg.args.nonce, msg.args.now);
    case "catchUp":
      return core.catchUp();
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
  if ("call" in msg) return settleCall(msg);
  handle(msg).then(
    (result) => post({ id: msg.id, ok: true, result }),
    (error: unknown) => post({ id: msg.id, ok: false, code: error instanceof ApiError ? error.code : "internal_error" }),
  );
});
