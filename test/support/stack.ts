// Starts the real local stack in-process on free ports: the widget origin on
// 127.0.0.1 and the host demo on localhost (two different sites, as in production).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStackConfig } from "../../enclave-service/parent/config";
import type { ParentOptions } from "../../enclave-service/parent/main";
import { startStack } from "../../scripts/start";
import { freePort } from "./ports";

export type TestStack = Awaited<ReturnType<typeof startStack>>;

/** A stack on free ports with its own fresh data directory (a new dev CA, an empty store). */
export async function startTestStack(env: Record<string, string> = {}, options: ParentOptions = {}): Promise<TestStack> {
  const ports = { FACESIGN_WIDGET_PORT: String(await freePort("127.0.0.1")), FACESIGN_HOST_DEMO_PORT: String(await freePort("localhost")), FACESIGN_IDOS_PORT: String(await freePort("127.0.0.1")) };
  process.env.FACESIGN_LOG ??= "silent";
  const dataDir = mkdtempSync(join(tmpdir(), "facesign-test-"));
  const stack = await startStack(readStackConfig({ ...process.env, FACESIGN_DATA_DIR: dataDir, ...ports, ...env }), options);
  return {
    ...stack,
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
