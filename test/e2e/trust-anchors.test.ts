// A widget server that runs something other than what the build pinned: the frame it
// serves still accepts only the anchors compiled into its code. A parent signing with
// another CA is refused for its root, a parent running another enclave image for its
// PCR0, and the frame captures nothing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "../support/browser";
import { startTestStack } from "../support/stack";

const FRAME = "facesign-button >> facesign-modal >> iframe";

describe("trust anchors compiled into the frame", () => {
  let browser: Browser;
  before(async () => (browser = await launchChromium(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])));
  after(() => browser?.close());

  async function refusal(env: Record<string, string>) {
    const stack = await startTestStack(env);
    const page = await browser.newPage();
    try {
      await page.goto(stack.config.hostDemoOrigin + "/");
      await page.click("facesign-button");
      const frame = page.frameLocator(FRAME);
      await frame.locator("#start:not([hidden])").click();
      await frame.locator("body[data-problem=attestation_invalid]").waitFor();
      assert.equal(await frame.locator("body").getAttribute("data-captured"), null);
      return /rejected: (\w+)/.exec(await frame.locator("#problem-detail").innerText())?.[1];
    } finally {
      await page.close();
      await stack.stop();
    }
  }

  it("refuses a parent whose attestation chains to another root", async () => {
    const otherCa = join(mkdtempSync(join(tmpdir(), "facesign-other-ca-")), "ca.json");
    assert.equal(await refusal({ FACESIGN_DEV_CA: otherCa }), "root");
  });

  it("refuses a parent running another enclave image", async () => {
    // The same bundles with one comment added: a different image, attested by the right CA.
    const service = resolve(".cache", "swapped-enclave", "service");
    rmSync(service, { recursive: true, force: true });
    cpSync(resolve("dist", "service"), service, { recursive: true });
    appendFileSync(join(service, "enclave.js"), "\n// not the released image\n");
    assert.equal(await refusal({ FACESIGN_ENCLAVE_BUNDLE: join(service, "enclave.js") }), "pcr0");
  });
});
