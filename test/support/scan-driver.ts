// Drives one real face scan: Chromium with a file as its camera and a profile
// directory as its device, the host demo page, the button, the frame's start button,
// and the frame's outcome as the frame shows it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FrameLocator, Page } from "playwright-core";
import { fakeCameraFlags, launchProfile } from "./browser";

export interface ScanOutcome {
  status: "new" | "known" | "rejected";
  /** With `sign`: the account the scan unlocked and its EIP-191 signature of the text. */
  address?: string;
  ed25519PublicKey?: string;
  signature?: string;
  /** With `grantTo`: the idOS access grant made for that consumer, and the holder's presentation for its challenge. */
  grantId?: string;
  presentation?: string;
  /** Who refused: the enclave (a scan rejection, `reason` from SCAN_REJECTIONS) or the frame (a problem, `reason` a FaceSign error code such as challenge_timeout or attestation_invalid). */
  rejectedBy?: "enclave" | "frame";
  /** The refusal's exact code. */
  reason: string | null;
  userId: string | null;
  /** Click on the partner's button → outcome shown. */
  ms: number;
  /** The passive anti-spoof score the enclave sent with its answer: advice, never the reason for the outcome. */
  passiveLiveness?: number;
  /** The light challenge's colours the frame showed, in order, if any. */
  coloursShown?: string[];
}

export interface ScanDrive {
  hostDemoOrigin: string;
  camera: string;
  /** A browser profile: a new directory is a new device. */
  profileDir?: string;
  timeoutMs?: number;
  /** After a passed scan, personal_sign this text through FaceSign.provider and approve it in the frame. */
  sign?: string;
  /** After a passed scan, grant this consumer access to the credential, approved in the frame: its x25519 and ed25519 public keys (base64url) and its challenge for the presentation. */
  grantTo?: { encryption: string; auth: string; challenge: string };
  /** false: the user ticks "Scan without colours" on the start screen. */
  colours?: boolean;
}

/** The frame's connect screen, approved once Sign counts (the first connect() of a window asks). */
export type Hex = `0x${string}`;

/** personal_sign from the page through FaceSign.provider; resolves with the signature or the error's codes. */
export const personalSign = (page: Page, address: Hex, text: string) =>
  page.evaluate(
    ([a, t]) =>
      window.FaceSign.provider.request({ method: "personal_sign", params: [t, a] }).then(
        (signature) => ({ signature: signature as string }),
        (e: { code: number; data?: { code?: string } }) => ({ code: e.code, faceSign: e.data?.code }),
      ),
    [address, text] as const,
  );

/** Reads the new account's recovery code off its screen and says it is saved; returns the code. */
export async function saveRecoveryCode(frame: Pick<FrameLocator, "locator">, timeout = 30_000): Promise<string> {
  await frame.locator("body[data-screen=recovery-code-screen] #recovery-saved").waitFor({ timeout });
  const code = (await frame.locator("#recovery-code").textContent())!;
  await frame.locator("#recovery-saved").click();
  return code;
}

/**
 * Answers "New to FaceSign?" with "Create my wallet", as a new user does, then saves the
 * recovery code; returns the code (null if the enrolment ended otherwise, or, on a phone,
 * handed the code to the computer).
 */
export async function createWallet(frame: Pick<FrameLocator, "locator">, timeout = 90_000): Promise<string | null> {
  await frame.locator("body[data-screen=newcomer] #create-wallet").click({ timeout });
  await frame.locator("body[data-screen=recovery-code-screen], body[data-problem], body[data-status], body[data-handoff=answered]").waitFor({ timeout: 30_000 });
  return (await frame.locator("body").getAttribute("data-screen")) === "recovery-code-screen" ? saveRecoveryCode(frame) : null;
}

/** Starts the scan; a new face creates its wallet (createWallet). */
export async function startScan(frame: Pick<FrameLocator, "locator">, timeout = 90_000): Promise<void> {
  await frame.locator("#start:not([hidden])").click();
  await frame.locator("body[data-screen=newcomer], body[data-status], body[data-problem], body[data-consent]").waitFor({ timeout });
  if ((await frame.locator("body").getAttribute("data-screen")) === "newcomer") await createWallet(frame);
}

export const approveConnect = (frame: Pick<FrameLocator, "locator">) => frame.locator("body[data-consent='connect'] #approve[aria-disabled='false']").click({ timeout: 120_000 });

export async function driveScan({
  hostDemoOrigin,
  camera,
  profileDir = mkdtempSync(join(tmpdir(), "facesign-profile-")),
  timeoutMs = 90_000,
  sign,
  grantTo,
  colours = true,
}: ScanDrive): Promise<ScanOutcome> {
  const context = await launchProfile(profileDir, fakeCameraFlags(camera));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${hostDemoOrigin}/`);
    const frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    const started = Date.now();
    await page.click("facesign-button");
    if (!colours) await frame.locator("#no-colours").check();
    await startScan(frame, timeoutMs);
    const body = frame.locator("body");
    await frame.locator("body[data-status], body[data-problem]").waitFor({ timeout: timeoutMs });
    const ms = Date.now() - started;
    const status = await body.getAttribute("data-status");
    const passive = await body.getAttribute("data-passive-liveness");
    const shown = await body.getAttribute("data-light-shown");
    const advice = { ...(passive === null ? {} : { passiveLiveness: Number(passive) }), ...(shown ? { coloursShown: shown.trim().split(" ") } : {}) };
    if (status === "new" || status === "known") {
      let outcome: ScanOutcome = { status, reason: null, userId: await body.getAttribute("data-user-id"), ms, ...advice };
      if (sign !== undefined) {
        // The button's own connect() waits on the connect screen: approving it answers both.
        const connecting = page.evaluate(async () => (await window.FaceSign.connect()).connect());
        await approveConnect(frame);
        const account = await connecting;
        const signature = page.evaluate(([text, address]) => window.FaceSign.provider.request({ method: "personal_sign", params: [text, address] }) as Promise<string>, [
          sign,
          account.address,
        ] as const);
        await frame.locator("#approve[aria-disabled='false']:visible").click();
        outcome = { ...outcome, address: account.address, ed25519PublicKey: account.ed25519PublicKey, signature: await signature };
      }
      if (grantTo !== undefined) {
        const request = { consumerEncryptionPublicKey: grantTo.encryption, consumerAuthPublicKey: grantTo.auth, lockedUntil: 0, challenge: grantTo.challenge };
        const granted = page.evaluate(async (r) => (await window.FaceSign.connect()).requestAccessGrant(r), request);
        await frame.locator("body[data-consent='accessGrant'] #approve[aria-disabled='false']:visible").click();
        outcome = { ...outcome, ...(await granted) };
      }
      return outcome;
    }
    const rejection = await body.getAttribute("data-rejection");
    return rejection
      ? { status: "rejected", rejectedBy: "enclave", reason: rejection, userId: null, ms, ...advice }
      : { status: "rejected", rejectedBy: "frame", reason: await body.getAttribute("data-problem"), userId: null, ms, ...advice };
  } finally {
    await context.close();
  }
}
