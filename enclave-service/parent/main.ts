// The parent server's production entry point (`node dist/service/parent.js`): the
// template store, the enclave, and the widget origin's routes, nothing else. The host
// demo and the idOS stand-in are not ours in production; `npm start` (scripts/start.ts)
// adds them around this for local development.
import { readStackConfig, type StackConfig } from "./config";
import { startEnclave } from "./enclave-host";
import { log } from "./log";
import { createParentApp, listen } from "./server";
import { openTemplateStore } from "./store/template-store";

export interface ParentOptions {
  /** The clock whose time the parent hands the enclave with each message (tests move it). */
  now?: () => number;
}

export async function startParent(config: StackConfig, { now = Date.now }: ParentOptions = {}) {
  const store = await openTemplateStore(config);
  const enclave = await startEnclave({
    bundlePath: config.enclaveBundle,
    dataDir: config.dataDir,
    devCaFile: config.devCaFile,
    modelsDir: config.modelsDir,
    settings: {
      widgetOrigin: config.widgetOrigin,
      sessionTtlMs: config.sessionTtlMs,
      maxSessions: config.maxSessions,
      instance: config.instance,
      stepTimeoutMs: config.stepTimeoutMs,
      ...(config.testChallenge ? { testChallenge: config.testChallenge } : {}),
      ...(config.testLight ? { testLight: config.testLight } : {}),
    },
    store,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const { server } = await listen(createParentApp(config, enclave, now), config.widgetHost, config.widgetPort);
  return {
    enclave,
    store,
    server,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await enclave.stop();
      await store.close();
    },
  };
}

const isMain = process.argv[1]?.endsWith("parent.js") || process.argv[1]?.endsWith("parent/main.ts");
if (isMain) {
  const config = readStackConfig();
  const parent = await startParent(config);
  log("info", "parent_ready", { widgetOrigin: config.widgetOrigin, enrolled: parent.enclave.enrolled });
  const shutdown = async () => {
    await parent.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
