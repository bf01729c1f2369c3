// The frame's screens, all in frame.html: home, the camera scan, and a problem
// screen (camera denied, missing or busy, a step not done in time) with a retry.
import type { ErrorCode } from "../../contracts/page-frame";
import { CAMERA_ERROR_TEXT } from "./ui/copy";
import type { ScanView } from "./ui/scan-view";
import { canProveVisibility, guardConsent } from "./consent-guard";
import type { ConsentAnswer, ConsentRequest } from "./consent-request";
import { askInWindow } from "./helper-window";
import type { ForgetReport, HeldGrant, YourData } from "./your-data";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** How the user scans: the camera here, with their passkey naming the account, or on their phone. */
export type ScanWay = "camera" | "passkey" | "recovery" | "phone";

type Screen = "home" | "scan" | "newcomer" | "recovery-code-screen" | "save-passkey" | "recovery" | "result" | "consent" | "problem" | "handoff" | "your-data" | "forget";

let windowControl = { show: () => {}, hide: () => {} };

function show(screen: Screen): void {
  for (const id of ["home", "scan", "newcomer", "recovery-code-screen", "save-passkey", "recovery", "result", "consent", "problem", "handoff", "your-data", "forget"] as const)
    $(id).hidden = id !== screen;
  document.body.dataset.screen = screen;
  // Every screen but a result needs the user: the host brings the window back if it was hidden.
  if (screen !== "result") windowControl.show();
}

/** Shows the buttons; resolves with the value of the one pressed (the optional ones, after the first, hide again). */
function choose<T>(...options: ([HTMLElement, T] | false)[]): Promise<T> {
  const shown = options.filter((o) => o !== false);
  return new Promise((resolve) => {
    const controller = new AbortController();
    for (const [button, value] of shown) {
      button.hidden = false;
      button.addEventListener(
        "click",
        () => {
          controller.abort();
          for (const [other] of shown.slice(1)) other.hidden = true;
          resolve(value);
        },
        { signal: controller.signal },
      );
    }
  });
}

/** The result screen: a title and a line, focused. */
function result(title: string, body: string): void {
  $("result-title").textContent = title;
  $("result-body").textContent = body;
  show("result");
  $("result-title").focus();
}

const PROBLEM_TEXT: Partial<Record<ErrorCode, { title: string; body: string }>> = {
  scan_rejected: { title: "That didn't work", body: "FaceSign couldn't confirm a live face that followed the steps. Make sure your face is well lit and follow each instruction." },
  ...CAMERA_ERROR_TEXT,
  challenge_timeout: { title: "Let's try that again", body: "A step of the face scan wasn't completed in time. Keep your face in the oval and follow the instructions." },
  identity_ambiguous: { title: "We're not sure it's you", body: "Your face is close to a FaceSign account, but not close enough to open it safely. Scan again, facing the camera in even light." },
  account_needed: { title: "Your passkey is needed", body: "This FaceSign has too many users for a face alone to open a wallet safely." },
  identity_mismatch: { title: "Not this account", body: "Your face does not match the account your passkey names. Nothing was unlocked." },
  account_locked: { title: "Locked for now", body: "Too many scans didn't match the account your passkey names, so it is locked for a while." },
  passkey_failed: { title: "No passkey used", body: "FaceSign didn't get a passkey. Try again, or scan your face alone." },
  enrolment_expired: { title: "Let's try that again", body: "The new account wasn't confirmed in time, so nothing was kept. Scan again to start over." },
  attestation_invalid: { title: "Stopped for your safety", body: "FaceSign's secure enclave could not be verified, so nothing was sent." },
  handoff_expired: { title: "The code expired", body: "Scanning on your phone took too long. Start again for a new code." },
  handoff_cancelled: { title: "Cancelled", body: "The scan on your phone was cancelled. You can start again." },
  handoff_claimed: { title: "Already opened", body: "This code was already opened on another phone. Start again on your computer for a new one." },
  handoff_tampered: { title: "Stopped for your safety", body: "The answer from your phone could not be verified, so it was not used." },
  nothing_to_delete: { title: "Nothing to delete", body: "No FaceSign account matches this face, so nothing was deleted. Scan again, facing the camera in even light." },
};

export const screens = {
  /** How the frame asks the host to show or hide its window; Continue on a result hides it. */
  onWindow(control: typeof windowControl): void {
    windowControl = control;
    $("continue").addEventListener("click", () => control.hide());
  },

  connected(hostOrigin: string): void {
    $("status").textContent = `Connected to ${new URL(hostOrigin).host}`;
    document.body.dataset.state = "connected";
    show("home");
  },

  /** The phone's end of a hand-off: the computer is waiting for this scan. */
  onPhone(): void {
    $("status").textContent = "Your computer is waiting for this scan. This phone keeps nothing.";
    document.body.dataset.state = "phone";
  },

  /** Shows the home screen's start button (and, if offered, the passkey's and the phone's); resolves with the one pressed. */
  askToStart({ label = "Scan my face", phone = false, passkey = false } = {}): Promise<ScanWay> {
    const start = $<HTMLButtonElement>("start");
    start.textContent = label;
    start.hidden = false;
    show("home");
    start.focus();
    return choose<ScanWay>([start, "camera"], passkey && [$("start-passkey"), "passkey"], phone && [$("start-phone"), "phone"]);
  },

  /** The phone hand-off's screen: the QR code, the link, and where the phone stands; resolves if the user cancels. */
  handoff(url: string, qrImage: string): { status(text: string): void; cancelled: Promise<void> } {
    $<HTMLImageElement>("handoff-qr").src = qrImage;
    $("handoff-link").textContent = url;
    show("handoff");
    $("handoff-title").focus();
    const status = (text: string) => ($("handoff-status").textContent = text);
    status("Waiting for your phone…");
    return { status, cancelled: choose([$("handoff-cancel"), undefined]) };
  },

  /** Whether the scan may show its colours: not when the user ticked "Scan without colours" on the start screen. */
  coloursAllowed(): boolean {
    return !$<HTMLInputElement>("no-colours").checked;
  },

  scan(): ScanView {
    show("scan");
    return $<ScanView>("scan");
  },

  /** Nobody enrolled has this face: create an account, or (the user may have one) scan again or use their passkey. */
  newcomer({ passkey = false } = {}): Promise<"create" | "camera" | "passkey"> {
    show("newcomer");
    $("newcomer-title").focus();
    return choose<"create" | "camera" | "passkey">([$("create-wallet"), "create"], [$("scan-again"), "camera"], passkey && [$("newcomer-passkey"), "passkey"]);
  },

  /** The passkey window's one question (its button is the user's gesture for the browser's dialog). */
  savePasskey(): Promise<boolean> {
    show("save-passkey");
    $("save-passkey-title").focus();
    return choose([$("save-passkey-button"), true], [$("skip-passkey"), false]);
  },

  /** Asks for the recovery code; resolves with what was typed, or null for Back. */
  askRecoveryCode(): Promise<string | null> {
    const form = $<HTMLFormElement>("recovery");
    const input = $<HTMLInputElement>("recovery-input");
    input.value = "";
    show("recovery");
    input.focus();
    return new Promise((resolve) => {
      const controller = new AbortController();
      const done = (value: string | null) => {
        controller.abort();
        resolve(value);
      };
      form.addEventListener(
        "submit",
        (e) => {
          e.preventDefault();
          done(input.value);
        },
        { signal: controller.signal },
      );
      $("recovery-cancel").addEventListener("click", () => done(null), { signal: controller.signal });
    });
  },

  /** A new account's recovery code, shown this once; resolves when the user says it is saved (nothing else may take the screen before). */
  recoveryCode(code: string): Promise<void> {
    $("recovery-code").textContent = code;
    show("recovery-code-screen");
    $("recovery-code-title").focus();
    return choose([$("recovery-saved"), undefined]).then(() => {
      $("recovery-code").textContent = "";
    });
  },

  /** The scan passed: a new FaceSign, or a returning one. */
  done(status: "new" | "known"): void {
    document.body.dataset.status = status;
    if (status === "known") result("Welcome back", "We recognised you. Your FaceSign is unlocked in this window.");
    else result("You're set up", "Your FaceSign is ready. Next time, on any device, your face is all you need.");
  },

  /** The phone's part of a hand-off is done: the computer has the answer. */
  handedOff(): void {
    document.body.dataset.handoff = "answered";
    result("Done on this phone", "Go back to your computer: FaceSign is unlocked there. This phone kept nothing.");
  },

  /** The user said no, or the screen was hidden or covered when they answered: nothing went back to the page. */
  rejected(hostOrigin: string, why = ""): void {
    result("Not signed", `${why}Nothing was sent to ${new URL(hostOrigin).host}.`);
  },

  /** A signature (or a grant) went back to the page. */
  signed(hostOrigin: string, title = "Signed", what = "Your signature was sent"): void {
    result(title, `${what} to ${new URL(hostOrigin).host}.`);
  },

  /**
   * Asks the user to approve a request from the host page. The body is built from text
   * nodes only: nothing the page sent is ever parsed as HTML. Approve counts only once
   * the screen has been fully visible for a moment (consent-guard.ts); #consent's
   * data-visible and #approve's aria-disabled say where that stands. An embedded frame
   * in a browser that cannot prove it is seen moves the answer to a window of its own.
   */
  consent(request: ConsentRequest): Promise<ConsentAnswer> {
    $("consent-title").textContent = request.title;
    $("consent-origin").textContent = request.hostOrigin;
    $("consent-key").textContent = request.signer;
    const body = $("consent-body");
    body.replaceChildren();
    for (const part of request.parts) {
      if (part.heading) body.append(Object.assign(document.createElement("h2"), { textContent: part.heading }));
      if ("text" in part) body.append(Object.assign(document.createElement("pre"), { textContent: part.text }));
      else {
        const list = document.createElement("dl");
        for (const [k, v] of part.fields) list.append(Object.assign(document.createElement("dt"), { textContent: k }), Object.assign(document.createElement("dd"), { textContent: v }));
        body.append(list);
      }
    }
    const inWindow = !canProveVisibility && window.top !== window;
    $<HTMLButtonElement>("approve").textContent = inWindow ? "Continue in a FaceSign window" : (request.approveLabel ?? "Sign");
    document.body.dataset.consent = request.kind;
    show("consent");
    $("consent-title").focus();
    const [panel, approve, reject] = [$("consent"), $("approve"), $("reject")];
    const guard = guardConsent([$("consent-title"), $("consent-origin"), body, approve], (visibility, ready) => {
      panel.dataset.visible = visibility;
      approve.setAttribute("aria-disabled", String(!ready));
    });
    return new Promise((resolve) => {
      const decide = (answer: ConsentAnswer) => {
        guard.stop();
        approve.removeEventListener("click", onApprove);
        reject.removeEventListener("click", onReject);
        delete document.body.dataset.consent;
        resolve(answer);
      };
      const onApprove = () => {
        const verdict = guard.verdict(performance.now());
        if (verdict === "too_soon") return;
        if (verdict === "obscured" || !inWindow) return decide(verdict === "accept" ? "approved" : "obscured");
        const answer = askInWindow("consent", request, "rejected");
        if (!answer) return decide("rejected");
        // Only the window's answer counts now; these buttons wait with it.
        const waiting = (on: boolean) => {
          $("consent-window-note").hidden = !on;
          approve.hidden = reject.hidden = on;
        };
        waiting(true);
        void answer.then((a) => {
          waiting(false);
          decide(a);
        });
      };
      const onReject = () => decide("rejected");
      approve.addEventListener("click", onApprove);
      reject.addEventListener("click", onReject);
    });
  },

  /** The result screen's "Your data" button, once the wallet has opened: `open` runs on each press. */
  offerYourData(open: () => void): void {
    const button = $<HTMLButtonElement>("open-your-data");
    button.hidden = false;
    button.onclick = open;
  },

  /**
   * "Your data": what idOS holds for this wallet (from `load`), each access grant with a
   * Revoke button (disabled while it is locked); `revoke` revokes one, then the screen
   * reloads. Resolves with "done" (back on the result screen) or "forget": the user asked
   * to delete their face data.
   */
  async yourData(load: () => Promise<YourData>, revoke: (grantId: string) => Promise<void>): Promise<"done" | "forget"> {
    const [body, status] = [$("your-data-body"), $("your-data-status")];
    body.replaceChildren();
    status.textContent = "Reading your data…";
    show("your-data");
    $("your-data-title").focus();
    const failed = (what: string, error: unknown) => (status.textContent = `${what}: ${error instanceof Error ? error.message : String(error)}`);
    const render = (data: YourData) => {
      status.textContent = "";
      renderYourData(body, data, async (grant, button) => {
        button.disabled = true;
        status.textContent = "Revoking…";
        try {
          await revoke(grant.id);
          render(await load());
          status.textContent = "Revoked: that site can no longer read your credential.";
        } catch (error) {
          button.disabled = false;
          failed("Not revoked", error);
        }
      });
    };
    try {
      render(await load());
    } catch (error) {
      failed("idOS could not be read", error);
    }
    const choice = await choose<"done" | "forget">([$("your-data-done"), "done"], [$("your-data-forget"), "forget"]);
    if (choice === "done") show("result");
    return choice;
  },

  /** Deleting face data, said plainly before the scan that does it; resolves with how the user scans, or null to go back. */
  confirmForget(address: string, { passkey = false } = {}): Promise<ScanWay | null> {
    $("forget-wallet").textContent = `Your wallet's keys come from this data. Once it is deleted, nobody (not you, not FaceSign) can sign for ${address} again: move anything it holds first.`;
    show("forget");
    $("forget-title").focus();
    return choose<ScanWay | null>([$("forget-cancel"), null], [$("forget-scan"), "camera"], passkey && [$("forget-passkey"), "passkey"]);
  },

  /** The face data is deleted: exactly what was removed, and what remains where. */
  forgotten(address: string, report: ForgetReport): void {
    document.body.dataset.forgotten = "error" in report ? "idos_error" : "done";
    const idos =
      "error" in report
        ? `Your access grants in idOS could not be revoked now (${report.error}): revoke them in idOS. `
        : `${report.revoked ? `${report.revoked} access grant${report.revoked > 1 ? "s were" : " was"} revoked in idOS. ` : ""}${
            report.removed ? `Your FaceSign credential was removed from your idOS profile. ` : ""
          }What remains: ${
            report.profile ? `your idOS profile ${report.profile} with your FaceSign wallet entry (idOS keeps them; you can remove them in idOS)` : "nothing of yours in idOS"
          }${report.kept ? `; your FaceSign credential, which a locked grant still shares` : ""}${
            report.locked.length ? `; ${report.locked.length} locked grant${report.locked.length > 1 ? "s" : ""}, until ${when(Math.max(...report.locked))}` : ""
          }. `;
    result(
      "Your face data is deleted",
      `FaceSign deleted your face template and its entry in the enclave's index. A new scan of your face makes a new FaceSign account, with new keys. ${idos}Whatever ${address} holds stays there; nobody can sign for it any more.`,
    );
    $("open-your-data").hidden = true;
  },

  /** Shows a problem; resolves with what the user chose: try again, or (if offered) their passkey or their phone. */
  problem(code: ErrorCode, message: string, { phone = false, passkey = false, recovery = false } = {}): Promise<ScanWay> {
    const text = PROBLEM_TEXT[code] ?? { title: "Something went wrong", body: message };
    $("problem-title").textContent = text.title;
    // The specific reason stays visible (in smaller type) for support and bug reports.
    $("problem-body").textContent = text.body;
    $("problem-detail").textContent = text.body === message ? "" : message;
    document.body.dataset.problem = code;
    show("problem");
    const retry = $<HTMLButtonElement>("retry");
    retry.focus();
    return choose<ScanWay>([retry, "camera"], passkey && [$("problem-passkey"), "passkey"], recovery && [$("problem-recovery"), "recovery"], phone && [$("problem-phone"), "phone"]);
  },
};

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text = "") => Object.assign(document.createElement(tag), { textContent: text });
const when = (ms: number) => new Date(ms).toUTCString();
const fields = (rows: [string, string][]) => {
  const list = el("dl");
  for (const [k, v] of rows) list.append(el("dt", k), el("dd", v));
  return list;
};

/** The screen's content, from text nodes only (idOS's answers are never parsed as HTML). */
function renderYourData(body: HTMLElement, data: YourData, onRevoke: (grant: HeldGrant, button: HTMLButtonElement) => void): void {
  body.replaceChildren(el("h2", "FaceSign"), el("p", "Your face template is sealed in FaceSign's enclave: only the enclave can read it."), el("h2", "idOS"));
  if (!data.profile) {
    body.append(el("p", "You have no idOS profile: nothing of yours is in idOS. Sharing your credential with a site makes one."));
    return;
  }
  body.append(
    fields([
      ["Profile", data.profile],
      ["FaceSign credential", data.credential ? `Valid from ${when(Date.parse(data.credential.validFrom))} until ${when(Date.parse(data.credential.validUntil))}` : "None"],
    ]),
    el("h2", "Sites that can read your credential"),
  );
  if (data.grants.length === 0) body.append(el("p", "None."));
  const list = el("ul");
  list.className = "grants";
  for (const grant of data.grants) {
    const locked = grant.lockedUntil > Date.now();
    const button = el("button", "Revoke");
    Object.assign(button, { type: "button", className: "secondary", disabled: locked });
    button.dataset.grant = grant.id;
    if (locked) button.title = `Locked until ${when(grant.lockedUntil)}`;
    button.addEventListener("click", () => onRevoke(grant, button));
    const item = el("li");
    item.append(
      fields([
        ["Who", `Key ${grant.grantee.slice(0, 16)}…`],
        ["Since", grant.since ? when(grant.since) : "Not told by idOS"],
        ["Locked until", locked ? when(grant.lockedUntil) : "Not locked: you can revoke it"],
      ]),
      button,
    );
    list.append(item);
  }
  body.append(list);
}
