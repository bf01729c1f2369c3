// <facesign-modal>: a native modal <dialog> (focus stays inside, Esc closes, the rest
// of the page is inert) holding the sandboxed cross-origin frame. Closing it destroys
// the frame, and with it everything the frame held in memory.
import { LitElement, css, html, nothing } from "lit";
import type { Remote } from "comlink";
import { FaceSignError, isWindowRequest, type ConnectResult, type FrameApi, type HelloResult, type WireError } from "../../contracts/page-frame";
import { checkPartner, openChannel } from "./channel";

export interface FaceSignEvents {
  "facesign:connected": CustomEvent<HelloResult>;
  /** The user unlocked FaceSign in the frame: their public account (from <facesign-button> clicks and FaceSign.provider). */
  "facesign:account": CustomEvent<ConnectResult>;
  "facesign:error": CustomEvent<WireError>;
  "facesign:disconnected": CustomEvent<void>;
}

/**
 * Comlink leaves a call pending forever when its port closes: while the modal is open,
 * every call also loses the race against the modal closing, so a page waiting on a
 * signature hears "closed" when the user shuts the window.
 */
function rejectOnClose(remote: Remote<FrameApi>, closed: Promise<never>): Remote<FrameApi> {
  closed.catch(() => undefined);
  return new Proxy(remote, {
    // "then" stays undefined, or awaiting the remote would call into the frame.
    get: (target, method: keyof FrameApi) =>
      method === ("then" as string) ? undefined : (...args: never[]) => Promise.race([(target[method] as (...a: never[]) => Promise<unknown>)(...args), closed]),
  });
}

export class FaceSignModal extends LitElement {
  static override properties = { widgetOrigin: { attribute: "widget-origin" }, open: { type: Boolean, reflect: true } };
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
  open = false;
  private channel: Promise<Remote<FrameApi>> | undefined;
  private port: MessagePort | undefined;
  private rejectPending: ((error: FaceSignError) => void) | undefined;
  private announced: string | undefined;

  /**
   * Opens the dialog and resolves with the frame's typed remote once the handshake is
   * done and hello() answered. The outcome is also announced as composed DOM events,
   * so they reach the page through the <facesign-button> that holds this modal.
   */
  connect(): Promise<Remote<FrameApi>> {
    this.channel ??= this.establish().then(
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
  }

  close(): void {
    if (!this.open) return;
    this.rejectPending?.(new FaceSignError("closed"));
    this.port?.close();
    const wasConnected = this.port !== undefined;
    // Leave the top layer now, so the page behind stops being inert before focus moves back.
    this.renderRoot.querySelector("dialog")?.close();
    this.channel = this.port = this.rejectPending = this.announced = undefined;
    this.open = false;
    if (wasConnected) this.emit("facesign:disconnected", undefined);
    this.dispatchEvent(new Event("facesign:closed"));
  }

  private emit<K extends keyof FaceSignEvents>(type: K, detail: FaceSignEvents[K]["detail"]) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private get frame(): HTMLIFrameElement | null {
    return this.renderRoot.querySelector("iframe");
  }

  private async establish(): Promise<Remote<FrameApi>> {
    const closed = new Promise<never>((_, reject) => (this.rejectPending = reject));
    try {
      await Promise.race([checkPartner(this.widgetOrigin), closed]);
      this.open = true;
      await this.updateComplete;
      this.renderRoot.querySelector("dialog")!.showModal();
      const frame = this.frame!;
      await Promise.race([new Promise((r) => frame.addEventListener("load", r, { once: true })), closed]);
      const { remote, port } = await Promise.race([openChannel(frame, this.widgetOrigin), closed]);
      this.port = port;
      port.addEventListener("message", (e: MessageEvent) => {
        if (!isWindowRequest(e.data)) return;
        if (e.data.type === "facesign:close-request") this.close();
        else this.setShown(e.data.type === "facesign:show-request");
      });
      return rejectOnClose(remote, closed);
    } catch (error) {
      this.channel = undefined;
      if (this.open) this.close();
      throw error;
    }
  }

  override render() {
    if (!this.open) return nothing;
    // sandbox: scripts and the frame's own origin (its storage and fetches to its API);
    // forms for its consent buttons; popups for the consent window where the browser
    // cannot prove the frame visible (they inherit this sandbox). No top navigation or downloads.
    return html`<dialog aria-label="FaceSign" @cancel=${this.onCancel}>
      <div class="bar"><button class="close" type="button" aria-label="Close FaceSign" @click=${() => this.close()}>×</button></div>
      <iframe
        src="${this.widgetOrigin}/frame/"
        title="FaceSign: sign with your face"
        sandbox="allow-scripts allow-same-origin allow-forms allow-popups"
        allow="camera"
        referrerpolicy="origin"
      ></iframe>
    </dialog>`;
  }

  private onCancel(event: Event) {
    event.preventDefault();
    this.close();
  }
}
