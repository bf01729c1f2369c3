/// <reference types="mocha" />
// <facesign-button> rendered by itself: attributes, keyboard, and the modal opened
// through the element's own API against a real parent server (see
// web-test-runner.config.mjs), closed by a real Esc key.
import { expect } from "chai";
import { sendKeys } from "@web/test-runner-commands";
import "../../widget/loader/index";
import type { FaceSignButton } from "../../widget/loader/facesign-button";
import type { FaceSignModal } from "../../widget/loader/facesign-modal";

async function mount(html: string): Promise<FaceSignButton> {
  const host = document.createElement("div");
  host.innerHTML = html;
  document.body.append(host);
  const el = host.firstElementChild as FaceSignButton;
  await el.updateComplete;
  return el;
}

declare global {
  interface Window {
    FACESIGN_WIDGET_ORIGIN: string;
  }
}

const inner = (el: FaceSignButton) => el.shadowRoot!.querySelector("button")!;
const modalOf = (el: FaceSignButton) => el.shadowRoot!.querySelector("facesign-modal") as FaceSignModal;

afterEach(() => document.querySelectorAll("body > div").forEach((d) => d.remove()));

describe("<facesign-button>", () => {
  it("renders a real button with its label and default state", async () => {
    const el = await mount(`<facesign-button label="Continue with FaceSign"></facesign-button>`);
    expect(inner(el).textContent).to.contain("Continue with FaceSign");
    expect(inner(el).getAttribute("type")).to.equal("button");
    expect(inner(el).getAttribute("aria-haspopup")).to.equal("dialog");
    expect(el.getAttribute("state")).to.equal("idle");
  });

  it("reflects theme and size, and reads widget-origin", async () => {
    const el = await mount(`<facesign-button theme="dark" size="large" widget-origin="http://127.0.0.1:1"></facesign-button>`);
    expect(el.theme).to.equal("dark");
    expect(el.size).to.equal("large");
    expect(el.widgetOrigin).to.equal("http://127.0.0.1:1");
    const light = getComputedStyle(inner(el)).backgroundColor;
    el.theme = "light";
    await el.updateComplete;
    expect(getComputedStyle(inner(el)).backgroundColor).to.not.equal(light);
    const large = parseFloat(getComputedStyle(inner(el)).fontSize);
    el.size = "small";
    await el.updateComplete;
    expect(parseFloat(getComputedStyle(inner(el)).fontSize)).to.be.lessThan(large);
  });

  it("defaults widget-origin to the loader's origin", async () => {
    const el = await mount(`<facesign-button></facesign-button>`);
    expect(el.widgetOrigin).to.equal(location.origin);
  });

  it("is reachable by keyboard and shows a visible focus ring", async () => {
    const el = await mount(`<facesign-button></facesign-button>`);
    inner(el).focus();
    expect(el.shadowRoot!.activeElement === inner(el), "focus back on the button").to.equal(true);
    const style = getComputedStyle(inner(el));
    expect(style.outlineStyle).to.not.equal("none");
  });

  it("an unreachable widget origin ends in the error state with a typed facesign:error", async () => {
    const el = await mount(`<facesign-button widget-origin="http://127.0.0.1:9"></facesign-button>`);
    const error = new Promise<CustomEvent>((r) => el.addEventListener("facesign:error", (e) => r(e as CustomEvent), { once: true }));
    inner(el).click();
    expect(el.state).to.equal("connecting");
    const event = await error;
    expect(event.detail.code).to.equal("widget_unreachable");
    await el.updateComplete;
    expect(el.getAttribute("state")).to.equal("error");
  });

  it("modal: connect() opens a modal dialog holding the sandboxed frame; Esc closes it, rejects with closed, and focus returns to the button", async () => {
    const el = await mount(`<facesign-button widget-origin="${window.FACESIGN_WIDGET_ORIGIN}"></facesign-button>`);
    const modal = modalOf(el);
    const connected = new Promise<CustomEvent>((r) => el.addEventListener("facesign:connected", (e) => r(e as CustomEvent), { once: true }));
    inner(el).focus();
    const remote = el.connect();
    const hello = await (await remote).hello();
    expect(hello.hostOrigin).to.equal(location.origin);
    expect((await connected).detail.hostOrigin).to.equal(location.origin);
    const dialog = modal.shadowRoot!.querySelector("dialog")!;
    const frame = modal.shadowRoot!.querySelector("iframe")!;
    expect(frame.getAttribute("sandbox")).to.equal("allow-scripts allow-same-origin allow-forms allow-popups");
    // The camera and passkeys, and nothing else.
    expect(frame.getAttribute("allow")).to.equal("camera; publickey-credentials-get; publickey-credentials-create");
    expect(frame.getAttribute("title")).to.match(/FaceSign/);
    expect(frame.getAttribute("referrerpolicy")).to.equal("origin");
    expect(frame.src).to.equal(`${window.FACESIGN_WIDGET_ORIGIN}/frame/`);
    // Focus is inside the dialog, and the page behind it is inert.
    expect(dialog.matches(":modal")).to.equal(true);
    expect(modal.shadowRoot!.activeElement !== null, "focus inside the dialog").to.equal(true);
    expect(el.getAttribute("state")).to.equal("connected");
    // A call waiting on the user (connect() asks for a face scan), then Esc, pressed on the
    // dialog: it closes the modal, destroys the frame and rejects the call with closed.
    const pending = (await remote).connect().then(
      () => "resolved",
      (e: { code?: string }) => e.code,
    );
    const disconnected = new Promise((r) => el.addEventListener("facesign:disconnected", r, { once: true }));
    (modal.shadowRoot!.querySelector(".close") as HTMLElement).focus();
    await sendKeys({ press: "Escape" });
    await disconnected;
    expect(await pending).to.equal("closed");
    await modal.updateComplete;
    expect(modal.shadowRoot!.querySelector("iframe") === null, "frame destroyed").to.equal(true);
    expect(el.shadowRoot!.activeElement === inner(el), "focus back on the button").to.equal(true);
  });
});
