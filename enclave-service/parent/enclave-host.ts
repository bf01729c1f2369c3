// The parent's side of the enclave: starts the core from its built bundle in a
// worker thread (the boundary a Nitro Enclave's vsock would be), boots it with the
// dev attestation signer, and turns calls into correlated messages.
import { Worker } from "node:worker_threads";
import { ApiError } from "../api-protocol";
import type { BootResult, EnclaveOp, EnclaveReply, EnclaveSettings, OpArgs, OpResult, ParentToEnclave } from "../enclave-protocol";
import { devChain } from "./dev-attestation-chain";
import { readFaceModels } from "../enclave/face/model-files";
import { devKeyEncryptionKey } from "./dev-kms";
import { enclavePcrs, measureEnclave } from "./measurement";
import type { TemplateStore } from "./store/template-store";

const WRAPPED_KEY = "wrapped_sealing_key";
const WRAPPED_ISSUER_KEY = "wrapped_issuer_key";

export interface EnclaveHost {
  call<Op extends Exclude<EnclaveOp, "boot">>(op: Op, args: OpArgs<Op>): Promise<OpResult<Op>>;
  /** SHA-384 of the running bundle: the PCR0 the iframe pins. */
  pcr0: Uint8Array;
  /** The dev root the iframe pins locally (AWS Nitro root G1 in production). */
  rootCertificate: Uint8Array;
  /** The credential issuer's did:key. */
  issuer: string;
  stop(): Promise<void>;
}

export interface EnclaveStart {
  bundlePath: string;
  dataDir: string;
  modelsDir: string;
  settings: EnclaveSettings;
  store: TemplateStore;
}

export async function startEnclave({ bundlePath, dataDir, modelsDir, settings, store }: EnclaveStart): Promise<EnclaveHost> {
  const models = readFaceModels(modelsDir);
  const pcr0 = measureEnclave(bundlePath, models);
  const chain = await devChain(dataDir);
  const worker = new Worker(bundlePath, { resourceLimits: { maxOldGenerationSizeMb: 4096 } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;

  worker.on("message", (reply: EnclaveReply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) p?.resolve(reply.result);
    else p?.reject(new ApiError(reply.code));
  });
  worker.on("error", (error) => {
    dead = error;
    for (const p of pending.values()) p.reject(new ApiError("enclave_unavailable"));
    pending.clear();
  });

  const send = (msg: Omit<ParentToEnclave, "id">): Promise<unknown> => {
    if (dead) return Promise.reject(new ApiError("enclave_unavailable"));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  };

  const wrappedKey = await store.getMeta(WRAPPED_KEY);
  const wrappedIssuerKey = await store.getMeta(WRAPPED_ISSUER_KEY);
  const booted = (await send({
    op: "boot",
    signer: { leafKey: chain.leafKey, certificate: chain.leaf, cabundle: [chain.root, chain.intermediate], pcrs: enclavePcrs(pcr0), moduleId: "facesign-dev-enclave" },
    settings,
    models,
    identity: { kek: devKeyEncryptionKey(dataDir), records: await store.all(), ...(wrappedKey ? { wrappedKey } : {}), ...(wrappedIssuerKey ? { wrappedIssuerKey } : {}) },
  } as Omit<ParentToEnclave, "id">).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  })) as BootResult;
  chain.leafKey.fill(0);
  if (booted.wrappedKey) await store.setMeta(WRAPPED_KEY, booted.wrappedKey);
  if (booted.wrappedIssuerKey) await store.setMeta(WRAPPED_ISSUER_KEY, booted.wrappedIssuerKey);

  return {
    call: (op, args) => send({ op, ...args } as Omit<ParentToEnclave, "id">) as Promise<never>,
    pcr0,
    rootCertificate: chain.root,
    issuer: booted.issuer,
    async stop() {
      await worker.terminate();
    },
  };
}
