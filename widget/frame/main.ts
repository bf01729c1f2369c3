// Entry of the iframe app: read configuration, wait for the host's port, expose the
// API, and run the screens (home → scan → result, or a problem with a retry); the
// scan unlocks the wallet that the API's methods use.
import { expose } from "comlink";
import { FaceSignError, frameMethods, installErrorTransfer, type HandshakeReply, type WindowRequest } from "../../contracts/page-frame";
import { createFrameApi } from "./api";
import type { FrameConfig } from "../../contracts/frame-service";
import { readFrameConfig } from "./config";
import { helperWindowKind, runInWindow } from "./helper-window";
import { answerFromPhone, isHandoffPhone } from "./handoff/phone";
import { guardedEndpoint } from "./guarded-endpoint";
import { acceptHostPort, announcePopup, inPopup } from "./handshake";
import type { ScanSuccess } from "./scan-session";
import { screens } from "./screens";
import { startTracker } from "./tracker-handle";
import { createPasskey, passkeysAvailable } from "./passkey";
import { WalletSession } from "./wallet/session";
import { CredentialKeeper } from "./idos/credential-holder";
import { connectYourIdos, readYourData } from "./your-data";

installErrorTransfer();

interface ScanOptions {
  /** The camera failed here (an iframe may ask the page for a window of its own). */
  onCameraProblem?: () => void;
  /** Offer the phone hand-off (not on the phone itself). */
  phone?: boolean;
  /** The page the user came from, once the handshake has named it ("" on the phone). */
  partner: () => string;
  /** Show a new account's recovery code here (the phone leaves it to the computer it answers). */
  showRecoveryCode?: boolean;
}

/** Where a passkey or a recovery code can help: it names the account when the face alone cannot. */
const NAMING_HELPS: readonly string[] = ["identity_ambiguous", "account_needed", "identity_mismatch", "passkey_failed", "scan_rejected"];

/**
 * The scan's code loads, and its face tracker starts (the wasm runtime and the models),
 * while the user reads the start screen. One tracker serves the retries; a tracker that
 * failed to load is replaced on the next try. The user may scan on their phone instead.
 */
async function scanUntilDone(config: FrameConfig, { onCameraProblem = () => {}, phone = true, partner, showRecoveryCode = true }: ScanOptions): Promise<ScanSuccess> {
  const scanning = import("./scan-session");
  let tracker = startTracker(location.origin);
  const passkey = passkeysAvailable();
  let how = await screens.askToStart({ phone, passkey });
  const { scanOnce } = await scanning;
  try {
    for (;;) {
      try {
        const recovery = how === "recovery" ? await screens.askRecoveryCode() : undefined;
        if (recovery === null) {
          how = await screens.askToStart({ phone, passkey });
          continue;
        }
        const result =
          how === "phone"
            ? await (await import("./handoff/waiting")).scanOnPhone()
            : await scanOnce(config, tracker, { partner: partner(), passkey: how === "passkey", light: screens.coloursAllowed(), ...(recovery !== undefined ? { recovery } : {}) });
        if ("retry" in result) {
          how = result.retry;
          continue;
        }
        document.body.dataset.userId = result.userId;
        // The recovery code first: a page waiting to connect must not take the screen before it is saved.
        if (result.recoveryCode && showRecoveryCode) await screens.recoveryCode(result.recoveryCode);
        screens.done(result.status);
        return result;
      } catch (error) {
        if (
          await tracker.ready.then(
            () => false,
            () => true,
          )
        ) {
          tracker.worker.terminate();
          tracker = startTracker(location.origin);
        }
        const e = error instanceof FaceSignError ? error : new FaceSignError("internal_error");
        if (e.code.startsWith("camera_")) onCameraProblem();
        const named = NAMING_HELPS.includes(e.code);
        how = await screens.problem(e.code, e.message, { phone, passkey: passkey && named, recovery: named });
      }
    }
  } finally {
    tracker.worker.terminate();
  }
}

/** "Your data": every read and revocation uses the wallet's current keys (a fresh scan if it locked meanwhile). */
function showYourData(idosUrl: string, wallet: WalletSession): Promise<void> {
  const idos = async () => connectYourIdos(idosUrl, (await wallet.unlock()).keys);
  return screens.yourData(
    async () => readYourData(await idos()),
    async (grantId) => (await idos()).revokeAccessGrant(grantId),
  );
}

/** The frame proper: the wallet, the scan, and the API the host page reaches through its port. */
function runFrame(config: FrameConfig): void {
  // The credential goes into the user's idOS profile only when they approve sharing it.
  const credentials = new CredentialKeeper(config.idosUrl);
  let askForWindow = () => {};
  let partner = "";
  const wallet = new WalletSession(() => scanUntilDone(config, { onCameraProblem: () => askForWindow(), partner: () => partner }), config.signWindowMs);
  // The keys go as soon as this document does (the modal closed, or the page went away).
  addEventListener("pagehide", () => wallet.lock());

  void acceptHostPort({ partnerOrigins: config.partnerOrigins }).then(({ port, hostOrigin }) => {
    partner = hostOrigin;
    expose(createFrameApi(hostOrigin, wallet, credentials), guardedEndpoint(port, frameMethods()));
    const ready: HandshakeReply = { type: "facesign:ready" };
    port.postMessage(ready);
    // Esc inside the frame never reaches the host's dialog: ask the host to close it.
    const ask = (type: WindowRequest["type"]) => port.postMessage({ type } satisfies WindowRequest);
    document.addEventListener("keydown", (e) => e.key === "Escape" && ask("facesign:close-request"));
    screens.onWindow({ show: () => ask("facesign:show-request"), hide: () => ask("facesign:hide-request") });
    // An iframe the page keeps from the camera: a window of FaceSign's own may get it.
    if (!inPopup()) askForWindow = () => ask("facesign:popup-request");
    screens.connected(hostOrigin);
    // The scan starts with the window; connect() and the first signature wait for it.
    wallet.unlock().then(
      () => screens.offerYourData(() => void showYourData(config.idosUrl, wallet)),
      () => undefined,
    );
  });
  announcePopup(config.partnerOrigins);
}

/** The phone's end of a hand-off: scan here, answer the computer, keep nothing. */
function runPhone(config: FrameConfig): void {
  screens.onPhone();
  answerFromPhone(() => scanUntilDone(config, { phone: false, partner: () => "", showRecoveryCode: false })).then(
    () => screens.handedOff(),
    (error: unknown) => {
      const e = error instanceof FaceSignError ? error : new FaceSignError("internal_error");
      void screens.problem(e.code, e.message);
    },
  );
}

// The same document serves as a helper window (helper-window.ts: consent, or making a
// passkey) and as the phone's end of a hand-off (handoff/phone.ts), and then only as that.
const helper = helperWindowKind();
if (helper === "consent") runInWindow<"consent">((request) => screens.consent(request));
else if (helper === "passkey") runInWindow<"passkey">(async ({ accountHandle }) => ((await screens.savePasskey()) ? ((await createPasskey(accountHandle)) ?? null) : null));
else if (isHandoffPhone()) runPhone(readFrameConfig());
else runFrame(readFrameConfig());
