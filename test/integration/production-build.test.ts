// A production build of the enclave refuses test mode: the fixed challenge that lets
// recorded videos through the real stack can never reach production.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as esbuild from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { nodeBuilds } from "../../esbuild.config.mjs";
import { startEnclave } from "../../enclave-service/parent/enclave-host";
import { openSqliteStore, type TemplateStore } from "../../enclave-service/parent/store/template-store";

describe("production build", () => {
  const outdir = resolve(".cache", "production-build");
  let dataDir: string;
  let store: TemplateStore;
  before(async () => {
    const enclave = nodeBuilds.find((b) => JSON.stringify(b.entryPoints).includes("enclave/worker.ts"))!;
    await esbuild.build({ ...enclave, outdir, define: { __FACESIGN_PRODUCTION__: "true" } });
    dataDir = mkdtempSync(join(tmpdir(), "facesign-prod-"));
    store = openSqliteStore(join(dataDir, "templates.sqlite"));
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const boot = (testChallenge?: ["blink"]) =>
    startEnclave({ bundlePath: join(outdir, "enclave.js"), dataDir, modelsDir: "models", store, settings: { sessionTtlMs: 60_000, maxSessions: 10, ...(testChallenge ? { testChallenge } : {}) } });

  it("refuses to boot with a fixed test challenge", async () => {
    await assert.rejects(boot(["blink"]), (e: { code?: string }) => e.code === "test_mode_refused");
  });

  it("boots without one", async () => {
    const enclave = await boot();
    await enclave.stop();
  });
});
