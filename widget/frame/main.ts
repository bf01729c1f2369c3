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
import type { Forgotten, ScanSuccess } from "./scan-session";
import { screens, type ScanWay } from "./screens";
import { startTracker } from "./tracker-handle";
import { createPasskey, passkeysAvailable } from "./passkey";
import { WalletSession } from "./wallet/session";
import { CredentialKeeper } from "./idos/credential-holder";
import { readYourData, withdrawFromIdos } from "./your-data";
import { walletIdos } from "./idos/idos-client";
import { deriveKeys, zeroKeys } from "./wallet/keys";

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
  /** Delete the user's face data, once they confirm (a scan that is theirs deletes it); the wallet whose keys go with it. */
  forget?: { address: string };
}

/** Where a passkey or a recovery code can help: it names the account when the face alone cannot. */
const NAMING_HELPS: readonly string[] = ["identity_ambiguous", "account_needed", "identity_mismatch", "passkey_failed", "scan_rejected"];

/**
 * The scan's code loads, and its face tracker starts (the wasm runtime and the models),
 * while the user reads the start screen. One tracker serves the retries; a tracker that
 * failed to load is replaced on the next try. The user may scan on their phone instead.
 */
function scanUntilDone(config: FrameConfig, options: ScanOptions & { forget?: undefined }): Promise<ScanSuccess>;
/** Deleting face data: the user's confirmation first (undefined if they cancel), no phone hand-off. */
function scanUntilDone(config: FrameConfig, options: ScanOptions & { forget: { address: string } }): Promise<Forgotten | undefined>;
async function scanUntilDone(
  config: FrameConfig,
  { forget, onCameraProblem = () => {}, phone = !forget, partner, showRecoveryCode = true }: ScanOptions,
): Promise<ScanSuccess | Forgotten | undefined> {
  const scanning = import("./scan-session");
  let tracker = startTracker(location.origin);
  const passkey = passkeysAvailable();
  const first = forget ? await screens.confirmForget(forget.address, { passkey }) : await screens.askToStart({ phone, passkey });
  if (first === null) return undefined;
  let how: ScanWay = first;
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
            : await scanOnce(config, tracker, {
                partner: partner(),
                passkey: how === "passkey",
                light: screens.coloursAllowed(),
                forget: forget !== undefined,
                ...(recovery !== undefined ? { recovery } : {}),
              });
        if ("retry" in result) {
          how = result.retry;
          continue;
        }
        if (result.status === "forgotten") return result;
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
async function showYourData(config: FrameConfig, wallet: WalletSession, partner: string): Promise<void> {
  const idos = async () => walletIdos(config.idosUrl, (await wallet.unlock()).keys);
  const choice = await screens.yourData(
    async () => readYourData(await idos()),
    async (grantId) => (await idos()).revokeAccessGrant(grantId),
  );
  if (choice === "forget") await forgetFace(config, wallet, partner);
}

/**
 * "Delete my face data": after the user confirms and a fresh scan shows it is them, the
 * enclave deletes their template; the wallet locks, its keys (from the entropy, this last
 * time) revoke every grant idOS lets them revoke, and the user is told what remains.
 */
async function forgetFace(config: FrameConfig, wallet: WalletSession, partner: string): Promise<void> {
  const address = (await wallet.unlock()).keys.secp256k1.address;
  const forgotten = await scanUntilDone(config, { partner: () => partner, forget: { address } });
  if (!forgotten) return showYourData(config, wallet, partner);
  wallet.lock();
  const keys = deriveKeys(forgotten.entropy);
  forgotten.entropy.fill(0);
  try {
    screens.forgotten(address, await withdrawFromIdos(await walletIdos(config.idosUrl, keys)));
  } catch (error) {
    screens.forgotten(address, { error: error instanceof Error ? error.message : String(error) });
  } finally {
    zeroKeys(keys);
  }
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
      () => screens.offerYourData(() => void showYourData(config, wallet, hostOrigin)),
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
