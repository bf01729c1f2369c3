// <facesign-modal>: a native modal <dialog> (focus stays inside, Esc closes, the rest
// of the page is inert) holding the sandboxed cross-origin frame. Closing it destroys
// the frame, and with it everything the frame held in memory.
import { LitElement, css, html, nothing } from "lit";
import type { Remote } from "comlink";
import { FaceSignError, isWindowRequest, POPUP_QUERY, POPUP_READY, type ConnectResult, type FrameApi, type HelloResult, type WireError } from "../../contracts/page-frame";
import { checkPartner, openChannel } from "./channel";

export interface FaceSignEvents {
  "facesign:connected": CustomEvent<HelloResult>;
  /** The user unlocked FaceSign in the frame: their public account (from <facesign-button> clicks and FaceSign.provider). */
  "facesign:account": CustomEvent<ConnectResult>;
  "facesign:error": CustomEvent<WireError>;
  "facesign:disconnected": CustomEvent<void>;
}

/** Where the frame runs: an iframe in the page's dialog, a popup window, or an iframe that offers a popup when it cannot get a camera. */
export type FaceSignMode = "auto" | "iframe" | "popup";

const POPUP_FEATURES = "popup,width=440,height=720";
const WATCH_MS = 300;
/** A link that ended because the frame moved to a popup: its calls go again, on the new link. */
const MOVED = Symbol("moved");

/** One connection to one frame; `ended` rejects (closed, or MOVED) when it goes. */
interface Link {
  remote: Remote<FrameApi>;
  port: MessagePort;
  ended: Promise<never>;
}

export class FaceSignModal extends LitElement {
  static override properties = { widgetOrigin: { attribute: "widget-origin" }, mode: {}, open: { type: Boolean, reflect: true }, offerWindow: { state: true } };
  static override styles = css`
    dialog {
      width: min(440px, 100vw - 16px);
      height: min(640px, 100vh - 16px);
      padding: 0;
      border: 0;
      border-radius: 16px;
      overflow: hidden;
      box-shadow: 0 24px 64px rgb(0 0 0 / 35%);
      background: #fff;
    }
    /* No backdrop blur: on devices without GPU compositing it cost the camera preview two frames in three. */
    dialog::backdrop {
      background: rgb(10 12 20 / 60%);
    }
    /* Nothing may overlap the frame: the browser then cannot prove the frame's consent
       screen visible (IntersectionObserver v2 judges the frame as a whole), and Sign
       would never count. So the close button sits in a bar of its own above it. */
    dialog[open] {
      display: flex;
      flex-direction: column;
    }
    .bar {
      display: flex;
      justify-content: flex-end;
      padding: 6px 8px 0;
      background: #fff;
    }
    iframe {
      display: block;
      width: 100%;
      flex: 1;
      min-height: 0;
      border: 0;
    }
    .close {
      width: 36px;
      height: 36px;
      border-radius: 50%;
      border: 0;
      background: rgb(0 0 0 / 8%);
      font-size: 20px;
      line-height: 1;
      cursor: pointer;
    }
    .move,
    .elsewhere button {
      margin-right: auto;
      border: 0;
      border-radius: 8px;
      padding: 8px 12px;
      background: #3552ff;
      color: #fff;
      font: 600 14px system-ui;
      cursor: pointer;
    }
    .elsewhere {
      flex: 1;
      display: grid;
      place-content: center;
      padding: 24px;
      font: 16px system-ui;
    }
    .close:focus-visible {
      outline: 3px solid #3552ff;
      outline-offset: 2px;
    }
    @media (max-width: 480px) {
      dialog {
        width: 100vw;
        height: 100vh;
        max-width: none;
        max-height: none;
        border-radius: 0;
      }
    }
  `;

  widgetOrigin = "";
  mode: FaceSignMode = "auto";
  open = false;
  /** An iframe that cannot get a camera asked for a window of its own (auto mode): the bar offers it. */
  offerWindow = false;
  private channel: Promise<Remote<FrameApi>> | undefined;
  private link: Promise<Link> | undefined;
  private popup: Window | null = null;
  private endLink: ((reason: FaceSignError | typeof MOVED) => void) | undefined;
  private watch: ReturnType<typeof setInterval> | undefined;
  private announced: string | undefined;
  /** A handshake has succeeded since the modal opened. */
  private connected = false;

  /**
   * Opens FaceSign (the dialog, and the popup window in popup mode: call it from the
   * user's click) and resolves with the frame's typed remote once the handshake is done
   * and hello() answered. The outcome is also announced as composed DOM events, so they
   * reach the page through the <facesign-button> that holds this modal.
   */
  connect(): Promise<Remote<FrameApi>> {
    this.channel ??= this.start().then(
      async (remote) => {
        this.emit("facesign:connected", await remote.hello());
        return remote;
      },
      (error: unknown) => {
        const typed = error instanceof FaceSignError ? error : new FaceSignError("internal_error");
        if (typed.code !== "closed") this.emit("facesign:error", typed.toJSON());
        throw typed;
      },
    );
    return this.channel;
  }

  /** Connects, then unlocks FaceSign in the frame (a face scan if it is locked) and announces the account. */
  async account(): Promise<{ remote: Remote<FrameApi>; account: ConnectResult }> {
    const remote = await this.connect();
    const account = await remote.connect();
    // Announced once per account and window, not on every request that checks it.
    if (this.announced !== account.address) this.emit("facesign:account", account);
    this.announced = account.address;
    return { remote, account };
  }

  /** Hidden, the dialog keeps its frame (and the unlocked wallet in it) behind the page; shown, it is modal again. */
  private setShown(shown: boolean): void {
    const dialog = this.renderRoot.querySelector("dialog");
    if (!dialog || !this.open) return;
    if (shown && !dialog.open) dialog.showModal();
    if (!shown && dialog.open) dialog.close();
    if (shown) this.popup?.focus();
  }

  close(): void {
    if (!this.open && !this.link) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.end(new FaceSignError("closed"));
    // Leave the top layer now, so the page behind stops being inert before focus moves back.
    this.renderRoot.querySelector("dialog")?.close();
    this.channel = this.link = this.announced = undefined;
    this.open = this.offerWindow = false;
    if (wasConnected) this.emit("facesign:disconnected", undefined);
    this.dispatchEvent(new Event("facesign:closed"));
  }

  private emit<K extends keyof FaceSignEvents>(type: K, detail: FaceSignEvents[K]["detail"]) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Ends the current link: its pending calls hear `reason`; its window (popup or iframe) goes. */
  private end(reason: FaceSignError | typeof MOVED): void {
    this.endLink?.(reason);
    this.endLink = undefined;
    clearInterval(this.watch);
    this.popup?.close();
    this.popup = null;
    void this.link?.then(
      (l) => l.port.close(),
      () => undefined,
    );
  }

  /**
   * The remote the page holds: every call goes to the current link, and a call whose
   * link moved to a popup is made again there. Comlink leaves a call pending forever
   * when its port closes, so each call also races the link's end: a page waiting on a
   * signature hears "closed" when the user shuts the window.
   */
  private facade(): Remote<FrameApi> {
    const call = async (method: keyof FrameApi, args: never[]): Promise<unknown> => {
      for (;;) {
        const link = await (this.link ?? Promise.reject(new FaceSignError("closed")));
        try {
          return await Promise.race([(link.remote[method] as (...a: never[]) => Promise<unknown>)(...args), link.ended]);
        } catch (error) {
          if (error !== MOVED) throw error;
        }
      }
    };
    // "then" stays undefined, or awaiting the remote would call into the frame.
    return new Proxy({} as Remote<FrameApi>, { get: (_, method: keyof FrameApi) => (method === ("then" as string) ? undefined : (...args: never[]) => call(method, args)) });
  }

  private async start(): Promise<Remote<FrameApi>> {
    // The popup must open in the click itself, before anything is awaited.
    const popup = this.mode === "popup" ? this.openPopup() : null;
    this.link = this.linkTo(popup);
    try {
      await this.link;
      return this.facade();
    } catch (error) {
      this.channel = undefined;
      this.close();
      throw error;
    }
  }

  /** The user chose a window of FaceSign's own (auto mode, the iframe had no camera): pending calls follow. */
  private moveToPopup(): void {
    let popup: Window;
    try {
      popup = this.openPopup();
    } catch (error) {
      this.emit("facesign:error", (error as FaceSignError).toJSON());
      return;
    }
    this.end(MOVED);
    this.offerWindow = false;
    this.link = this.linkTo(popup);
    this.link.catch(() => this.close());
  }

  private openPopup(): Window {
    const popup = window.open(`${this.widgetOrigin}/frame/?${POPUP_QUERY}`, "facesign", POPUP_FEATURES);
    if (!popup) throw new FaceSignError("popup_blocked");
    return popup;
  }

  /** Connects to the frame in `popup`, or in the dialog's iframe when there is none. */
  private async linkTo(popup: Window | null): Promise<Link> {
    const ended = new Promise<never>((_, reject) => (this.endLink = reject));
    ended.catch(() => undefined);
    const until = <T>(p: Promise<T>) => Promise.race([p, ended]);
    this.popup = popup;
    const ready = popup ? popupReady(popup, this.widgetOrigin) : null;
    await until(checkPartner(this.widgetOrigin));
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector("dialog")!.showModal();
    let target: Window;
    if (popup) {
      this.watch = setInterval(() => popup.closed && this.close(), WATCH_MS);
      await until(ready!);
      target = popup;
    } else {
      const frame = this.renderRoot.querySelector("iframe")!;
      await until(new Promise((r) => frame.addEventListener("load", r, { once: true })));
      target = frame.contentWindow!;
    }
    const { remote, port } = await until(openChannel(target, this.widgetOrigin));
    this.connected = true;
    port.addEventListener("message", (e: MessageEvent) => {
      if (!isWindowRequest(e.data)) return;
      if (e.data.type === "facesign:close-request") this.close();
      else if (e.data.type === "facesign:popup-request") this.offerWindow = this.mode === "auto";
      else this.setShown(e.data.type === "facesign:show-request");
    });
    return { remote, port, ended };
  }

  override render() {
    if (!this.open) return nothing;
    // sandbox: scripts and the frame's own origin (its storage and fetches to its API);
    // forms for its consent buttons; popups for the consent window where the browser
    // cannot prove the frame visible (they inherit this sandbox). No top navigation or downloads.
    return html`<dialog aria-label="FaceSign" @cancel=${this.onCancel}>
      <div class="bar">
        ${this.offerWindow ? html`<button class="move" type="button" @click=${() => this.moveToPopup()}>Camera blocked? Open in a new window</button>` : nothing}
        <button class="close" type="button" aria-label="Close FaceSign" @click=${() => this.close()}>×</button>
      </div>
      ${
        this.popup
          ? html`<div class="elsewhere" role="status">
              <p>FaceSign is open in its own window.</p>
              <button type="button" @click=${() => this.popup?.focus()}>Show the FaceSign window</button>
            </div>`
          : html`<iframe
              src="${this.widgetOrigin}/frame/"
              title="FaceSign: sign with your face"
              sandbox="allow-scripts allow-same-origin allow-forms allow-popups"
              allow="camera; publickey-credentials-get; publickey-credentials-create"
              referrerpolicy="origin"
            ></iframe>`
      }
    </dialog>`;
  }

  private onCancel(event: Event) {
    event.preventDefault();
    this.close();
  }
}

/** Resolves when the frame in `popup` says it is ready for this page's port. */
function popupReady(popup: Window, widgetOrigin: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== popup || event.origin !== widgetOrigin || (event.data as { type?: unknown } | null)?.type !== POPUP_READY) return;
      removeEventListener("message", onMessage);
      resolve();
    };
    addEventListener("message", onMessage);
  });
}
