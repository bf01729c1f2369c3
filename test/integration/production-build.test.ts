// A production build (FACESIGN_BUILD=production), built twice from the same inputs:
// the same enclave measurement, the same frame and loader bytes, and trust anchors that
// are AWS's Nitro root and the released PCR0, compiled in. Its enclave refuses test
// mode, and its frame's anchors refuse a dev enclave.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { build } from "../../esbuild.config.mjs";
import { toBase64url } from "../../common/base64url";
import { AttestationError, verifyAttestation } from "../../common/attestation-verifier";
import { decodeTrustAnchors } from "../../common/trust-anchors";
import { startEnclave } from "../../enclave-service/parent/enclave-host";
import type { ReleaseManifest } from "../../enclave-service/parent/release-manifest";
import { openSqliteStore, type TemplateStore } from "../../enclave-service/parent/store/template-store";
import { readAwsNitroRoot, trustAnchorsFor } from "../../scripts/release";
import { rawSession } from "../support/enclave-box";
import { builtFrameCode, startTestStack } from "../support/stack";

const AWS_ROOT = readAwsNitroRoot(fileURLToPath(new URL("../../../shared/data/nitro/aws-nitro-root-g1.pem", import.meta.url)));

describe("production build", () => {
  // Two output folders at the same depth: source maps name sources by relative path.
  const outdirs = [resolve(".cache", "release", "a"), resolve(".cache", "release", "b")];
  let releases: ReleaseManifest[];
  let dataDir: string;
  let store: TemplateStore;
  before(async () => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
    releases = [];
    for (const outdir of outdirs) releases.push(await build({ outdir, production: true }));
    dataDir = mkdtempSync(join(tmpdir(), "facesign-prod-"));
    store = openSqliteStore(join(dataDir, "templates.sqlite"));
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is reproducible: built twice, the same PCR0, frame and loader", () => {
    const [a, b] = releases as [ReleaseManifest, ReleaseManifest];
    assert.match(a.enclave.pcr0, /^[0-9a-f]{96}$/);
    assert.deepEqual(a, b);
    for (const listing of [a.enclave.listing, a.frame.listing]) assert.equal(readFileSync(join(outdirs[0]!, listing), "utf8"), readFileSync(join(outdirs[1]!, listing), "utf8"));
    // The enclave listing names the native addons it measures.
    const enclaveFiles = readFileSync(join(outdirs[0]!, a.enclave.listing), "utf8");
    for (const file of ["service/enclave.js", "models/fr_feature.onnx", "onnxruntime_binding.node", "libonnxruntime.so", "sharp-linux-x64", "libvips-cpp.so"])
      assert.ok(enclaveFiles.includes(file), file);
  });

  it("pins AWS's Nitro root and the released PCR0, and nothing else", () => {
    const release = releases[0]!;
    assert.equal(release.build, "production");
    assert.deepEqual(release.trustAnchors, { build: "production", roots: [toBase64url(AWS_ROOT)], pcr0s: [release.enclave.pcr0] });
    const frameJs = builtFrameCode(outdirs[0]);
    assert.ok(frameJs.includes(release.enclave.pcr0) && frameJs.includes(toBase64url(AWS_ROOT)));
  });

  it("pins the PCR0 values the operator released, when given", async () => {
    const released = ["ab".repeat(48), "cd".repeat(48)];
    const anchors = await trustAnchorsFor({ production: true, pcr0: new Uint8Array(48), env: { FACESIGN_RELEASED_PCR0S: released.join(", ") } });
    assert.deepEqual(anchors.pcr0s, released);
    await assert.rejects(trustAnchorsFor({ production: true, pcr0: new Uint8Array(48), env: { FACESIGN_RELEASED_PCR0S: "not-hex" } }), /96 hex digits/);
  });

  it("its frame refuses a dev enclave: the chain does not lead to AWS's root", async () => {
    const stack = await startTestStack();
    try {
      const s = await rawSession(stack.config.widgetOrigin);
      const code = await verifyAttestation(s.attestation, decodeTrustAnchors(releases[0]!.trustAnchors), { nonce: s.nonce, now: Date.now() }).then(
        () => "accepted",
        (e: unknown) => (e instanceof AttestationError ? e.code : String(e)),
      );
      assert.equal(code, "root");
    } finally {
      await stack.stop();
    }
  });

  const boot = (testChallenge?: ["blink"]) =>
    startEnclave({
      bundlePath: join(outdirs[0]!, "service", "enclave.js"),
      dataDir,
      devCaFile: join(dataDir, "dev-ca.json"),
      modelsDir: "models",
      store,
      settings: { widgetOrigin: "http://127.0.0.1:1", sessionTtlMs: 60_000, maxSessions: 10, instance: 0, stepTimeoutMs: 15_000, ...(testChallenge ? { testChallenge } : {}) },
    });

  it("refuses to boot with a fixed test challenge", async () => {
    await assert.rejects(boot(["blink"]), (e: { code?: string }) => e.code === "test_mode_refused");
  });

  it("boots without one, measured as its release says", async () => {
    const enclave = await boot();
    assert.equal(Buffer.from(enclave.pcr0).toString("hex"), releases[0]!.enclave.pcr0);
    await enclave.stop();
  });
});
