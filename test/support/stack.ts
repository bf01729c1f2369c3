// Starts the real local stack in-process on free ports: the widget origin on
// localhost and the host demo on 127.0.0.1 (two different sites, as in production).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeTrustAnchors } from "../../common/trust-anchors";
import { readStackConfig } from "../../enclave-service/parent/config";
import { readRelease } from "../../enclave-service/parent/release-manifest";
import type { ParentOptions } from "../../enclave-service/parent/main";
import { startStack } from "../../scripts/start";
import { freePort } from "./ports";

export type TestStack = Awaited<ReturnType<typeof startStack>>;

/** What the build compiled into the frame and the consumer CLI (dist/release.json). */
export const builtAnchors = (distDir = "dist") => decodeTrustAnchors(readRelease(distDir).trustAnchors);

/** The frame's JavaScript as built: its entry and every chunk. */
export const builtFrameCode = (distDir = "dist") =>
  [join(distDir, "frame", "frame.js"), ...readdirSync(join(distDir, "frame", "chunks")).map((f) => join(distDir, "frame", "chunks", f))].map((f) => readFileSync(f, "utf8")).join("\n");

/**
 * Rate limits out of the way: a test file opens sessions and uploads scans much faster
 * than a person does. test/integration/rate-limits.test.ts tests them at their defaults.
 */
export const UNLIMITED = { FACESIGN_SESSIONS_PER_MINUTE: "1000000", FACESIGN_SCANS_PER_MINUTE: "1000000", FACESIGN_ALL_SESSIONS_PER_SECOND: "100000", FACESIGN_ALL_SCANS_PER_SECOND: "100000" };

/** Free ports for the host demo and the idOS node (what runs beside the service). */
export const freeNeighbourPorts = async () => ({ FACESIGN_HOST_DEMO_PORT: String(await freePort("127.0.0.1")), FACESIGN_IDOS_PORT: String(await freePort("127.0.0.1")) });

/** A stack on free ports with its own fresh data directory (an empty store, a new dev KMS key) and the build's dev CA. */
export async function startTestStack(env: Record<string, string> = {}, options: ParentOptions = {}): Promise<TestStack> {
  const ports = { FACESIGN_WIDGET_PORT: String(await freePort("127.0.0.1")), ...(await freeNeighbourPorts()) };
  process.env.FACESIGN_LOG ??= "silent";
  const dataDir = mkdtempSync(join(tmpdir(), "facesign-test-"));
  const stack = await startStack(readStackConfig({ ...process.env, ...UNLIMITED, FACESIGN_DATA_DIR: dataDir, ...ports, ...env }), options);
  return {
    ...stack,
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
