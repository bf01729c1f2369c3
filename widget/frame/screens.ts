// The frame's screens, all in frame.html: home, the camera scan, and a problem
// screen (camera denied, missing or busy, a step not done in time) with a retry.
import type { ErrorCode } from "../protocol";
import { CAMERA_ERROR_TEXT } from "./ui/copy";
import type { ScanView } from "./ui/scan-view";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

type Screen = "home" | "scan" | "result" | "problem";

function show(screen: Screen): void {
  for (const id of ["home", "scan", "result", "problem"] as const) $(id).hidden = id !== screen;
  document.body.dataset.screen = screen;
}

const PROBLEM_TEXT: Partial<Record<ErrorCode, { title: string; body: string }>> = {
  scan_rejected: { title: "That didn't work", body: "FaceSign couldn't confirm a live face that followed the steps. Make sure your face is well lit and follow each instruction." },
  ...CAMERA_ERROR_TEXT,
  challenge_timeout: { title: "Let's try that again", body: "A step of the face scan wasn't completed in time. Keep your face in the oval and follow the instructions." },
  attestation_invalid: { title: "Stopped for your safety", body: "FaceSign's secure enclave could not be verified, so nothing was sent." },
};

export const screens = {
  connected(hostOrigin: string): void {
    $("status").textContent = `Connected to ${new URL(hostOrigin).host}`;
    document.body.dataset.state = "connected";
    show("home");
  },

  /** Shows the home screen's start button; resolves when the user presses it. */
  askToStart(label = "Scan my face"): Promise<void> {
    const start = $<HTMLButtonElement>("start");
    start.textContent = label;
    start.hidden = false;
    show("home");
    start.focus();
    return new Promise((resolve) => start.addEventListener("click", () => resolve(), { once: true }));
  },

  scan(): ScanView {
    show("scan");
    return $<ScanView>("scan");
  },

  /** The scan passed: a new FaceSign, or a returning one. */
  done(status: "new" | "known"): void {
    $("result-title").textContent = status === "new" ? "You're set up" : "Welcome back";
    $("result-body").textContent = status === "new" ? "Your FaceSign is ready. Next time, on any device, your face is all you need." : "We recognised you. Your FaceSign is unlocked in this window.";
    document.body.dataset.status = status;
    show("result");
    $("result-title").focus();
  },

  /** Shows a problem; resolves when the user asks to retry. */
  problem(code: ErrorCode, message: string): Promise<void> {
    const text = PROBLEM_TEXT[code] ?? { title: "Something went wrong", body: message };
    $("problem-title").textContent = text.title;
    // The specific reason stays visible (in smaller type) for support and bug reports.
    $("problem-body").textContent = text.body;
    $("problem-detail").textContent = text.body === message ? "" : message;
    document.body.dataset.problem = code;
    show("problem");
    const retry = $<HTMLButtonElement>("retry");
    retry.focus();
    return new Promise((resolve) => retry.addEventListener("click", () => resolve(), { once: true }));
  },
};
