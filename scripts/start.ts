// `npm start`: builds, then composes the local development stack: the parent server
// (enclave-service/parent/main.ts, the production entry point), the host demo and the
// local idOS node, on different origins; prints the URLs and stops cleanly on Ctrl-C.
import { execFileSync } from "node:child_process";
import { readStackConfig, type StackConfig } from "../enclave-service/parent/config";
import { startParent, type ParentOptions } from "../enclave-service/parent/main";
import { listen } from "../enclave-service/parent/server";
import { readRelease } from "../enclave-service/parent/release-manifest";
import { decodeTrustAnchors } from "../common/trust-anchors";
import { createHostDemoApp } from "../host-demo/server";
import { openIdosDb } from "../idos-node/idos-db";
import { createIdosApp } from "../idos-node/server";

/** What runs around FaceSign's service locally: the host demo (a partner) and the local idOS node, on their own origins. */
export async function startNeighbours(config: StackConfig) {
  const demo = await listen(createHostDemoApp({ ...config, consumerAnchors: decodeTrustAnchors(readRelease(config.distDir).trustAnchors) }), config.hostDemoHost, config.hostDemoPort);
  const idosDb = await openIdosDb(config);
  const idos = await listen(createIdosApp({ db: idosDb, widgetOrigin: config.widgetOrigin, publicOrigin: config.idosOrigin }), config.idosHost, config.idosPort);
  return {
    idosDb,
    async stop() {
      const servers = [demo.server, idos.server];
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      await idosDb.close();
    },
  };
}

export async function startStack(config = readStackConfig(), options: ParentOptions = {}) {
  const parent = await startParent(config, options);
  const { enclave, store } = parent;
  const neighbours = await startNeighbours(config);
  return {
    config,
    enclave,
    store,
    idosDb: neighbours.idosDb,
    async stop() {
      await neighbours.stop();
      await parent.stop();
    },
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("start.ts");
if (isMain) {
  if (!process.env.FACESIGN_SKIP_BUILD) execFileSync(process.execPath, ["esbuild.config.mjs"], { stdio: "inherit" });
  const stack = await startStack();
  const { loader } = readRelease(stack.config.distDir);
  console.log(`FaceSign widget origin: ${stack.config.widgetOrigin}  (loader: ${stack.config.widgetOrigin}/facesign.js)`);
  console.log(`  pinned loader: <script src="${stack.config.widgetOrigin}${loader.path}" integrity="${loader.integrity}" crossorigin="anonymous"></script>`);
  console.log(`Host demo (partner site): ${stack.config.hostDemoOrigin}/`);
  console.log(`Local idOS node (Kwil JSON-RPC): ${stack.config.idosOrigin}/rpc/v1`);
  console.log(`Dev enclave: PCR0 ${Buffer.from(stack.enclave.pcr0).toString("hex").slice(0, 16)}…, ${stack.enclave.enrolled} users enrolled`);
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
