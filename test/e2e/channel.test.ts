// The first slice across two real origins: host demo (localhost) ↔ frame (127.0.0.1).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launchChromium } from "../support/browser";
import { startTestStack, type TestStack } from "../support/stack";

describe("host ↔ iframe channel across two origins", () => {
  let stack: TestStack;
  let browser: Browser;
  before(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("click → modal with the frame → connect() resolves → hello() reports the host origin", async () => {
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    const connected = page.evaluate(() => new Promise((r) => document.getElementById("facesign")!.addEventListener("facesign:connected", (e) => r((e as CustomEvent).detail))));
    await page.click("facesign-button");
    const detail = await connected;
    assert.deepEqual(detail, { version: "0.1.0", hostOrigin: stack.config.hostDemoOrigin });
    const hello = await page.evaluate(async () => (await window.FaceSign.connect()).hello());
    assert.equal(hello.hostOrigin, stack.config.hostDemoOrigin);
    await page.close();
  });
});
