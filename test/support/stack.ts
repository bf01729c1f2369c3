// Starts the real local stack in-process on free ports: the widget origin on
// 127.0.0.1 and the host demo on localhost (two different sites, as in production).
import { readStackConfig } from "../../enclave-service/parent/config";
import { startStack } from "../../scripts/start";
import { freePort } from "./ports";

export type TestStack = Awaited<ReturnType<typeof startStack>>;

export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const ports = { FACESIGN_WIDGET_PORT: String(await freePort("127.0.0.1")), FACESIGN_HOST_DEMO_PORT: String(await freePort("localhost")) };
  return startStack(readStackConfig({ ...process.env, ...ports, ...env }));
}
