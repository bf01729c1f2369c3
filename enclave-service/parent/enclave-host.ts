// The parent's side of the enclave: starts the core from its built bundle in a
// worker thread (the boundary a Nitro Enclave's vsock would be), boots it with the
// dev attestation signer, streams it the stored templates, and turns calls into
// correlated messages. It stores each new user's sealed template before the call that
// made it returns, and answers the enclave's template fetches from the store.
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import { ApiError } from "../../contracts/frame-service";
import { LOAD_BATCH_MAX, parseFromEnclave, parseResult, type EnclaveOp, type EnclaveSettings, type OpArgs, type OpResult, type TemplateFetch, type ToEnclave } from "../../contracts/parent-enclave";
import { devChain } from "./dev-attestation-chain";
import { readFaceModels } from "./model-files";
import { devKeyEncryptionKey } from "./dev-kms";
import { enclavePcrs, measureEnclaveImage } from "./measurement";
import { EnclaveTemplates } from "./store/enclave-templates";
import type { TemplateStore } from "./store/template-store";

const WRAPPED_KEY = "wrapped_sealing_key";
const WRAPPED_ISSUER_KEY = "wrapped_issuer_key";

export interface EnclaveHost {
  call<Op extends Exclude<EnclaveOp, "boot">>(op: Op, args: OpArgs<Op>): Promise<OpResult<Op>>;
  /** The measurement of the image this parent started (what the attestation reports as PCR0). */
  pcr0: Uint8Array;
  /** The root its attestation chains to (the dev CA's here; AWS Nitro root G1 on Nitro). */
  rootCertificate: Uint8Array;
  /** The credential issuer's did:key. */
  issuer: string;
  /** Users enrolled at boot. */
  enrolled: number;
  stop(): Promise<void>;
}

export interface EnclaveStart {
  bundlePath: string;
  dataDir: string;
  devCaFile: string;
  modelsDir: string;
  settings: EnclaveSettings;
  store: TemplateStore;
}

export async function startEnclave({ bundlePath, dataDir, devCaFile, modelsDir, settings, store }: EnclaveStart): Promise<EnclaveHost> {
  const models = readFaceModels(modelsDir);
  const { pcr0 } = measureEnclaveImage(dirname(bundlePath), modelsDir);
  const chain = await devChain(devCaFile);
  const worker = new Worker(bundlePath, { resourceLimits: { maxOldGenerationSizeMb: 4096 } });
  const pending = new Map<number, { op: EnclaveOp; resolve: (v: never) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;
  const post = (msg: ToEnclave) => worker.postMessage(msg);

  const templates = new EnclaveTemplates(store);
  const keep = async (result: OpResult<"sessionRequest">): Promise<OpResult<"sessionRequest">> => {
    if (result.store) await templates.keep(result.store);
    return result;
  };
  const answerFetch = async ({ fetch, keyHashes }: TemplateFetch) => {
    try {
      post({ fetch, records: await templates.fetch(keyHashes) });
    } catch {
      post({ fetch, failed: true });
    }
  };

  worker.on("message", (raw: unknown) => {
    const msg = parseFromEnclave(raw);
    if (!msg) return;
    if ("fetch" in msg) return void answerFetch(msg);
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (!p) return;
    if (!msg.ok) return p.reject(new ApiError(msg.code));
    const result = parseResult(p.op, msg.result);
    if (result === null) return p.reject(new ApiError("internal_error"));
    // Registered here, in the reply's own event, before any later fetch is read.
    if (p.op === "sessionRequest") keep(result as OpResult<"sessionRequest">).then(p.resolve as (r: unknown) => void, () => p.reject(new ApiError("template_store_unavailable")));
    else p.resolve(result as never);
  });
  worker.on("error", (error) => {
    dead = error;
    for (const p of pending.values()) p.reject(new ApiError("enclave_unavailable"));
    pending.clear();
  });

  const send = <Op extends EnclaveOp>(op: Op, args: OpArgs<Op>): Promise<OpResult<Op>> => {
    if (dead) return Promise.reject(new ApiError("enclave_unavailable"));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { op, resolve, reject });
      post({ id, op, args } as ToEnclave);
    });
  };

  const wrappedKey = await store.getMeta(WRAPPED_KEY);
  const wrappedIssuerKey = await store.getMeta(WRAPPED_ISSUER_KEY);
  let enrolled = 0;
  const booted = await (async () => {
    const result = await send("boot", {
      signer: { leafKey: chain.leafKey, certificate: chain.leaf, cabundle: [chain.root, chain.intermediate], pcrs: enclavePcrs(pcr0), moduleId: "facesign-dev-enclave" },
      settings,
      models,
      identity: { kek: devKeyEncryptionKey(dataDir), ...(wrappedKey ? { wrappedKey } : {}), ...(wrappedIssuerKey ? { wrappedIssuerKey } : {}) },
    });
    for await (const records of store.batches(LOAD_BATCH_MAX)) enrolled = await send("loadTemplates", { records });
    return result;
  })().catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  chain.leafKey.fill(0);
  if (booted.wrappedKey) await store.setMeta(WRAPPED_KEY, booted.wrappedKey);
  if (booted.wrappedIssuerKey) await store.setMeta(WRAPPED_ISSUER_KEY, booted.wrappedIssuerKey);

  return {
    call: send,
    pcr0,
    rootCertificate: chain.root,
    issuer: booted.issuer,
    enrolled,
    async stop() {
      await worker.terminate();
    },
  };
}
