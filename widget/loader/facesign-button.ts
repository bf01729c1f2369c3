// <facesign-button>: what a partner puts on the page. A click opens the FaceSign
// modal and connects to the frame; the modal's events reach the page through it.
import { LitElement, css, html } from "lit";
import type { Remote } from "comlink";
import type { FrameApi } from "../../contracts/page-frame";
import { FaceSignModal, type FaceSignMode } from "./facesign-modal";
import { loaderOrigin } from "./loader-origin";

export type ButtonState = "idle" | "connecting" | "connected" | "error";

export class FaceSignButton extends LitElement {
  static override properties = {
    widgetOrigin: { attribute: "widget-origin" },
    mode: {},
    label: {},
    theme: { reflect: true },
    size: { reflect: true },
    state: { reflect: true },
  };

  static override styles = css`
    :host {
      display: inline-block;
      --fs-accent: #3552ff;
      --fs-bg: #14161a;
      --fs-fg: #fff;
    }
    :host([theme="dark"]) {
      --fs-bg: #fff;
      --fs-fg: #14161a;
    }
    @media (prefers-color-scheme: dark) {
      :host([theme="auto"]) {
        --fs-bg: #fff;
        --fs-fg: #14161a;
      }
    }
    button {
      display: inline-flex;
      align-items: center;
      gap: 0.55em;
      font:
        600 15px/1 system-ui,
        -apple-system,
        "Segoe UI",
        Roboto,
        sans-serif;
      padding: 0.8em 1.2em;
      border-radius: 999px;
      border: 0;
      background: var(--fs-bg);
      color: var(--fs-fg);
      cursor: pointer;
      transition:
        transform 0.12s ease,
        opacity 0.12s ease;
    }
    :host([size="small"]) button {
      font-size: 13px;
    }
    :host([size="large"]) button {
      font-size: 18px;
    }
    button:hover {
      transform: translateY(-1px);
    }
    button:focus-visible {
      outline: 3px solid var(--fs-accent);
      outline-offset: 3px;
    }
    button[aria-busy="true"] {
      opacity: 0.75;
      cursor: progress;
    }
    svg {
      width: 1.3em;
      height: 1.3em;
    }
    .dot {
      width: 0.5em;
      height: 0.5em;
      border-radius: 50%;
      background: #1fbf6b;
    }
    :host([state="error"]) .dot {
      background: #e5484d;
    }
  `;

  widgetOrigin = loaderOrigin();
  label = "Sign in with FaceSign";
  /** iframe: always in the page; popup: always a window of its own; auto: the iframe, offering a window when it cannot get a camera. */
  mode: FaceSignMode = "auto";
  theme: "light" | "dark" | "auto" = "auto";
  size: "small" | "medium" | "large" = "medium";
  state: ButtonState = "idle";

  readonly modal = new FaceSignModal();

  constructor() {
    super();
    // State follows the modal's events, so it is current when the page's listeners run.
    this.modal.addEventListener("facesign:connected", () => (this.state = "connected"));
    this.modal.addEventListener("facesign:error", () => (this.state = "error"));
    this.modal.addEventListener("facesign:closed", () => {
      if (this.state !== "error") this.state = "idle";
      this.renderRoot.querySelector("button")?.focus();
    });
  }

  /** Opens the modal and connects; resolves with the frame's typed remote. */
  connect(): Promise<Remote<FrameApi>> {
    this.state = "connecting";
    this.modal.widgetOrigin = this.widgetOrigin;
    this.modal.mode = this.mode;
    return this.modal.connect();
  }

  override render() {
    const busy = this.state === "connecting";
    return html`<button type="button" part="button" aria-busy=${busy ? "true" : "false"} aria-haspopup="dialog" @click=${this.onClick}>
        <svg viewBox="0 0 48 48" aria-hidden="true">
          <ellipse cx="24" cy="24" rx="15" ry="19" fill="none" stroke="currentColor" stroke-width="4" />
          <circle cx="18" cy="21" r="2.6" fill="currentColor" />
          <circle cx="30" cy="21" r="2.6" fill="currentColor" />
        </svg>
        <span>${this.label}</span>${this.state === "connected" || this.state === "error" ? html`<span class="dot" aria-hidden="true"></span>` : ""}
      </button>
      ${this.modal}`;
  }

  private onClick() {
    // The outcome reaches the page as facesign:connected, facesign:account and facesign:error events.
    this.state = "connecting";
    this.modal.widgetOrigin = this.widgetOrigin;
    this.modal.mode = this.mode;
    this.modal.account().catch(() => undefined);
  }
}
