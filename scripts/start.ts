// `npm start`: builds, then serves the widget origin (parent server) and the host
// demo on two different sites, prints both URLs, and stops cleanly on Ctrl-C.
import { execFileSync } from "node:child_process";
import { readStackConfig } from "../enclave-service/parent/config";
import { startEnclave } from "../enclave-service/parent/enclave-host";
import { createParentApp, listen } from "../enclave-service/parent/server";
import { openTemplateStore } from "../enclave-service/parent/store/template-store";
import { createHostDemoApp } from "../host-demo/server";

export async function startStack(config = readStackConfig()) {
  const store = await openTemplateStore(config);
  const enclave = await startEnclave({ bundlePath: config.enclaveBundle, dataDir: config.dataDir, modelsDir: config.modelsDir, settings: { sessionTtlMs: config.sessionTtlMs, maxSessions: config.maxSessions, ...(config.testChallenge ? { testChallenge: config.testChallenge } : {}) }, store });
  const widget = await listen(createParentApp(config, enclave, store), config.widgetHost, config.widgetPort);
  const demo = await listen(createHostDemoApp(config), config.hostDemoHost, config.hostDemoPort);
  return {
    config,
    enclave,
    store,
    async stop() {
      for (const s of [widget.server, demo.server]) s.closeAllConnections();
      await Promise.all([widget.server, demo.server].map((s) => new Promise<void>((r) => s.close(() => r()))));
      await enclave.stop();
      await store.close();
    },
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("start.ts");
if (isMain) {
  if (!process.env.FACESIGN_SKIP_BUILD) execFileSync(process.execPath, ["esbuild.config.mjs"], { stdio: "inherit" });
  const stack = await startStack();
  console.log(`FaceSign widget origin: ${stack.config.widgetOrigin}  (loader: ${stack.config.widgetOrigin}/facesign.js)`);
  console.log(`Host demo (partner site): ${stack.config.hostDemoOrigin}/`);
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
