// The loader (dist/facesign.js): registers <facesign-button> and <facesign-modal>
// and exposes the FaceSign global for partners.
import type { Remote } from "comlink";
import { ERROR_CODES, FaceSignError, WIDGET_VERSION, type FrameApi } from "../protocol";
import { FaceSignButton } from "./facesign-button";
import { FaceSignModal } from "./facesign-modal";
import { loaderOrigin } from "./loader-origin";

if (!customElements.get("facesign-modal")) customElements.define("facesign-modal", FaceSignModal);
if (!customElements.get("facesign-button")) customElements.define("facesign-button", FaceSignButton);

export interface ConnectOptions {
  /** Defaults to the origin the loader came from. */
  widgetOrigin?: string;
}

/** Connects through the page's <facesign-button> for that origin, or through a modal of its own. */
function connect({ widgetOrigin = loaderOrigin() }: ConnectOptions = {}): Promise<Remote<FrameApi>> {
  const origin = new URL(widgetOrigin).origin;
  const button = Array.from(document.querySelectorAll("facesign-button")).find((b) => b.widgetOrigin === origin);
  if (button) return button.connect();
  let modal = Array.from(document.querySelectorAll("facesign-modal")).find((m) => m.widgetOrigin === origin);
  if (!modal) {
    modal = new FaceSignModal();
    modal.widgetOrigin = origin;
    document.body.append(modal);
  }
  return modal.connect();
}

const FaceSign = { version: WIDGET_VERSION, connect, FaceSignError, errors: ERROR_CODES };
export type FaceSignGlobal = typeof FaceSign;

declare global {
  interface Window {
    FaceSign: FaceSignGlobal;
  }
  interface HTMLElementTagNameMap {
    "facesign-button": FaceSignButton;
    "facesign-modal": FaceSignModal;
  }
}
window.FaceSign = FaceSign;

