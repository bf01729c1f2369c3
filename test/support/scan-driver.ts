// Drives one real face scan: Chromium with a file as its camera and a profile
// directory as its device, the host demo page, the button, the frame's start button,
// and the frame's outcome as the frame shows it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeCameraFlags, launchProfile } from "./browser";

export interface ScanOutcome {
  status: "new" | "known" | "rejected";
  /** The rejection's code (enclave rejection, or the frame's problem code). */
  reason: string | null;
  userId: string | null;
  /** Click on the partner's button → outcome shown. */
  ms: number;
}

export interface ScanDrive {
  hostDemoOrigin: string;
  camera: string;
  /** A browser profile: a new directory is a new device. */
  profileDir?: string;
  timeoutMs?: number;
}

export async function driveScan({ hostDemoOrigin, camera, profileDir = mkdtempSync(join(tmpdir(), "facesign-profile-")), timeoutMs = 90_000 }: ScanDrive): Promise<ScanOutcome> {
  const context = await launchProfile(profileDir, fakeCameraFlags(camera));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${hostDemoOrigin}/`);
    const frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    const started = Date.now();
    await page.click("facesign-button");
    await frame.locator("#start:not([hidden])").click();
    const body = frame.locator("body");
    await frame.locator("body[data-status], body[data-problem]").waitFor({ timeout: timeoutMs });
    const ms = Date.now() - started;
    const status = await body.getAttribute("data-status");
    if (status === "new" || status === "known") return { status, reason: null, userId: await body.getAttribute("data-user-id"), ms };
    return { status: "rejected", reason: (await body.getAttribute("data-rejection")) ?? (await body.getAttribute("data-problem")), userId: null, ms };
  } finally {
    await context.close();
  }
}
