// The loader (dist/facesign.js): registers <facesign-button> and <facesign-modal>
// and exposes the FaceSign global for partners, with an EIP-1193 provider for dapps
// (announced through EIP-6963).
import type { Remote } from "comlink";
import { ERROR_CODES, FaceSignError, WIDGET_VERSION, type FrameApi } from "../../contracts/page-frame";
import { FaceSignButton } from "./facesign-button";
import { FaceSignModal, type FaceSignMode } from "./facesign-modal";
import { loaderOrigin } from "./loader-origin";
import { announceProvider } from "./eip6963";
import { createProvider, ProviderRpcError } from "./provider";

if (!customElements.get("facesign-modal")) customElements.define("facesign-modal", FaceSignModal);
if (!customElements.get("facesign-button")) customElements.define("facesign-button", FaceSignButton);

export interface ConnectOptions {
  /** Defaults to the origin the loader came from. */
  widgetOrigin?: string;
  /** Defaults to the button's mode, or auto. "popup" must be called from the user's click. */
  mode?: FaceSignMode;
}

/** The modal of the page's <facesign-button> for that origin, or one of its own. */
function modalFor(widgetOrigin = loaderOrigin(), mode?: FaceSignMode): FaceSignModal {
  const modal = findModal(widgetOrigin);
  if (mode) modal.mode = mode;
  return modal;
}

function findModal(widgetOrigin: string): FaceSignModal {
  const origin = new URL(widgetOrigin).origin;
  const button = Array.from(document.querySelectorAll("facesign-button")).find((b) => b.widgetOrigin === origin);
  if (button) {
    button.modal.widgetOrigin = origin;
    button.modal.mode = button.mode;
    return button.modal;
  }
  let modal = Array.from(document.querySelectorAll("facesign-modal")).find((m) => m.widgetOrigin === origin);
  if (!modal) {
    modal = new FaceSignModal();
    modal.widgetOrigin = origin;
    document.body.append(modal);
  }
  return modal;
}

/** Opens FaceSign and resolves with the frame's typed API (connect, signMessage, personalSign, signTypedData…). */
const connect = ({ widgetOrigin, mode }: ConnectOptions = {}): Promise<Remote<FrameApi>> => modalFor(widgetOrigin, mode).connect();

const provider = createProvider(() => modalFor());
announceProvider(provider);

const FaceSign = {
  version: WIDGET_VERSION,
  connect,
  provider,
  FaceSignError,
  ProviderRpcError,
  errors: Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { message }]) => [code, message])) as { [C in keyof typeof ERROR_CODES]: (typeof ERROR_CODES)[C]["message"] },
};
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
