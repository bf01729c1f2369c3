// The first slice across real origins: host demo (127.0.0.1) ↔ frame (localhost),
// plus a third origin that is not a partner.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Frame, Page } from "playwright-core";
import { createHostDemoApp } from "../../host-demo/server";
import { listen } from "../../enclave-service/parent/server";
import { readRelease } from "../../enclave-service/parent/release-manifest";
import { launchChromium } from "../support/browser";
import { startTestStack, type TestStack } from "../support/stack";

/** The frame element inside <facesign-button>'s modal. */
const FRAME = "facesign-button >> facesign-modal >> iframe";

const CONNECT = { type: "facesign:connect", protocol: 1 };

/**
 * In a page (or one of its frames): open a bare frame of the widget origin, post it
 * `message` (with a port unless told not to), and collect what comes back on that port.
 * No fixed waits. When the message must be answered (`replies`, the handshake's reply
 * plus one answer per follow-up, sent after it), the exchange waits for exactly that
 * many. When it must be ignored (`replies` 0), a positive control follows: a connect on
 * a fresh port, which the frame always answers (ready or refused), so silence on the
 * first port means the frame handled the message and said nothing. `answered` is false
 * if what had to come did not within 10 s.
 */
async function rawExchange(
  target: Page | Frame,
  widgetOrigin: string,
  message: unknown,
  { withPort = true, followUps = [] as unknown[], replies }: { withPort?: boolean; followUps?: unknown[]; replies?: number } = {},
): Promise<{ replies: any[]; answered: boolean }> {
  const expected = replies ?? (followUps.length ? 1 + followUps.length : 0);
  return target.evaluate(
    async ({ widgetOrigin, message, withPort, followUps, expected, connect }) => {
      const frame = document.createElement("iframe");
      frame.src = `${widgetOrigin}/frame/`;
      document.body.append(frame);
      await new Promise((r) => frame.addEventListener("load", r, { once: true }));
      // (No named functions in here: the test runner's transform would wrap them in a helper the page lacks.)
      const late = new Promise<boolean>((r) => setTimeout(() => r(false), 10_000));
      const { port1, port2 } = new MessageChannel();
      const replies: unknown[] = [];
      let followed = false;
      const needed = Promise.race([
        late,
        new Promise<boolean>((done) => {
          port1.onmessage = (e) => {
            if (/^facesign:\w+-request$/.test(String((e.data as { type?: unknown } | null)?.type))) return;
            replies.push(e.data);
            if (!followed && followUps.length) {
              followed = true;
              for (const m of followUps) port1.postMessage(m);
            }
            if (expected && replies.length === expected) done(true);
          };
        }),
      ]);
      frame.contentWindow!.postMessage(message, widgetOrigin, withPort ? [port2] : []);
      if (expected) return { replies, answered: await needed };
      const control = new MessageChannel();
      const answered = Promise.race([late, new Promise<boolean>((r) => (control.port1.onmessage = () => r(true)))]);
      frame.contentWindow!.postMessage(connect, widgetOrigin, [control.port2]);
      return { replies, answered: await answered };
    },
    { widgetOrigin, message, withPort, followUps, expected, connect: CONNECT },
  );
}

describe("host ↔ iframe channel across two origins", () => {
  let stack: TestStack;
  let browser: Browser;
  let thirdOrigin: string;
  let stopThird: () => void;
  before(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    // A third origin, not on the allow-list: the same partner page served from another port.
    const third = await listen(createHostDemoApp(stack.config), "127.0.0.1", 0);
    thirdOrigin = `http://127.0.0.1:${third.port}`;
    stopThird = () => third.server.close();
  });
  after(async () => {
    await browser?.close();
    stopThird?.();
    await stack?.stop();
  });

  it("click → modal with the frame → connect() resolves → hello() reports the host origin", async () => {
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    const connected = page.evaluate(() => new Promise((r) => document.getElementById("facesign")!.addEventListener("facesign:connected", (e) => r((e as CustomEvent).detail))));
    await page.click("facesign-button");
    assert.deepEqual(await connected, { version: "0.1.0", hostOrigin: stack.config.hostDemoOrigin });
    assert.equal(await page.locator("facesign-button").getAttribute("state"), "connected");
    const hello = await page.evaluate(async () => (await window.FaceSign.connect()).hello());
    assert.equal(hello.hostOrigin, stack.config.hostDemoOrigin);
    // The frame says it is connected, in its own document.
    await page.frameLocator(FRAME).locator("body[data-state=connected]").waitFor();
    // The host page cannot reach into the frame's document.
    assert.equal(await page.locator(FRAME).evaluate((f) => (f as HTMLIFrameElement).contentDocument === null), true);
    await page.close();
  });

  it("the loader works as <script type=module> too, with widget-origin taken from the loader's URL", async () => {
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/module.html");
    await page.waitForFunction(() => customElements.get("facesign-button") !== undefined);
    assert.equal(await page.locator("facesign-button").evaluate((b) => (b as any).widgetOrigin), stack.config.widgetOrigin);
    const hello = await page.evaluate(async () => (await window.FaceSign.connect()).hello());
    assert.equal(hello.hostOrigin, stack.config.hostDemoOrigin);
    await page.close();
  });

  it("Esc closes the modal, destroys the frame and returns focus to the button", async () => {
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    await page.evaluate(() => window.FaceSign.connect().then(() => undefined));
    await page.keyboard.press("Escape");
    await page.locator(FRAME).waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "FACESIGN-BUTTON");
    assert.equal(await page.locator("facesign-button").getAttribute("state"), "idle");
    await page.close();
  });

  it("a partner can pin the loader with SRI: the build's hash loads it, any other is refused by the browser", async () => {
    const release = readRelease(stack.config.distDir).loader;
    const load = async (integrity: string) => {
      const page = await browser.newPage();
      try {
        return await page.evaluate(
          ([src, integrity]) =>
            new Promise((resolve) => {
              const script = Object.assign(document.createElement("script"), { src, integrity, crossOrigin: "anonymous" });
              script.onload = () => resolve("loaded");
              script.onerror = () => resolve("refused");
              document.head.append(script);
            }),
          [`${stack.config.widgetOrigin}${release.path}`, integrity] as const,
        );
      } finally {
        await page.close();
      }
    };
    assert.equal(await load(release.integrity), "loaded");
    const other = `sha384-${Buffer.from(new Uint8Array(48).fill(7)).toString("base64")}`;
    assert.equal(await load(other), "refused");
  });

  it("a page from a third origin, not on the allow-list, gets origin_not_allowed", async () => {
    const page = await browser.newPage();
    await page.goto(thirdOrigin + "/");
    const events: unknown[] = [];
    await page.exposeFunction("record", (d: unknown) => events.push(d));
    await page.evaluate(() => document.getElementById("facesign")!.addEventListener("facesign:error", (e) => (window as any).record((e as CustomEvent).detail)));
    const error = await page.evaluate(() =>
      window.FaceSign.connect().then(
        () => null,
        (e) => ({ name: e.name, code: e.code }),
      ),
    );
    assert.deepEqual(error, { name: "FaceSignError", code: "origin_not_allowed" });
    assert.equal((events[0] as { code: string }).code, "origin_not_allowed");
    assert.equal(await page.locator("facesign-button").getAttribute("state"), "error");
    // Even when framed by hand, the browser refuses to render the frame there (CSP frame-ancestors): an error page stands in its place.
    const committed = page.waitForEvent("framenavigated", { predicate: (f) => f !== page.mainFrame() && f.url() !== "" });
    await page.evaluate((src) => {
      const frame = document.createElement("iframe");
      frame.src = src;
      document.body.append(frame);
    }, `${stack.config.widgetOrigin}/frame/`);
    assert.equal((await committed).url(), "chrome-error://chromewebdata/");
    await page.close();
  });

  it("ignores messages outside the handshake and refuses a second handshake", async () => {
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    const { widgetOrigin } = stack.config;
    // The same helper does get an answer when the handshake is right: no reply below means "ignored".
    // (After it the frame asks for its window to be shown: window requests, not replies.)
    assert.deepEqual(await rawExchange(page, widgetOrigin, CONNECT, { replies: 1 }), { replies: [{ type: "facesign:ready" }], answered: true });
    assert.deepEqual(await rawExchange(page, widgetOrigin, { type: "facesign:hello" }), { replies: [], answered: true });
    assert.deepEqual(await rawExchange(page, widgetOrigin, CONNECT, { withPort: false }), { replies: [], answered: true });
    assert.deepEqual(await rawExchange(page, widgetOrigin, "<img src=x onerror=alert(1)>"), { replies: [], answered: true });
    // A connected frame refuses another port.
    await page.evaluate(() => window.FaceSign.connect().then(() => undefined));
    const second = await page.locator(FRAME).evaluate((frame, origin) => {
      const { port1, port2 } = new MessageChannel();
      const reply = new Promise((r) => (port1.onmessage = (e) => r(e.data)));
      (frame as HTMLIFrameElement).contentWindow!.postMessage({ type: "facesign:connect", protocol: 1 }, origin, [port2]);
      return reply;
    }, widgetOrigin);
    assert.deepEqual(second, { type: "facesign:refused", error: { code: "handshake_refused", message: "The FaceSign frame refused this connection." } });
    // The first channel still works.
    assert.equal((await page.evaluate(async () => (await window.FaceSign.connect()).hello())).hostOrigin, stack.config.hostDemoOrigin);
    await page.close();
  });

  it("refuses a handshake from a nested frame", async () => {
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    // A same-origin child frame of the partner page tries to embed and talk to the widget.
    await page.evaluate(() => {
      const child = document.createElement("iframe");
      child.name = "child";
      document.body.append(child);
    });
    const child = page.frame({ name: "child" })!;
    const { replies } = await rawExchange(child, stack.config.widgetOrigin, CONNECT, { replies: 1 });
    assert.deepEqual(replies, [{ type: "facesign:refused", error: { code: "nested_frame_refused", message: "FaceSign must be embedded directly by the top-level page." } }]);
    await page.close();
  });

  it("a malformed call gets a typed error and the channel stays usable", async () => {
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    const result = await page.evaluate(async () => {
      const remote = (await window.FaceSign.connect()) as any;
      const typed = await remote.hello("unexpected", { deep: [1, 2] }).then(
        () => null,
        (e: any) => ({ name: e.name, code: e.code }),
      );
      const missing = await remote.nope().then(
        () => null,
        (e: any) => e.code,
      );
      const after = await remote.hello();
      return { typed, missing, after: after.hostOrigin };
    });
    assert.deepEqual(result.typed, { name: "FaceSignError", code: "invalid_request" });
    assert.equal(result.missing, "invalid_request");
    assert.equal(result.after, stack.config.hostDemoOrigin);
    // Raw Comlink messages that would read or overwrite the API object are refused, typed.
    const { replies: raw, answered } = await rawExchange(page, stack.config.widgetOrigin, CONNECT, {
      followUps: [
        { id: "a", type: "SET", path: ["hello"], value: { type: "RAW", value: 1 } },
        { id: "b", type: "GET", path: ["constructor"] },
        { id: "c", type: "APPLY", path: ["hello"], argumentList: [] },
      ],
    });
    assert.equal(answered, true);
    assert.deepEqual(raw[0], { type: "facesign:ready" });
    const byId = Object.fromEntries(raw.slice(1).map((m: any) => [m.id, m]));
    assert.equal(byId.a.value.value.code, "invalid_request");
    assert.equal(byId.b.value.value.code, "invalid_request");
    assert.equal(byId.c.value.hostOrigin, stack.config.hostDemoOrigin);
    await page.close();
  });
});
