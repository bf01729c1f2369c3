// The parent's side of the enclave: starts the core from its built bundle in a
// worker thread (the boundary a Nitro Enclave's vsock would be), boots it with the
// dev attestation signer, lets it read the stored templates, and turns calls into
// correlated messages. It answers the enclave's store calls (contracts/parent-enclave.ts,
// StoreCall), and wakes it to catch up when another instance enrols someone.
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import { ApiError } from "../../contracts/frame-service";
import { parseFromEnclave, parseResult, type EnclaveOp, type EnclaveSettings, type OpArgs, type OpResult, type SealedRecord, type StoreCall, type ToEnclave } from "../../contracts/parent-enclave";
import { devChain } from "./dev-attestation-chain";
import { readFaceModels } from "./model-files";
import { devKeyEncryptionKey } from "./dev-kms";
import { log } from "./log";
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
  const answer = async (call: StoreCall): Promise<SealedRecord[]> => {
    switch (call.op) {
      case "fetch":
        return templates.fetch(call.keyHashes);
      case "next":
        return templates.next();
      case "lock":
        await templates.lock();
        return [];
      case "commit":
        await templates.commit(call.record);
        log("info", "user_enrolled");
        return [];
      case "release":
        await templates.release();
        return [];
      case "remove":
        await templates.remove(call.keyHash);
        log("info", "user_deleted");
        return [];
    }
  };
  const answerCall = (call: StoreCall) =>
    answer(call).then(
      (records) => post({ call: call.call, records }),
      () => post({ call: call.call, failed: true }),
    );

  worker.on("message", (raw: unknown) => {
    const msg = parseFromEnclave(raw);
    if (!msg) return;
    if ("call" in msg) return void answerCall(msg);
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
    void templates.release().catch(() => undefined);
    for (const p of pending.values()) p.reject(new ApiError("enclave_unavailable"));
    pending.clear();
  });

  // Another instance enrolled someone: the enclave reads them now, not at its next
  // decision (which would catch up anyway). Wakes that come while one runs make one more.
  let waking: Promise<void> | undefined;
  let again = false;
  function wake(): void {
    if (waking) {
      again = true;
      return;
    }
    again = false;
    waking = send("catchUp", {}).then(
      (size) => log("info", "templates_caught_up", { enrolled: size }),
      (error: unknown) => log("warn", "templates_catch_up_failed", { code: error instanceof ApiError ? error.code : "internal_error" }),
    );
    void waking.finally(() => {
      waking = undefined;
      if (again && !dead) wake();
    });
  }

  const send = <Op extends EnclaveOp>(op: Op, args: OpArgs<Op>): Promise<OpResult<Op>> => {
    if (dead) return Promise.reject(new ApiError("enclave_unavailable"));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { op, resolve, reject });
      post({ id, op, args } as ToEnclave);
    });
  };

  // The enclave that finds no keys makes them, and its parent stores them: instances
  // sharing a store take turns while that happens, so they all get the same keys.
  const boot = async () => {
    const wrappedKey = await store.getMeta(WRAPPED_KEY);
    const wrappedIssuerKey = await store.getMeta(WRAPPED_ISSUER_KEY);
    const result = await send("boot", {
      signer: { leafKey: chain.leafKey, certificate: chain.leaf, cabundle: [chain.root, chain.intermediate], pcrs: enclavePcrs(pcr0), moduleId: "facesign-dev-enclave" },
      settings,
      models,
      identity: { kek: devKeyEncryptionKey(dataDir), ...(wrappedKey ? { wrappedKey } : {}), ...(wrappedIssuerKey ? { wrappedIssuerKey } : {}) },
    });
    if (result.wrappedKey) await store.setMeta(WRAPPED_KEY, result.wrappedKey);
    if (result.wrappedIssuerKey) await store.setMeta(WRAPPED_ISSUER_KEY, result.wrappedIssuerKey);
    return result;
  };
  const keysMade = (await store.getMeta(WRAPPED_KEY)) && (await store.getMeta(WRAPPED_ISSUER_KEY));
  let enrolled = 0;
  let stopWaking: () => Promise<void> = async () => undefined;
  const booted = await (async () => {
    const result = await (keysMade ? boot() : store.exclusive(boot));
    enrolled = await send("catchUp", {});
    stopWaking = await store.onEnrolment(wake);
    return result;
  })().catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  chain.leafKey.fill(0);

  return {
    call: send,
    pcr0,
    rootCertificate: chain.root,
    issuer: booted.issuer,
    enrolled,
    async stop() {
      await stopWaking();
      await worker.terminate();
    },
  };
}
